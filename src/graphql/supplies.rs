//! The supplies ledger in GraphQL: the figures as of a time (`supplies`), the donations,
//! contracts and outreach contacts with their sources, the received trend, the donation
//! candidates for analysts, and the catalogue with the admin's edits.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use super::context::{as_of as resolve_as_of, authorize, database, principal, timezone};
use crate::auth::Operation;
use crate::auth::audit::{self, Action};
use crate::error::{GqlResultExt, HubError};
use crate::supplies::catalogue::ItemName;
use crate::supplies::figures::{
    self, ContractAt, DonationAt, DonationFigures, OutreachFigures, ProcurementFigures, TrendDay,
};
use crate::supplies::items::SupplyItem;
use crate::supplies::ledger::{Ledger, Parts};
use crate::supplies::service::{
    self, ContractFilter, DonationFilter, ItemsAndStates, RowPlace, View,
};
use crate::supplies::{candidates, catalogue, edits};

/// Longest page of a list.
const MAX_PAGE: i32 = 200;
/// Longest trend, in days.
const MAX_TREND_DAYS: i64 = 366;

/// The ledger's figures as of a time. 物资保障统计。
#[derive(Debug, Clone, SimpleObject)]
pub struct Supplies {
    /// The time the figures are for. 统计时间。
    pub as_of: DateTime<Utc>,
    /// Donations. 捐赠。
    pub donations: DonationFigures,
    /// Purchases. 采购。
    pub procurement: ProcurementFigures,
    /// Outreach. 外联。
    pub outreach: OutreachFigures,
}

/// Where a figure came from: a unit's upload and row. 数据来源。
#[derive(Debug, Clone, SimpleObject)]
pub struct SupplySource {
    /// The unit's code. 报送单位。
    pub unit: String,
    /// The upload. 上传编号。
    pub upload_id: ID,
    /// Sheet. 工作表。
    pub sheet: String,
    /// Excel row number. 行号。
    pub row: i32,
}

fn source(
    ledger: &Ledger,
    places: &HashMap<i64, RowPlace>,
    unit_id: i64,
    row_id: i64,
) -> SupplySource {
    let place = places.get(&row_id);
    SupplySource {
        unit: ledger.unit_code(unit_id).to_owned(),
        upload_id: ID::from(place.map_or(0, |p| p.upload_id).to_string()),
        sheet: place.map(|p| p.sheet.clone()).unwrap_or_default(),
        row: place.map_or(0, |p| p.row),
    }
}

/// What one register row said of a donation. 某一登记行的内容。
#[derive(Debug, Clone, SimpleObject)]
pub struct DonationRowView {
    /// Where it came from. 来源。
    pub source: SupplySource,
    /// 捐赠方 (masked for leaders when a private person). 捐赠方。
    pub donor: Option<String>,
    /// 状态 as normalised: received, in_transit, pledged. 状态。
    pub state: String,
    /// Quantity (the amount for cash). 数量。
    pub quantity: f64,
    /// Dated. 日期。
    pub donated_at: DateTime<Utc>,
    /// Normalised receipt number. 票据号。
    pub receipt_number: Option<String>,
}

/// One donation, with the register rows that speak of it. 一笔捐赠。
#[derive(Debug, Clone, SimpleObject)]
pub struct Donation {
    /// Id. 编号。
    pub id: ID,
    /// 捐赠方 (private persons masked for leaders). 捐赠方。
    pub donor: Option<String>,
    /// Whether the donor is a private person. 是否个人。
    pub donor_is_person: bool,
    /// Country or region, ISO alpha-3. 国家或地区。
    pub country: Option<String>,
    /// The item; none for cash. 物资品类（现金为空）。
    pub item: Option<SupplyItem>,
    /// Whether it is money. 是否现金。
    pub is_cash: bool,
    /// 物资名称 as written. 物资名称。
    pub item_as_written: Option<String>,
    /// Quantity (the amount for cash). 数量。
    pub quantity: f64,
    /// Value in CNY (cash, or declared value). 折合金额（元）。
    pub value_cny: Option<f64>,
    /// received, in_transit or pledged. 状态。
    pub state: String,
    /// Dated. 日期。
    pub donated_at: DateTime<Utc>,
    /// 接收单位. 接收单位。
    pub recipient: Option<String>,
    /// Normalised receipt number. 票据号。
    pub receipt_number: Option<String>,
    /// Every row about it (several when registers agree on the receipt number). 来源行。
    pub sources: Vec<DonationRowView>,
}

fn donation_view(
    ledger: &Ledger,
    view: View,
    places: &HashMap<i64, RowPlace>,
    d: &DonationAt<'_>,
    tz: chrono_tz::Tz,
) -> Donation {
    let row = d.row;
    Donation {
        id: ID::from(d.id.to_string()),
        donor: service::donor_shown(view, row.donor.as_deref()),
        donor_is_person: row
            .donor
            .as_deref()
            .is_some_and(crate::supplies::names::is_private_person),
        country: row.country.clone(),
        item: SupplyItem::of_code(&row.item),
        is_cash: row.item == importers::supplies::CASH,
        item_as_written: row.item_as_written.clone(),
        quantity: row.quantity,
        value_cny: service::value_cny(ledger, row, tz),
        state: row.state.clone(),
        donated_at: row.donated_at,
        recipient: row.recipient.clone(),
        receipt_number: row.receipt_number.clone(),
        sources: d
            .rows
            .iter()
            .map(|r| DonationRowView {
                source: source(ledger, places, r.member_unit_id, r.source_row_id),
                donor: service::donor_shown(view, r.donor.as_deref()),
                state: r.state.clone(),
                quantity: r.quantity,
                donated_at: r.donated_at,
                receipt_number: r.receipt_number.clone(),
            })
            .collect(),
    }
}

/// A page of donations. 捐赠列表（分页）。
#[derive(Debug, Clone, SimpleObject)]
pub struct DonationPage {
    /// Donations passing the filter. 符合条件的总数。
    pub total: usize,
    /// This page. 本页。
    pub nodes: Vec<Donation>,
}

/// One state row of a contract. 合同的一条状态记录。
#[derive(Debug, Clone, SimpleObject)]
pub struct ContractStateView {
    /// lead, contracted, in_transit, received, cancelled. 状态。
    pub state: String,
    /// 状态 as written. 原文。
    pub state_as_written: String,
    /// Dated. 状态日期。
    pub stated_at: DateTime<Utc>,
    /// Quantity. 数量。
    pub quantity: Option<f64>,
    /// Paid, in its currency. 已付金额。
    pub paid_amount: Option<f64>,
    /// The currency. 币种。
    pub currency: String,
    /// Where it came from. 来源。
    pub source: SupplySource,
}

/// A purchase contract as of a time, with its state history. 采购合同。
#[derive(Debug, Clone, SimpleObject)]
pub struct Contract {
    /// Id. 编号。
    pub id: ID,
    /// Normalised contract number. 合同编号。
    pub contract_number: Option<String>,
    /// Its state now. 当前状态。
    pub state: String,
    /// The item. 物资品类。
    pub item: Option<SupplyItem>,
    /// Quantity. 数量。
    pub quantity: Option<f64>,
    /// 供应商. 供应商。
    pub supplier: Option<String>,
    /// The supplier's country or region. 国家或地区。
    pub country: Option<String>,
    /// 需求方. 需求方。
    pub buyer: Option<String>,
    /// Bought for the city (else assisted). 是否为市指挥部采购。
    pub for_city: bool,
    /// The contract's currency. 币种。
    pub currency: String,
    /// 合同金额. 合同金额。
    pub contract_amount: Option<f64>,
    /// 已付金额. 已付金额。
    pub paid_amount: Option<f64>,
    /// Paid, CNY. 已付（元）。
    pub paid_cny: f64,
    /// Refund due, CNY (cancelled, not refunded). 待退款（元）。
    pub refund_due_cny: f64,
    /// 单价 as written when not a plain number. 单价（原文）。
    pub unit_price_text: Option<String>,
    /// Every state row up to the time, oldest first. 状态记录。
    pub history: Vec<ContractStateView>,
}

fn contract_view(
    ledger: &Ledger,
    places: &HashMap<i64, RowPlace>,
    c: &ContractAt<'_>,
    tz: chrono_tz::Tz,
) -> Contract {
    let row = c.row;
    let (paid_cny, refund_due_cny) = figures::paid_and_due_cny(ledger, row, tz);
    Contract {
        id: ID::from(c.id.to_string()),
        contract_number: ledger.contract_numbers.get(&c.id).cloned().flatten(),
        state: row.state.clone(),
        item: SupplyItem::of_code(&row.item),
        quantity: row.quantity,
        supplier: row.supplier.clone(),
        country: row.country.clone(),
        buyer: row.buyer.clone(),
        for_city: row.for_city,
        currency: row.currency.clone(),
        contract_amount: row.contract_amount,
        paid_amount: row.paid_amount,
        paid_cny,
        refund_due_cny,
        unit_price_text: row.unit_price_text.clone(),
        history: c
            .rows
            .iter()
            .map(|s| ContractStateView {
                state: s.state.clone(),
                state_as_written: s.state_as_written.clone(),
                stated_at: s.stated_at,
                quantity: s.quantity,
                paid_amount: s.paid_amount,
                currency: s
                    .paid_currency
                    .clone()
                    .unwrap_or_else(|| s.currency.clone()),
                source: source(ledger, places, s.member_unit_id, s.source_row_id),
            })
            .collect(),
    }
}

/// A page of contracts. 合同列表（分页）。
#[derive(Debug, Clone, SimpleObject)]
pub struct ContractPage {
    /// Contracts passing the filter. 符合条件的总数。
    pub total: usize,
    /// This page. 本页。
    pub nodes: Vec<Contract>,
}

/// One outreach contact. 一次对外联络。
#[derive(Debug, Clone, SimpleObject)]
pub struct OutreachContact {
    /// Id. 编号。
    pub id: ID,
    /// Dated. 联系日期。
    pub contacted_at: DateTime<Utc>,
    /// 联系对象. 联系对象。
    pub contact: String,
    /// Country or region. 国家或地区。
    pub country: Option<String>,
    /// 联系方式. 联系方式。
    pub channel: Option<String>,
    /// 事项. 事项。
    pub subject: Option<String>,
    /// 结果. 结果。
    pub outcome: Option<String>,
    /// Recommended to the purchasing group. 已推荐采购组。
    pub recommended: bool,
    /// Where it came from. 来源。
    pub source: SupplySource,
}

/// A page of outreach contacts. 外联记录（分页）。
#[derive(Debug, Clone, SimpleObject)]
pub struct OutreachPage {
    /// Contacts passing the filter. 符合条件的总数。
    pub total: usize,
    /// This page. 本页。
    pub nodes: Vec<OutreachContact>,
}

/// Two donations without a receipt number that may be one. 疑似重复的捐赠。
#[derive(Debug, Clone, SimpleObject)]
pub struct DonationCandidate {
    /// Id. 编号。
    pub id: ID,
    /// Why they were paired. 原因。
    pub reason: String,
    /// The later donation's id. 后一笔。
    pub donation_id: ID,
    /// The earlier donation's id. 前一笔。
    pub other_donation_id: ID,
    /// pending, merged, kept_apart. 状态。
    pub status: String,
}

impl From<entity::donation_candidate::Model> for DonationCandidate {
    fn from(m: entity::donation_candidate::Model) -> Self {
        Self {
            id: ID::from(m.id.to_string()),
            reason: m.reason,
            donation_id: ID::from(m.donation_id.to_string()),
            other_donation_id: ID::from(m.other_donation_id.to_string()),
            status: m.status,
        }
    }
}

/// The catalogue. 物资目录、币种和汇率。
#[derive(Debug, Clone, SimpleObject)]
pub struct SupplyCatalogue {
    /// Categories. 品类。
    pub items: Vec<CatalogueItemView>,
    /// Currencies. 币种。
    pub currencies: Vec<CurrencyView>,
    /// Reference rates. 参考汇率。
    pub rates: Vec<RateView>,
}

/// A category of the catalogue. 物资目录条目。
#[derive(Debug, Clone, SimpleObject)]
pub struct CatalogueItemView {
    /// Code (`cash` for money). 代码。
    pub code: String,
    /// Chinese label. 名称。
    pub label: String,
    /// Unit. 计量单位。
    pub unit: String,
    /// Other units meaning the same. 同义单位。
    pub unit_aliases: Vec<String>,
    /// Names that classify as it. 同义名称。
    pub synonyms: Vec<String>,
    /// The most specific wins. 优先级。
    pub specificity: i32,
}

impl From<importers::supplies::CatalogueItem> for CatalogueItemView {
    fn from(i: importers::supplies::CatalogueItem) -> Self {
        Self {
            code: i.code,
            label: i.label_zh,
            unit: i.unit,
            unit_aliases: i.unit_aliases,
            synonyms: i.synonyms,
            specificity: i.specificity,
        }
    }
}

/// A currency and its names. 币种。
#[derive(Debug, Clone, SimpleObject)]
pub struct CurrencyView {
    /// ISO 4217 code. 代码。
    pub code: String,
    /// Names. 名称。
    pub names: Vec<String>,
}

impl From<importers::supplies::CurrencyNames> for CurrencyView {
    fn from(c: importers::supplies::CurrencyNames) -> Self {
        Self {
            code: c.code,
            names: c.names,
        }
    }
}

/// A monthly reference rate. 月度参考汇率。
#[derive(Debug, Clone, SimpleObject)]
pub struct RateView {
    /// `YYYY-MM`. 月份。
    pub month: String,
    /// ISO 4217 code. 币种。
    pub currency: String,
    /// CNY per unit. 每单位折合人民币。
    pub cny_per_unit: f64,
}

impl From<importers::supplies::ReferenceRate> for RateView {
    fn from(r: importers::supplies::ReferenceRate) -> Self {
        Self {
            month: r.month,
            currency: r.currency,
            cny_per_unit: r.cny_per_unit,
        }
    }
}

/// Filter of the donations list. 捐赠筛选。
#[derive(Debug, Clone, Default, InputObject)]
pub struct DonationListFilter {
    /// Items, any of. 品类。
    pub item: Option<Vec<SupplyItem>>,
    /// Cash only (true) or goods only (false). 仅现金/仅物资。
    pub cash: Option<bool>,
    /// States (received, in_transit, pledged), any of. 状态。
    pub state: Option<Vec<String>>,
    /// Part of the donor's name. 捐赠方关键字。
    pub donor: Option<String>,
}

/// Filter of the contracts list. 合同筛选。
#[derive(Debug, Clone, Default, InputObject)]
pub struct ContractListFilter {
    /// States (lead, contracted, in_transit, received, cancelled), any of. 状态。
    pub state: Option<Vec<String>>,
    /// Items, any of. 品类。
    pub item: Option<Vec<SupplyItem>>,
    /// For the city (true) or assisted (false). 为市指挥部采购/协助采购。
    pub for_city: Option<bool>,
}

/// Filter of the outreach list. 外联筛选。
#[derive(Debug, Clone, Default, InputObject)]
pub struct OutreachListFilter {
    /// Countries or regions (ISO alpha-3), any of. 国家或地区。
    pub country: Option<Vec<String>>,
    /// Recommended only. 仅已推荐。
    pub recommended: Option<bool>,
    /// Part of the contact's name. 联系对象关键字。
    pub search: Option<String>,
}

fn page_bounds(first: i32, offset: i32) -> Result<(usize, usize)> {
    if !(1..=MAX_PAGE).contains(&first) || offset < 0 {
        return Err(HubError::BadInput(format!(
            "first 须在 1–{MAX_PAGE} 之间，offset 不能为负 / first must be 1 to {MAX_PAGE}, offset at least 0"
        )))
        .gql();
    }
    Ok((
        usize::try_from(offset).unwrap_or(0),
        usize::try_from(first).unwrap_or(20),
    ))
}

/// What a list of the ledger starts from: the caller's view, the page asked, the time and
/// the part of the ledger the list reads.
struct Listing {
    view: View,
    offset: usize,
    limit: usize,
    at: DateTime<Utc>,
    ledger: Ledger,
}

impl Listing {
    async fn read(
        ctx: &Context<'_>,
        parts: Parts,
        (first, offset): (i32, i32),
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Self> {
        let view = service::view(principal(ctx)?).gql()?;
        let (offset, limit) = page_bounds(first, offset)?;
        let at = resolve_as_of(ctx, as_of);
        let ledger = service::load(database(ctx)?, view, parts).await.gql()?;
        Ok(Self {
            view,
            offset,
            limit,
            at,
            ledger,
        })
    }

    /// The page asked of `all`: how many there are, and the page.
    fn page<T>(&self, all: impl IntoIterator<Item = T>) -> (usize, Vec<T>) {
        service::page(all, self.offset, self.limit)
    }

    /// Where the source rows `ids` came from.
    async fn places(
        ctx: &Context<'_>,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<HashMap<i64, RowPlace>> {
        service::places(database(ctx)?, ids).await.gql()
    }
}

/// The catalogue codes of `items`.
fn codes(items: impl IntoIterator<Item = SupplyItem>) -> Vec<String> {
    items.into_iter().map(|i| i.code().to_owned()).collect()
}

/// The ledger's queries. 物资保障查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct SuppliesQuery;

#[Object]
impl SuppliesQuery {
    /// The ledger's figures as of a time (default now); an uploader's figures cover its own
    /// unit's rows. 物资保障统计（默认当前时间）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn supplies(&self, ctx: &Context<'_>, as_of: Option<DateTime<Utc>>) -> Result<Supplies> {
        let view = service::view(principal(ctx)?).gql()?;
        let at = resolve_as_of(ctx, as_of);
        let tz = timezone(ctx);
        let ledger = service::load(database(ctx)?, view, Parts::ALL)
            .await
            .gql()?;
        Ok(Supplies {
            as_of: at,
            donations: figures::donation_figures(&ledger, at, tz),
            procurement: figures::procurement_figures(&ledger, at, tz),
            outreach: figures::outreach_figures(&ledger, at),
        })
    }

    /// Donations as of a time, newest first, with their sources; private donors' names are
    /// masked for leaders. 捐赠列表（含来源行）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn donations(
        &self,
        ctx: &Context<'_>,
        filter: Option<DonationListFilter>,
        #[graphql(default = 20)] first: i32,
        #[graphql(default = 0)] offset: i32,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<DonationPage> {
        let list = Listing::read(ctx, Parts::DONATIONS, (first, offset), as_of).await?;
        let filter = filter.unwrap_or_default();
        let items = codes(filter.item.unwrap_or_default());
        let items = match filter.cash {
            Some(true) => vec![importers::supplies::CASH.to_owned()],
            Some(false) if items.is_empty() => codes(SupplyItem::ALL),
            _ => items,
        };
        let wanted = DonationFilter {
            kinds: ItemsAndStates {
                items,
                states: filter.state.unwrap_or_default(),
            },
            donor: filter.donor,
        };
        let all = figures::donations_at(&list.ledger, list.at);
        let (total, page) = list.page(all.into_iter().filter(|d| wanted.admits(list.view, d)));
        let places = Listing::places(ctx, page.iter().flat_map(DonationAt::source_rows)).await?;
        let tz = timezone(ctx);
        let nodes: Vec<Donation> = page
            .iter()
            .map(|d| donation_view(&list.ledger, list.view, &places, d, tz))
            .collect();
        let reads = super::context::read_audit(ctx);
        let (db, who) = (database(ctx)?, principal(ctx)?);
        service::audit_donations(reads, db, who, "donations", nodes.len(), list.view)
            .await
            .gql()?;
        Ok(DonationPage { total, nodes })
    }

    /// Purchase contracts as of a time, most recently changed first, each with its state
    /// history and sources. 采购合同列表（含状态记录）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn contracts(
        &self,
        ctx: &Context<'_>,
        filter: Option<ContractListFilter>,
        #[graphql(default = 20)] first: i32,
        #[graphql(default = 0)] offset: i32,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<ContractPage> {
        let list = Listing::read(ctx, Parts::CONTRACTS, (first, offset), as_of).await?;
        let filter = filter.unwrap_or_default();
        let wanted = ContractFilter {
            kinds: ItemsAndStates {
                items: codes(filter.item.unwrap_or_default()),
                states: filter.state.unwrap_or_default(),
            },
            for_city: filter.for_city,
        };
        let all = figures::contracts_at(&list.ledger, list.at);
        let (total, page) = list.page(all.into_iter().filter(|c| wanted.admits(c)));
        let places = Listing::places(ctx, page.iter().flat_map(ContractAt::source_rows)).await?;
        let tz = timezone(ctx);
        let nodes = page
            .iter()
            .map(|c| contract_view(&list.ledger, &places, c, tz));
        Ok(ContractPage {
            total,
            nodes: nodes.collect(),
        })
    }

    /// Outreach contacts up to a time, newest first. 外联记录。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn outreach_contacts(
        &self,
        ctx: &Context<'_>,
        filter: Option<OutreachListFilter>,
        #[graphql(default = 20)] first: i32,
        #[graphql(default = 0)] offset: i32,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<OutreachPage> {
        let list = Listing::read(ctx, Parts::CONTACTS, (first, offset), as_of).await?;
        let filter = filter.unwrap_or_default();
        let countries: Vec<String> = filter
            .country
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .collect();
        let needle = filter
            .search
            .as_deref()
            .map(crate::supplies::names::name_key);
        let mut all: Vec<&entity::outreach_contact::Model> = list
            .ledger
            .contacts
            .iter()
            .filter(|c| c.contacted_at <= list.at)
            .filter(|c| {
                countries.is_empty() || c.country.as_ref().is_some_and(|k| countries.contains(k))
            })
            .filter(|c| filter.recommended.is_none_or(|r| r == c.recommended))
            .filter(|c| needle.as_deref().is_none_or(|n| c.contact_key.contains(n)))
            .collect();
        all.sort_by_key(|c| std::cmp::Reverse((c.contacted_at, c.id)));
        let (total, page) = list.page(all);
        let places = Listing::places(ctx, page.iter().map(|c| c.source_row_id)).await?;
        let nodes = page.into_iter().map(|c| OutreachContact {
            id: ID::from(c.id.to_string()),
            contacted_at: c.contacted_at,
            contact: c.contact.clone(),
            country: c.country.clone(),
            channel: c.channel.clone(),
            subject: c.subject.clone(),
            outcome: c.outcome.clone(),
            recommended: c.recommended,
            source: source(&list.ledger, &places, c.member_unit_id, c.source_row_id),
        });
        Ok(OutreachPage {
            total,
            nodes: nodes.collect(),
        })
    }

    /// Goods received per local day from `from` to `to` (both included, at most a year),
    /// donations and purchases together. 每日到货（接收）物资。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn supplies_trend(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TrendDay>> {
        let view = service::view(principal(ctx)?).gql()?;
        let days = (to - from).num_days();
        if !(0..MAX_TREND_DAYS).contains(&days) {
            return Err(HubError::BadInput(format!(
                "日期范围须在 1–{MAX_TREND_DAYS} 天之间 / the range must hold 1 to {MAX_TREND_DAYS} days"
            )))
            .gql();
        }
        let ledger = service::load(database(ctx)?, view, Parts::GOODS)
            .await
            .gql()?;
        Ok(figures::trend(&ledger, from, to, timezone(ctx)))
    }

    /// Donations without a receipt number that may be one, for analysts. 疑似重复的捐赠（待分析人员处理）。
    async fn donation_candidates(&self, ctx: &Context<'_>) -> Result<Vec<DonationCandidate>> {
        authorize(ctx, Operation::ReadMerges)?;
        let rows = candidates::pending(database(ctx)?).await.gql()?;
        Ok(rows.into_iter().map(DonationCandidate::from).collect())
    }

    /// The item catalogue, currencies and reference rates. 物资目录、币种和参考汇率。
    async fn supply_catalogue(&self, ctx: &Context<'_>) -> Result<SupplyCatalogue> {
        authorize(ctx, Operation::ReadRegistry)?;
        let c = catalogue::load(database(ctx)?).await.gql()?;
        Ok(SupplyCatalogue {
            items: c.items.into_iter().map(CatalogueItemView::from).collect(),
            currencies: c.currencies.into_iter().map(CurrencyView::from).collect(),
            rates: c.rates.into_iter().map(RateView::from).collect(),
        })
    }
}

/// The ledger's changes. 物资保障修改。
#[derive(Debug, Default, Clone, Copy)]
pub struct SuppliesMutation;

/// A synonym or unit added to a category by the caller.
async fn add_item_name(
    ctx: &Context<'_>,
    item: &str,
    which: ItemName,
    name: &str,
) -> Result<CatalogueItemView> {
    let saved = edits::add_item_name(database(ctx)?, principal(ctx)?, item, which, name)
        .await
        .gql()?;
    Ok(saved.into())
}

#[Object]
impl SuppliesMutation {
    /// Merges two candidate donations (the later one's rows join the earlier) or keeps
    /// them apart. 合并或保留两笔疑似重复的捐赠。
    async fn resolve_donation_candidate(
        &self,
        ctx: &Context<'_>,
        id: ID,
        merge: bool,
    ) -> Result<DonationCandidate> {
        authorize(ctx, Operation::ResolveMerge)?;
        let id: i64 = id
            .parse()
            .map_err(|_| HubError::BadInput("无效的编号 / invalid id".to_owned()))
            .gql()?;
        let who = principal(ctx)?;
        let db = database(ctx)?;
        let pair = candidates::resolve(db, id, merge, &who.actor_id(), Utc::now())
            .await
            .gql()?;
        audit::record(
            db,
            who,
            Action::ResolveMerge,
            format!("donation_candidate:{id}"),
            serde_json::json!({ "merge": merge }),
        )
        .await
        .gql()?;
        Ok(pair.into())
    }

    /// Adds a name a category is recognised by (admins). 为物资品类添加同义名称。
    async fn add_supply_item_synonym(
        &self,
        ctx: &Context<'_>,
        item: String,
        synonym: String,
    ) -> Result<CatalogueItemView> {
        add_item_name(ctx, &item, ItemName::Synonym, &synonym).await
    }

    /// Adds a unit a category's quantities may be written in (admins). 为物资品类添加同义单位。
    async fn add_supply_item_unit(
        &self,
        ctx: &Context<'_>,
        item: String,
        unit: String,
    ) -> Result<CatalogueItemView> {
        add_item_name(ctx, &item, ItemName::Unit, &unit).await
    }

    /// Sets a currency's reference rate for a month (admins). 设置月度参考汇率。
    async fn set_supply_rate(
        &self,
        ctx: &Context<'_>,
        month: String,
        currency: String,
        cny_per_unit: f64,
    ) -> Result<RateView> {
        let r = edits::set_rate(
            database(ctx)?,
            principal(ctx)?,
            &month,
            &currency,
            cny_per_unit,
        )
        .await
        .gql()?;
        Ok(r.into())
    }

    /// Adds a name a currency may be written with (admins). 添加币种名称。
    async fn add_currency_name(
        &self,
        ctx: &Context<'_>,
        currency: String,
        name: String,
    ) -> Result<CurrencyView> {
        let c = edits::add_currency_name(database(ctx)?, principal(ctx)?, &currency, &name)
            .await
            .gql()?;
        Ok(c.into())
    }
}
