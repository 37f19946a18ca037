//! The ledger's figures as of a time (supplies.md):
//! - a donation counts from its date; rows with the same receipt number are one donation,
//!   whose values come from the receiving institution's row, else the later upload;
//! - a contract's state at T is its latest row dated at or before T (ties: the later upload);
//! - outreach counts contacts, organisations (distinct names), countries and regions other
//!   than mainland China, and recommendations;
//! - money in CNY at the month's reference rate.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{donation_row, supply_contract_state};
use importers::supplies::{CASH, Catalogue};
use std::collections::{BTreeMap, HashMap, HashSet};

use super::RECEIVING_UNITS;
use super::ledger::Ledger;

/// Quantities by item code (cash left out).
pub type ByItem = BTreeMap<String, f64>;

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

/// One donation as of a time: the row that gives its values and every row about it.
#[derive(Debug, Clone)]
pub struct DonationAt<'l> {
    /// `donation.id`.
    pub donation_id: i64,
    /// The row whose values count.
    pub governing: &'l donation_row::Model,
    /// Every row about it dated at or before the time, oldest first.
    pub rows: Vec<&'l donation_row::Model>,
}

impl DonationAt<'_> {
    /// The source rows of its rows.
    pub fn source_rows(&self) -> impl Iterator<Item = i64> + '_ {
        self.rows.iter().map(|r| r.source_row_id)
    }
}

/// The donations as of `at`, newest first.
pub fn donations_at(ledger: &Ledger, at: DateTime<Utc>) -> Vec<DonationAt<'_>> {
    let mut by_donation: HashMap<i64, Vec<&donation_row::Model>> = HashMap::new();
    for row in ledger.donations.iter().filter(|r| r.donated_at <= at) {
        by_donation.entry(row.donation_id).or_default().push(row);
    }
    let receiving =
        |row: &donation_row::Model| RECEIVING_UNITS.contains(&ledger.unit_code(row.member_unit_id));
    let mut out: Vec<DonationAt<'_>> = by_donation
        .into_iter()
        .filter_map(|(donation_id, mut rows)| {
            rows.sort_by_key(|r| (r.donated_at, r.id));
            let governing = *rows
                .iter()
                .max_by_key(|r| (receiving(r), r.upload_id, r.donated_at, r.id))?;
            Some(DonationAt {
                donation_id,
                governing,
                rows,
            })
        })
        .collect();
    out.sort_by_key(|d| std::cmp::Reverse((d.governing.donated_at, d.donation_id)));
    out
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

/// The donation figures as of a time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DonationFigures {
    /// Cash and the declared value of goods received, CNY.
    pub received_value_cny: f64,
    /// Cash received, CNY.
    pub cash_cny: f64,
    /// Donations (received, in transit and pledged).
    pub count: usize,
    /// Distinct donors of received donations.
    pub donors_received: usize,
    /// Goods received.
    pub received: ByItem,
    /// Goods on the way.
    pub in_transit: ByItem,
    /// Goods pledged.
    pub pledged: ByItem,
}

/// Computes the donation figures as of `at`.
pub fn donation_figures(ledger: &Ledger, at: DateTime<Utc>, tz: Tz) -> DonationFigures {
    let mut f = DonationFigures::default();
    let mut donors = HashSet::new();
    for d in donations_at(ledger, at) {
        let row = d.governing;
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
            *bucket.entry(row.item.clone()).or_default() += row.quantity;
        }
    }
    f.donors_received = donors.len();
    f
}

/// One contract as of a time.
#[derive(Debug, Clone)]
pub struct ContractAt<'l> {
    /// `supply_contract.id`.
    pub contract_id: i64,
    /// Its state now: the latest row dated at or before the time.
    pub current: &'l supply_contract_state::Model,
    /// Every state row dated at or before the time, in time order.
    pub history: Vec<&'l supply_contract_state::Model>,
}

impl ContractAt<'_> {
    /// The source rows of its states.
    pub fn source_rows(&self) -> impl Iterator<Item = i64> + '_ {
        self.history.iter().map(|s| s.source_row_id)
    }
}

/// The contracts as of `at`, most recently changed first.
pub fn contracts_at(ledger: &Ledger, at: DateTime<Utc>) -> Vec<ContractAt<'_>> {
    let mut by_contract: HashMap<i64, Vec<&supply_contract_state::Model>> = HashMap::new();
    for row in ledger.states.iter().filter(|r| r.stated_at <= at) {
        by_contract.entry(row.contract_id).or_default().push(row);
    }
    let mut out: Vec<ContractAt<'_>> = by_contract
        .into_iter()
        .filter_map(|(contract_id, mut history)| {
            history.sort_by_key(|r| (r.stated_at, r.upload_id, r.id));
            let current = *history.last()?;
            Some(ContractAt {
                contract_id,
                current,
                history,
            })
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse((c.current.stated_at, c.contract_id)));
    out
}

/// The paid amount of a state row in CNY.
pub fn paid_cny(ledger: &Ledger, row: &supply_contract_state::Model, tz: Tz) -> f64 {
    let Some(amount) = row.paid_amount else {
        return 0.0;
    };
    let currency = row.paid_currency.as_deref().unwrap_or(&row.currency);
    cny(&ledger.catalogue, amount, currency, row.stated_at, tz).unwrap_or(0.0)
}

/// The procurement figures as of a time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcurementFigures {
    /// Received, bought for the city's purchasing group.
    pub received_for_city: ByItem,
    /// Received, bought by counties, districts, the high-tech zone or enterprises.
    pub received_assisted: ByItem,
    /// On the way.
    pub in_transit: ByItem,
    /// Signed, not yet shipped.
    pub contracted: ByItem,
    /// Cancelled.
    pub cancelled: ByItem,
    /// Contracts still at the lead stage.
    pub open_leads: usize,
    /// Paid on contracts not cancelled, CNY.
    pub paid_cny: f64,
    /// Paid on cancelled contracts and not yet refunded, CNY.
    pub refund_due_cny: f64,
}

/// Computes the procurement figures as of `at`.
pub fn procurement_figures(ledger: &Ledger, at: DateTime<Utc>, tz: Tz) -> ProcurementFigures {
    let mut f = ProcurementFigures::default();
    for c in contracts_at(ledger, at) {
        let row = c.current;
        let paid = paid_cny(ledger, row, tz);
        let bucket = match row.state.as_str() {
            "lead" => {
                f.open_leads += 1;
                continue;
            }
            "cancelled" => {
                if !row.refunded {
                    f.refund_due_cny += paid;
                }
                &mut f.cancelled
            }
            "received" if row.for_city => &mut f.received_for_city,
            "received" => &mut f.received_assisted,
            "in_transit" => &mut f.in_transit,
            _ => &mut f.contracted,
        };
        if row.state != "cancelled" {
            f.paid_cny += paid;
        }
        if let Some(q) = row.quantity {
            *bucket.entry(row.item.clone()).or_default() += q;
        }
    }
    f
}

/// The outreach figures as of a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutreachFigures {
    /// Contacts.
    pub contacts: usize,
    /// Distinct organisations and persons contacted.
    pub organisations: usize,
    /// Countries and regions other than mainland China.
    pub countries_and_regions: usize,
    /// Contacts recommended to the purchasing group.
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

/// Goods received on one day, by item (donations and purchases alike).
#[derive(Debug, Clone, PartialEq)]
pub struct TrendDay {
    /// The local day.
    pub day: NaiveDate,
    /// Received that day.
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
    for (item, q) in p.received_for_city.into_iter().chain(p.received_assisted) {
        *total.entry(item).or_default() += q;
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
        let mut received = ByItem::new();
        for (item, q) in &now {
            let diff = q - previous.get(item).copied().unwrap_or(0.0);
            if diff.abs() > 1e-9 {
                received.insert(item.clone(), diff);
            }
        }
        out.push(TrendDay { day, received });
        previous = now;
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    out
}
