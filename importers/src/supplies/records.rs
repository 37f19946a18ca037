//! The typed rows of the supplies registers.

use serde::{Deserialize, Serialize};

use super::status::{ContractState, DonationState};
use crate::records::Moment;

/// An amount of money in its currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Money {
    /// The amount.
    pub amount: f64,
    /// ISO 4217 code.
    pub currency: String,
}

/// One donation of money or goods (a row of a donation register).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonationRecord {
    /// 登记日期 / 接收日期: the donation counts from then.
    pub donated_at: Moment,
    /// 捐赠方, as written.
    pub donor: Option<String>,
    /// The donor's country or region, ISO alpha-3.
    pub country: Option<String>,
    /// Item code of the catalogue (`cash` for money).
    pub item: String,
    /// 物资名称 as written.
    pub item_as_written: Option<String>,
    /// Quantity in the item's unit (the amount for cash).
    pub quantity: f64,
    /// For cash: the currency of the quantity.
    pub cash_currency: Option<String>,
    /// 折合金额: the declared value (for cash, the amount).
    pub value: Option<Money>,
    /// State.
    pub state: DonationState,
    /// 状态 as written.
    pub state_as_written: Option<String>,
    /// 接收单位, as written.
    pub recipient: Option<String>,
    /// 票据号, normalised (upper case, no spaces or hyphens).
    pub receipt_number: Option<String>,
    /// 备注.
    pub note: Option<String>,
}

/// One state of one purchase contract (a row of a procurement register).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcurementRecord {
    /// 合同编号, normalised.
    pub contract_number: Option<String>,
    /// 状态日期.
    pub stated_at: Moment,
    /// 供应商, as written.
    pub supplier: Option<String>,
    /// The supplier's country or region, ISO alpha-3.
    pub country: Option<String>,
    /// Item code of the catalogue.
    pub item: String,
    /// 物资名称 as written.
    pub item_as_written: Option<String>,
    /// Quantity in the item's unit (none for a lead that gives none).
    pub quantity: Option<f64>,
    /// 单价 when it is a plain number.
    pub unit_price: Option<f64>,
    /// 单价 as written when it is not a plain number.
    pub unit_price_text: Option<String>,
    /// The contract's currency (币种 column, else the amounts' own, else CNY).
    pub currency: String,
    /// 合同金额.
    pub contract_amount: Option<Money>,
    /// 已付金额.
    pub paid: Option<Money>,
    /// State.
    pub state: ContractState,
    /// 状态 as written.
    pub state_as_written: String,
    /// Whether the row says a cancelled contract's payment came back.
    pub refunded: bool,
    /// 需求方, as written.
    pub buyer: Option<String>,
    /// Whether the buyer is the city's purchasing group (else a county, district, the
    /// high-tech zone or an enterprise the office assisted).
    pub for_city: bool,
    /// 备注.
    pub note: Option<String>,
}

/// One contact with a supplier, association or person (a row of an outreach log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutreachRecord {
    /// 联系日期.
    pub contacted_at: Moment,
    /// 联系对象, as written.
    pub contact: String,
    /// Country or region, ISO alpha-3.
    pub country: Option<String>,
    /// 联系方式.
    pub channel: Option<String>,
    /// 事项.
    pub subject: Option<String>,
    /// 结果.
    pub outcome: Option<String>,
    /// Whether the result recommends the contact to the purchasing group.
    pub recommended: bool,
}
