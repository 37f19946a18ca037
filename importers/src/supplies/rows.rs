//! One row of a supplies register → a typed record, or the reasons it is rejected.

use crate::cell::CellValue;
use crate::headers::Field;
use crate::issues::{IssueCode, RowIssue};
use crate::normalize;
use crate::rows::{Found, Issues, Row, RowBuilder};

use super::amount::{AmountError, parse_amount, plain_number, unit_magnitude};
use super::buyer::is_city_buyer;
use super::catalogue::{CASH, CatalogueItem};
use super::records::{DonationRecord, Money, OutreachRecord, ProcurementRecord};
use super::status::{
    ContractState, DonationState, contract_state, donation_state, recommends, says_refunded,
};

/// A quantity read with its unit, in the item's unit.
struct Counted {
    value: f64,
    /// The currency the cell named (a cash row written "500元").
    currency: Option<String>,
}

impl RowBuilder<'_> {
    /// A receipt or contract number, normalised as a document number is.
    fn reference_number(&self, row: &Row<'_>, field: Field) -> Option<String> {
        self.find(row, field)
            .filter(|f| !normalize::is_placeholder(f.text))
            .map(|f| normalize::document_number(&f.written()))
            .filter(|n| !n.is_empty())
    }

    /// A country cell: its alpha-3 code; an unknown one is a warning.
    fn supply_country(&self, row: &Row<'_>, issues: &mut Issues) -> Option<String> {
        let f = self.find(row, Field::Nationality)?;
        if normalize::is_placeholder(f.text) {
            return None;
        }
        match self.nationality(f.text) {
            Some(c) => Some(c.alpha3.to_owned()),
            None => {
                issues.other.push(f.issue(
                    IssueCode::UnknownNationality,
                    format!(
                        "无法识别的国家或地区“{}”，请填写中文名（如 韩国）或三位代码（如 KOR）；已留空",
                        f.text
                    ),
                ));
                None
            }
        }
    }

    /// The currency of the 币种 column, else the one the header names ("金额（美元）").
    /// An unknown currency rejects the row.
    fn column_currency(&self, row: &Row<'_>, issues: &mut Issues) -> Result<Option<String>, ()> {
        if let Some(f) = self.find(row, Field::Currency)
            && !normalize::is_placeholder(f.text)
        {
            return match self.supplies.currency(f.text) {
                Some(code) => Ok(Some(code.to_owned())),
                None => {
                    issues.required.push(f.issue(
                        IssueCode::UnknownCurrency,
                        format!(
                            "无法识别的币种“{}”，该行未导入：请填写 人民币、美元、日元、韩元、欧元、港币 等或代码（如 USD）",
                            f.text
                        ),
                    ));
                    Err(())
                }
            };
        }
        Ok(None)
    }

    /// What a column's header says in brackets ("折合金额（元）", "数量（万只）", "Amount (USD)").
    fn header_note(&self, field: Field) -> String {
        let title = self.column_title(field);
        let inner: String = title
            .chars()
            .skip_while(|c| !matches!(c, '(' | '（' | '[' | '【'))
            .skip(1)
            .take_while(|c| !matches!(c, ')' | '）' | ']' | '】'))
            .collect();
        inner.trim().to_owned()
    }

    /// The currency a column's header names in brackets ("折合金额（元）", "金额（万美元）").
    fn header_currency(&self, field: Field) -> Option<String> {
        let note = self.header_note(field);
        let (_, rest) = unit_magnitude(&note);
        self.supplies.currency(rest).map(str::to_owned)
    }

    /// The magnitude a column's header gives its plain numbers ("合同金额（万元）": 10,000).
    fn header_scale(&self, field: Field) -> f64 {
        unit_magnitude(&self.header_note(field)).0
    }

    /// A plain number of a cell under a header that scales it ("数量（万只）" and "5" is
    /// 50,000); a number written with its own magnitude ("5万") is not scaled again, nor
    /// one written with its own unit or currency (callers check those).
    fn scaled(&self, field: Field, found: &Found<'_>, value: f64) -> f64 {
        let own_magnitude = found
            .text
            .chars()
            .any(|c| matches!(c, '十' | '百' | '千' | '万' | '萬' | '亿' | '億'));
        if own_magnitude {
            value
        } else {
            value * self.header_scale(field)
        }
    }

    /// A currency the hub has no reference rate for rejects the row, naming it.
    fn check_rate(&self, column: &str, currency: &str, issues: &mut Issues) -> bool {
        if self.supplies.has_rate(currency) {
            return true;
        }
        issues.required.push(RowIssue::new(
            column,
            currency,
            IssueCode::UnknownCurrency,
            format!(
                "币种 {currency} 没有参考汇率，该行未导入：请管理员先添加 {currency} 的月度参考汇率"
            ),
        ));
        false
    }

    /// The item of the 物资名称 cell: `Ok(None)` when empty, `Err` when it names nothing known.
    fn supply_item(&self, row: &Row<'_>) -> Result<Option<(CatalogueItem, String)>, RowIssue> {
        let Some(f) = self
            .find(row, Field::Item)
            .filter(|f| !normalize::is_placeholder(f.text))
        else {
            return Ok(None);
        };
        match self.supplies.classify(f.text) {
            Some(item) => Ok(Some((item.clone(), f.text.to_owned()))),
            None => Err(f.issue(
                IssueCode::UnknownItem,
                format!(
                    "无法识别的物资“{}”，该行未导入：请写明具体品类（如 医用防护服、N95口罩、医用外科口罩、医用手套、护目镜），或请管理员在物资目录中添加此名称",
                    f.text
                ),
            )),
        }
    }

    fn missing_item(&self) -> RowIssue {
        self.missing(
            Field::Item,
            IssueCode::MissingItem,
            "请填写物资名称（如 医用防护服、N95口罩）",
        )
    }

    /// The issue of a row without the quantity it needs; `reason` says what to write,
    /// given the quantity column's title.
    fn missing_quantity(&self, reason: impl FnOnce(&str) -> String) -> RowIssue {
        let col = self.column_title(Field::Quantity);
        RowIssue::new(col, "", IssueCode::MissingQuantity, reason(col))
    }

    /// Reads a quantity of `item` (unit in the cell or in the unit column); `Ok(None)` when
    /// the cell is empty, `Err(())` after an issue was recorded.
    fn quantity(
        &self,
        row: &Row<'_>,
        item: Option<&CatalogueItem>,
        issues: &mut Issues,
    ) -> Result<Option<Counted>, ()> {
        let Some(f) = self
            .find(row, Field::Quantity)
            .filter(|f| !normalize::is_placeholder(f.text))
        else {
            return Ok(None);
        };
        let text = f.written();
        let amount = match f.value {
            CellValue::Number(n) if *n >= 0.0 => Ok(super::Amount {
                value: *n,
                currency: None,
                unit: None,
            }),
            _ => parse_amount(&text, &self.supplies),
        };
        let amount = match amount {
            Ok(a) => a,
            Err(e) => {
                let why = match e {
                    AmountError::NotANumber => "不是数字",
                    AmountError::Negative => "不能为负数",
                };
                issues.required.push(f.issue(
                    IssueCode::InvalidQuantity,
                    format!(
                        "数量“{}”{why}，该行未导入：请填写具体数字（如 800、1.5万、800套）",
                        f.text
                    ),
                ));
                return Err(());
            }
        };
        let column_unit = self
            .find(row, Field::Unit)
            .filter(|u| !normalize::is_placeholder(u.text))
            .map(|u| (u.column.to_owned(), u.text.to_owned()));
        let plain = amount.unit.is_none() && amount.currency.is_none();
        let mut value = if plain {
            self.scaled(Field::Quantity, &f, amount.value)
        } else {
            amount.value
        };
        let mut currency = amount.currency;
        let unit = match (amount.unit, column_unit) {
            (Some(u), _) => Some((f.column.to_owned(), u)),
            (None, Some((col, u))) => {
                let (factor, rest) = unit_magnitude(&u);
                value *= factor;
                if let Some(code) = self.supplies.currency(rest) {
                    currency.get_or_insert_with(|| code.to_owned());
                    None
                } else {
                    Some((col, rest.to_owned()))
                }
            }
            (None, None) => None,
        };
        if let (Some((col, unit)), Some(item)) = (unit, item)
            && !unit.is_empty()
            && !item.counts_in(&unit)
        {
            let mut units = vec![item.unit.clone()];
            units.extend(item.unit_aliases.iter().cloned());
            issues.required.push(RowIssue::new(
                &col,
                &unit,
                IssueCode::UnknownUnit,
                format!(
                    "单位“{unit}”不是{}的计量单位（{}），该行未导入：请换算为{}后填写",
                    item.label_zh,
                    units.join("、"),
                    item.unit
                ),
            ));
            return Err(());
        }
        Ok(Some(Counted { value, currency }))
    }

    /// An amount of money in a column: its currency from the cell, else `currency`.
    /// `Err(())` after an issue was recorded (required: rejects the row).
    fn money(
        &self,
        row: &Row<'_>,
        field: Field,
        currency: &str,
        required: bool,
        issues: &mut Issues,
    ) -> Result<Option<Money>, ()> {
        let Some(f) = self
            .find(row, field)
            .filter(|f| !normalize::is_placeholder(f.text))
        else {
            return Ok(None);
        };
        let parsed = match f.value {
            CellValue::Number(n) if *n >= 0.0 => Ok(super::Amount {
                value: *n,
                currency: None,
                unit: None,
            }),
            _ => parse_amount(f.text, &self.supplies),
        };
        let issue = |reason: String| f.issue(IssueCode::InvalidAmount, reason);
        match parsed {
            Ok(a) if a.unit.is_none() => {
                let amount = if a.currency.is_none() {
                    self.scaled(field, &f, a.value)
                } else {
                    a.value
                };
                let currency = a.currency.unwrap_or_else(|| currency.to_owned());
                if !self.check_rate(f.column, &currency, issues) {
                    return Err(());
                }
                Ok(Some(Money { amount, currency }))
            }
            Ok(a) => {
                let unit = a.unit.unwrap_or_default();
                let tail = if required {
                    "该行未导入"
                } else {
                    "已留空"
                };
                let reason = format!(
                    "金额“{}”中的“{unit}”不是可识别的币种，请填写如 12000、1.5万、3.15亿韩元；{tail}",
                    f.text
                );
                if required {
                    issues
                        .required
                        .push(f.issue(IssueCode::UnknownCurrency, reason));
                    Err(())
                } else {
                    issues.other.push(issue(reason));
                    Ok(None)
                }
            }
            Err(_) => {
                let tail = if required {
                    "该行未导入"
                } else {
                    "已留空"
                };
                let reason = format!("金额“{}”不是数字，请填写如 12000、1.5万；{tail}", f.text);
                if required {
                    issues.required.push(issue(reason));
                    Err(())
                } else {
                    issues.other.push(issue(reason));
                    Ok(None)
                }
            }
        }
    }

    /// A donation register row.
    pub(crate) fn donation(&self, row: &Row<'_>, issues: &mut Issues) -> Option<DonationRecord> {
        let donated_at = self.required_moment(row, Field::DonatedAt, issues);
        let item = match self.supply_item(row) {
            Ok(item) => item,
            Err(issue) => {
                issues.required.push(issue);
                return None;
            }
        };
        let currency = self.column_currency(row, issues).ok()?;
        let value_currency = currency
            .clone()
            .or_else(|| self.header_currency(Field::Value))
            .unwrap_or_else(|| "CNY".to_owned());
        let counted = self
            .quantity(
                row,
                item.as_ref().map(|(i, _)| i).filter(|i| i.code != CASH),
                issues,
            )
            .ok()?;
        let unit_is_currency = counted.as_ref().is_some_and(|c| c.currency.is_some());
        let is_cash = item.as_ref().is_some_and(|(i, _)| i.code == CASH) || unit_is_currency;
        let value = self
            .money(row, Field::Value, &value_currency, is_cash, issues)
            .ok()?;
        let (item_code, item_as_written, quantity, cash_currency) = if is_cash {
            let (amount, cur) = match counted {
                Some(c) => (
                    c.value,
                    c.currency
                        .or(currency.clone())
                        .unwrap_or_else(|| value_currency.clone()),
                ),
                None => match &value {
                    Some(v) => (v.amount, v.currency.clone()),
                    None => {
                        issues.required.push(self.missing_quantity(|_| {
                            "缺少捐款金额，该行未导入：请在数量或金额列填写金额（如 12000）"
                                .to_owned()
                        }));
                        return None;
                    }
                },
            };
            if !self.check_rate(self.column_title(Field::Quantity), &cur, issues) {
                return None;
            }
            (CASH.to_owned(), item.map(|(_, w)| w), amount, Some(cur))
        } else {
            let Some((item, written)) = item else {
                issues.required.push(self.missing_item());
                return None;
            };
            let Some(counted) = counted else {
                issues.required.push(self.missing_quantity(|col| {
                    format!("缺少{col}，该行未导入：请填写捐赠数量（如 800）")
                }));
                return None;
            };
            (item.code, Some(written), counted.value, None)
        };
        let value = if is_cash {
            Some(Money {
                amount: quantity,
                currency: cash_currency.clone().unwrap_or_else(|| "CNY".to_owned()),
            })
        } else {
            value
        };
        let (state, state_as_written) = match self.find(row, Field::Status) {
            Some(f) if !normalize::is_placeholder(f.text) => match donation_state(f.text) {
                Some(s) => (s, Some(f.text.to_owned())),
                None => {
                    issues.required.push(f.issue(
                        IssueCode::UnknownStatus,
                        format!(
                            "无法识别的状态“{}”，该行未导入：请填写 已接收/已到货/已入库、运输中/在途 或 承诺捐赠/意向",
                            f.text
                        ),
                    ));
                    return None;
                }
            },
            // A register of receipts has no state column: what it lists was received.
            _ => (DonationState::Received, None),
        };
        let receipt_number = self.reference_number(row, Field::ReceiptNumber);
        Some(DonationRecord {
            donor: self.text(row, Field::Donor),
            country: self.supply_country(row, issues),
            item: item_code,
            item_as_written,
            quantity,
            cash_currency,
            value,
            state,
            state_as_written,
            recipient: self.text(row, Field::Recipient),
            receipt_number,
            note: self.text(row, Field::Note),
            donated_at: donated_at?,
        })
    }

    /// A procurement register row: one state of one contract.
    pub(crate) fn procurement(
        &self,
        row: &Row<'_>,
        issues: &mut Issues,
    ) -> Option<ProcurementRecord> {
        let stated_at = self.required_moment(row, Field::StatusDate, issues);
        let state = match self.find(row, Field::Status) {
            Some(f) if !normalize::is_placeholder(f.text) => match contract_state(f.text) {
                Some(s) => Some((s, f.text.to_owned())),
                None => {
                    issues.required.push(f.issue(
                        IssueCode::UnknownStatus,
                        format!(
                            "无法识别的状态“{}”，该行未导入：请填写 洽谈中、已签合同、已预付、运输中、已到货 或 已取消 等",
                            f.text
                        ),
                    ));
                    None
                }
            },
            _ => {
                issues.required.push(self.missing(
                    Field::Status,
                    IssueCode::UnknownStatus,
                    "请填写合同的执行状态（如 已签合同、已到货）",
                ));
                None
            }
        };
        let item = match self.supply_item(row) {
            Ok(Some((item, _))) if item.code == CASH => {
                issues.required.push(RowIssue::new(
                    self.column_title(Field::Item),
                    &item.label_zh,
                    IssueCode::UnknownItem,
                    "采购台账的物资名称不能是资金，该行未导入：请填写采购的物资品类",
                ));
                None
            }
            Ok(Some(item)) => Some(item),
            Ok(None) => {
                issues.required.push(self.missing_item());
                None
            }
            Err(issue) => {
                issues.required.push(issue);
                None
            }
        };
        let (state, state_as_written) = state?;
        let (item, item_as_written) = item?;
        let counted = self.quantity(row, Some(&item), issues).ok()?;
        let quantity = match counted {
            Some(c) => Some(c.value),
            None if state == ContractState::Lead => None,
            None => {
                issues.required.push(self.missing_quantity(|col| {
                    format!("缺少{col}，该行未导入：除洽谈中的线索外，每个合同状态都须填写数量")
                }));
                return None;
            }
        };
        let column_currency = self.column_currency(row, issues).ok()?;
        let currency = column_currency
            .or_else(|| self.header_currency(Field::ContractAmount))
            .or_else(|| self.header_currency(Field::PaidAmount))
            .unwrap_or_else(|| "CNY".to_owned());
        if !self.check_rate(self.column_title(Field::Currency), &currency, issues) {
            return None;
        }
        let contract_amount = self
            .money(row, Field::ContractAmount, &currency, false, issues)
            .ok()?;
        let paid = self
            .money(row, Field::PaidAmount, &currency, true, issues)
            .ok()?;
        let (unit_price, unit_price_text) = match self
            .find(row, Field::UnitPrice)
            .filter(|f| !normalize::is_placeholder(f.text))
        {
            None => (None, None),
            Some(f) => match f.value {
                CellValue::Number(n) => (Some(*n), None),
                _ => match plain_number(f.text) {
                    Some(n) => (Some(n), None),
                    None => {
                        issues.other.push(f.issue(
                            IssueCode::InvalidNumber,
                            format!(
                                "单价“{}”不是单纯的数字，已按原文保留（仅供参考，不参与统计）",
                                f.text
                            ),
                        ));
                        (None, Some(f.text.to_owned()))
                    }
                },
            },
        };
        let contract_number = self.reference_number(row, Field::ContractNumber);
        let buyer = self.text(row, Field::Buyer);
        Some(ProcurementRecord {
            contract_number,
            supplier: self.text(row, Field::Supplier),
            country: self.supply_country(row, issues),
            item: item.code,
            item_as_written: Some(item_as_written),
            quantity,
            unit_price,
            unit_price_text,
            currency,
            contract_amount,
            paid,
            refunded: state == ContractState::Cancelled && says_refunded(&state_as_written),
            state,
            state_as_written,
            for_city: is_city_buyer(buyer.as_deref()),
            buyer,
            note: self.text(row, Field::Note),
            stated_at: stated_at?,
        })
    }

    /// An outreach log row.
    pub(crate) fn outreach(&self, row: &Row<'_>, issues: &mut Issues) -> Option<OutreachRecord> {
        let contacted_at = self.required_moment(row, Field::ContactDate, issues);
        let contact = self.text(row, Field::Contact);
        if contact.is_none() {
            issues.required.push(self.missing(
                Field::Contact,
                IssueCode::MissingValue,
                "请填写联系的单位或个人",
            ));
        }
        let outcome = self.text(row, Field::Outcome);
        Some(OutreachRecord {
            country: self.supply_country(row, issues),
            channel: self.text(row, Field::Channel),
            subject: self.text(row, Field::Subject),
            recommended: outcome.as_deref().is_some_and(recommends),
            outcome,
            contact: contact?,
            contacted_at: contacted_at?,
        })
    }
}
