//! The ledger's figures as of a time (supplies.md):
//! - a donation counts from its date; rows with the same receipt number are one donation,
//!   whose values come from the receiving institution's row, else the later upload;
//! - a contract's state at T is its latest row dated at or before T (ties: the later upload);
//! - outreach counts contacts, organisations (distinct names), countries and regions other
//!   than mainland China, and recommendations;
//! - money in CNY at the month's reference rate.

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{
    ContextSelectionSet, OutputType, Positioned, ServerResult, SimpleObject, Value,
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{donation_row, supply_contract_state};
use importers::supplies::{CASH, Catalogue};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Deref;

use super::RECEIVING_UNITS;
use super::items::{ItemQuantity, SupplyItem};
use super::ledger::Ledger;

/// Quantities by item code (cash left out). In the API, the list of the categories'
/// quantities that are not zero, in the categories' order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ByItem(BTreeMap<String, f64>);

impl ByItem {
    /// Adds `quantity` to the item's.
    pub fn add(&mut self, item: &str, quantity: f64) {
        *self.0.entry(item.to_owned()).or_default() += quantity;
    }

    /// The quantities of the categories, those that are not zero.
    pub fn quantities(&self) -> Vec<ItemQuantity> {
        SupplyItem::ALL
            .into_iter()
            .filter_map(|item| {
                let quantity = *self.0.get(item.code())?;
                (quantity.abs() > 1e-9).then_some(ItemQuantity { item, quantity })
            })
            .collect()
    }
}

impl Deref for ByItem {
    type Target = BTreeMap<String, f64>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl OutputType for ByItem {
    fn type_name() -> Cow<'static, str> {
        Vec::<ItemQuantity>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<ItemQuantity>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<ItemQuantity>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        self.quantities().resolve(ctx, field).await
    }
}

/// An amount in CNY at the reference rate of the month of `at` (`None` when the currency
/// has no rate).
pub fn cny(
    catalogue: &Catalogue,
    amount: f64,
    currency: &str,
    at: DateTime<Utc>,
    tz: Tz,
) -> Option<f64> {
    let day = at.with_timezone(&tz).date_naive();
    catalogue.rate(currency, day).map(|rate| amount * rate)
}

/// One donation or contract as of a time: the row whose values count and every row about
/// it dated at or before the time.
#[derive(Debug, Clone)]
pub struct AsOf<'l, R> {
    /// `donation.id` or `supply_contract.id`.
    pub id: i64,
    /// The row whose values count: a donation's receiving institution's row, else the later
    /// upload's; a contract's latest state.
    pub row: &'l R,
    /// Every row about it dated at or before the time, oldest first (a contract's states).
    pub rows: Vec<&'l R>,
}

/// One donation as of a time.
pub type DonationAt<'l> = AsOf<'l, donation_row::Model>;

/// One contract as of a time.
pub type ContractAt<'l> = AsOf<'l, supply_contract_state::Model>;

impl DonationAt<'_> {
    /// The source rows of its rows.
    pub fn source_rows(&self) -> impl Iterator<Item = i64> + '_ {
        self.rows.iter().map(|r| r.source_row_id)
    }
}

impl ContractAt<'_> {
    /// The source rows of its states.
    pub fn source_rows(&self) -> impl Iterator<Item = i64> + '_ {
        self.rows.iter().map(|s| s.source_row_id)
    }
}

/// What `rows` speak of as of `at`, the latest first: `filed` gives the donation or contract
/// a row is about and its date, `order` orders the rows of one, and `pick` chooses among
/// them the row whose values count.
fn as_of<'l, R, K: Ord>(
    rows: &'l [R],
    at: DateTime<Utc>,
    filed: impl Fn(&R) -> (i64, DateTime<Utc>),
    order: impl Fn(&R) -> K,
    pick: impl Fn(&[&'l R]) -> Option<&'l R>,
) -> Vec<AsOf<'l, R>> {
    let mut by_id: HashMap<i64, Vec<&'l R>> = HashMap::new();
    for row in rows {
        let (id, dated) = filed(row);
        if dated <= at {
            by_id.entry(id).or_default().push(row);
        }
    }
    let mut out: Vec<AsOf<'l, R>> = by_id
        .into_iter()
        .filter_map(|(id, mut rows)| {
            rows.sort_by_key(|r| order(r));
            let row = pick(&rows)?;
            Some(AsOf { id, row, rows })
        })
        .collect();
    out.sort_by_key(|a| std::cmp::Reverse((filed(a.row).1, a.id)));
    out
}

/// The donations as of `at`, newest first.
pub fn donations_at(ledger: &Ledger, at: DateTime<Utc>) -> Vec<DonationAt<'_>> {
    let receiving =
        |row: &donation_row::Model| RECEIVING_UNITS.contains(&ledger.unit_code(row.member_unit_id));
    as_of(
        &ledger.donations,
        at,
        |r| (r.donation_id, r.donated_at),
        |r| (r.donated_at, r.id),
        |rows| {
            let governing = rows
                .iter()
                .max_by_key(|r| (receiving(r), r.upload_id, r.donated_at, r.id));
            governing.copied()
        },
    )
}

/// What a donation is worth in CNY: cash, or the declared value of goods (none when the
/// goods declare none).
pub fn donation_value_cny(ledger: &Ledger, row: &donation_row::Model, tz: Tz) -> Option<f64> {
    if row.item == CASH {
        let currency = row.cash_currency.as_deref().unwrap_or("CNY");
        return cny(
            &ledger.catalogue,
            row.quantity,
            currency,
            row.donated_at,
            tz,
        );
    }
    let amount = row.value_amount?;
    let currency = row.value_currency.as_deref().unwrap_or("CNY");
    cny(&ledger.catalogue, amount, currency, row.donated_at, tz)
}

/// Donations as of a time. 捐赠情况。
#[derive(Debug, Clone, Default, PartialEq, SimpleObject)]
#[graphql(name = "DonationSummary")]
pub struct DonationFigures {
    /// Cash and the declared value of goods received, CNY. 已接收款物折合金额（元）。
    pub received_value_cny: f64,
    /// Cash received, CNY. 其中现金（元）。
    pub cash_cny: f64,
    /// Donations (received, in transit, pledged). 捐赠笔数。
    pub count: usize,
    /// Donors of received donations. 已接收捐赠的捐赠方数。
    pub donors_received: usize,
    /// Goods received. 已接收物资。
    pub received: ByItem,
    /// Goods on the way. 在途物资。
    pub in_transit: ByItem,
    /// Goods pledged. 承诺捐赠物资。
    pub pledged: ByItem,
}

/// Computes the donation figures as of `at`.
pub fn donation_figures(ledger: &Ledger, at: DateTime<Utc>, tz: Tz) -> DonationFigures {
    let mut f = DonationFigures::default();
    let mut donors = HashSet::new();
    for d in donations_at(ledger, at) {
        let row = d.row;
        f.count += 1;
        let bucket = match row.state.as_str() {
            "received" => {
                f.received_value_cny += donation_value_cny(ledger, row, tz).unwrap_or(0.0);
                if row.item == CASH {
                    f.cash_cny += donation_value_cny(ledger, row, tz).unwrap_or(0.0);
                }
                if let Some(key) = row.donor_key.as_ref().filter(|k| !k.is_empty()) {
                    donors.insert(key.clone());
                }
                &mut f.received
            }
            "in_transit" => &mut f.in_transit,
            _ => &mut f.pledged,
        };
        if row.item != CASH {
            bucket.add(&row.item, row.quantity);
        }
    }
    f.donors_received = donors.len();
    f
}

/// The contracts as of `at`, most recently changed first.
pub fn contracts_at(ledger: &Ledger, at: DateTime<Utc>) -> Vec<ContractAt<'_>> {
    as_of(
        &ledger.states,
        at,
        |r| (r.contract_id, r.stated_at),
        |r| (r.stated_at, r.upload_id, r.id),
        |history| history.last().copied(),
    )
}

/// The paid amount of a state row in CNY.
pub fn paid_cny(ledger: &Ledger, row: &supply_contract_state::Model, tz: Tz) -> f64 {
    let Some(amount) = row.paid_amount else {
        return 0.0;
    };
    let currency = row.paid_currency.as_deref().unwrap_or(&row.currency);
    cny(&ledger.catalogue, amount, currency, row.stated_at, tz).unwrap_or(0.0)
}

/// What a contract's state row counts in CNY: (paid, refund due). A cancelled contract's
/// payment is due back unless refunded; any other contract's counts as paid.
pub fn paid_and_due_cny(ledger: &Ledger, row: &supply_contract_state::Model, tz: Tz) -> (f64, f64) {
    let paid = paid_cny(ledger, row, tz);
    match row.state.as_str() {
        "cancelled" if row.refunded => (0.0, 0.0),
        "cancelled" => (0.0, paid),
        _ => (paid, 0.0),
    }
}

/// Purchases as of a time. 协助采购情况。
#[derive(Debug, Clone, Default, PartialEq, SimpleObject)]
#[graphql(name = "ProcurementSummary")]
pub struct ProcurementFigures {
    /// Received for the city's purchasing group. 为市指挥部采购到货。
    pub received_for_city: ByItem,
    /// Received for counties, districts, the high-tech zone, enterprises. 协助县区、高新区、企业采购到货。
    pub received_assisted: ByItem,
    /// On the way. 在途。
    pub in_transit: ByItem,
    /// Signed, not shipped. 已签合同未发货。
    pub contracted: ByItem,
    /// Cancelled. 已取消。
    pub cancelled: ByItem,
    /// Contracts still at the lead stage. 洽谈中的线索数。
    pub open_leads: usize,
    /// Paid on contracts not cancelled, CNY. 已付款（元）。
    pub paid_cny: f64,
    /// Paid on cancelled contracts not yet refunded, CNY. 待退款（元）。
    pub refund_due_cny: f64,
}

/// Computes the procurement figures as of `at`.
pub fn procurement_figures(ledger: &Ledger, at: DateTime<Utc>, tz: Tz) -> ProcurementFigures {
    let mut f = ProcurementFigures::default();
    for c in contracts_at(ledger, at) {
        let row = c.row;
        let bucket = match row.state.as_str() {
            "lead" => {
                f.open_leads += 1;
                continue;
            }
            "cancelled" => &mut f.cancelled,
            "received" if row.for_city => &mut f.received_for_city,
            "received" => &mut f.received_assisted,
            "in_transit" => &mut f.in_transit,
            _ => &mut f.contracted,
        };
        let (paid, due) = paid_and_due_cny(ledger, row, tz);
        f.paid_cny += paid;
        f.refund_due_cny += due;
        if let Some(q) = row.quantity {
            bucket.add(&row.item, q);
        }
    }
    f
}

/// Outreach as of a time. 对外联络情况。
#[derive(Debug, Clone, Default, PartialEq, Eq, SimpleObject)]
#[graphql(name = "OutreachSummary")]
pub struct OutreachFigures {
    /// Contacts. 联系次数。
    pub contacts: usize,
    /// Organisations and persons contacted. 联系单位和个人数。
    pub organisations: usize,
    /// Countries and regions (mainland China not counted). 国家和地区数。
    pub countries_and_regions: usize,
    /// Recommended to the purchasing group. 向采购组推荐批次。
    pub recommended: usize,
}

/// What makes two outreach rows the same contact: unit, name, time, channel and subject.
type ContactKey<'a> = (
    i64,
    &'a str,
    DateTime<Utc>,
    Option<&'a str>,
    Option<&'a str>,
);

/// Computes the outreach figures as of `at`. The same contact sent again (same unit, name,
/// time, channel and subject) counts once, with its latest result.
pub fn outreach_figures(ledger: &Ledger, at: DateTime<Utc>) -> OutreachFigures {
    let mut latest: HashMap<ContactKey<'_>, &entity::outreach_contact::Model> = HashMap::new();
    for c in ledger.contacts.iter().filter(|c| c.contacted_at <= at) {
        let key = (
            c.member_unit_id,
            c.contact_key.as_str(),
            c.contacted_at,
            c.channel.as_deref(),
            c.subject.as_deref(),
        );
        let slot = latest.entry(key).or_insert(c);
        if (c.upload_id, c.id) > (slot.upload_id, slot.id) {
            *slot = c;
        }
    }
    let organisations: HashSet<&str> = latest.values().map(|c| c.contact_key.as_str()).collect();
    let countries: HashSet<&str> = latest
        .values()
        .filter_map(|c| c.country.as_deref())
        .filter(|c| *c != "CHN")
        .collect();
    OutreachFigures {
        contacts: latest.len(),
        organisations: organisations.len(),
        countries_and_regions: countries.len(),
        recommended: latest.values().filter(|c| c.recommended).count(),
    }
}

/// Goods received on one day. 某日到货（接收）物资。
#[derive(Debug, Clone, PartialEq, SimpleObject)]
#[graphql(name = "SupplyTrendDay")]
pub struct TrendDay {
    /// The local day. 日期。
    pub day: NaiveDate,
    /// Received that day, by item. 当日接收。
    pub received: ByItem,
}

/// The end of a local day (the instant before the next midnight), in UTC.
fn end_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    crate::time::start_of_day(next, tz) - chrono::Duration::milliseconds(1)
}

/// Everything received as of `at`, donations and purchases together.
fn received_total(ledger: &Ledger, at: DateTime<Utc>, tz: Tz) -> ByItem {
    let d = donation_figures(ledger, at, tz);
    let p = procurement_figures(ledger, at, tz);
    let mut total = d.received;
    for (item, q) in p.received_for_city.iter().chain(p.received_assisted.iter()) {
        total.add(item, *q);
    }
    total
}

/// Goods received per day from `from` to `to` (local days, both included): what the
/// ledger counts as received at the end of each day less what it counted the day before.
pub fn trend(ledger: &Ledger, from: NaiveDate, to: NaiveDate, tz: Tz) -> Vec<TrendDay> {
    let mut out = Vec::new();
    let Some(before) = from.pred_opt() else {
        return out;
    };
    let mut previous = received_total(ledger, end_of_day(before, tz), tz);
    let mut day = from;
    while day <= to {
        let now = received_total(ledger, end_of_day(day, tz), tz);
        let mut received = ByItem::default();
        for (item, q) in now.iter() {
            let diff = q - previous.get(item).copied().unwrap_or(0.0);
            if diff.abs() > 1e-9 {
                received.add(item, diff);
            }
        }
        out.push(TrendDay { day, received });
        previous = now;
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    out
}
