//! What a principal may read of the ledger, decided in one place for the GraphQL resolvers,
//! the exports and `hub export`: uploaders their own unit's rows, leaders every figure with
//! private donors' names masked, analysts and admins everything. Reads of donors' names
//! with a token are audited.

use chrono_tz::Tz;
use entity::{donation_row, source_row};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

use super::figures::{self, ContractAt, DonationAt};
use super::ledger::{self, Ledger, Parts, Scope};
use super::names::{is_private_person, mask_person};
use crate::auth::audit::{self, Action};
use crate::auth::{Operation, Principal};
use crate::error::HubError;

/// How a principal reads the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Whose rows.
    pub scope: Scope,
    /// Whether private donors' names are masked.
    pub masked: bool,
}

/// The view of `principal`, or `FORBIDDEN`.
pub fn view(principal: &Principal) -> Result<View, HubError> {
    let grant = principal.authorize(Operation::ReadSupplies)?;
    Ok(View {
        scope: Scope {
            unit_id: grant.restricted_to().map(|u| u.id),
        },
        masked: grant.masked(),
    })
}

/// Reads the ledger's parts as `view` may.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    view: View,
    parts: Parts,
) -> Result<Ledger, HubError> {
    ledger::load(db, view.scope, parts).await
}

/// A donor's name as the view shows it.
pub fn donor_shown(view: View, donor: Option<&str>) -> Option<String> {
    donor.map(|d| {
        if view.masked && is_private_person(d) {
            mask_person(d)
        } else {
            d.to_owned()
        }
    })
}

/// Audits a read of donations (their donors' names) by a token, through `reads` (the
/// store's journal on SQLite, so that a read never waits behind a landing).
pub async fn audit_donations(
    reads: &audit::ReadAudit,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    target: &str,
    shown: usize,
    view: View,
) -> Result<(), HubError> {
    reads
        .record(
            db,
            principal,
            Action::ReadDonations,
            target,
            serde_json::json!({ "donations": shown, "masked": view.masked }),
        )
        .await
}

/// The items and states a list keeps, any of each (none named: all).
#[derive(Debug, Clone, Default)]
pub struct ItemsAndStates {
    /// Item codes (`cash` included).
    pub items: Vec<String>,
    /// States.
    pub states: Vec<String>,
}

impl ItemsAndStates {
    /// Whether a row of `item` in `state` passes.
    pub fn admits(&self, item: &str, state: &str) -> bool {
        let any_of =
            |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        any_of(&self.items, item) && any_of(&self.states, state)
    }
}

/// Filters of the donations list.
#[derive(Debug, Clone, Default)]
pub struct DonationFilter {
    /// Items and states.
    pub kinds: ItemsAndStates,
    /// Part of the donor's name (matched on the name as the view shows it).
    pub donor: Option<String>,
}

impl DonationFilter {
    /// Whether a donation passes.
    pub fn admits(&self, view: View, d: &DonationAt<'_>) -> bool {
        let row = d.row;
        self.kinds.admits(&row.item, &row.state)
            && self.donor.as_deref().is_none_or(|needle| {
                donor_shown(view, row.donor.as_deref())
                    .is_some_and(|shown| shown.contains(needle.trim()))
            })
    }
}

/// Filters of the contracts list.
#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    /// Items and states.
    pub kinds: ItemsAndStates,
    /// For the city (true) or assisted (false).
    pub for_city: Option<bool>,
}

impl ContractFilter {
    /// Whether a contract passes.
    pub fn admits(&self, c: &ContractAt<'_>) -> bool {
        let row = c.row;
        self.kinds.admits(&row.item, &row.state) && self.for_city.is_none_or(|f| f == row.for_city)
    }
}

/// Where a ledger row came from: its upload, sheet and row number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPlace {
    /// `upload.id`.
    pub upload_id: i64,
    /// Sheet name.
    pub sheet: String,
    /// Excel row number.
    pub row: i32,
}

/// The places of source rows, by id.
pub async fn places<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, RowPlace>, HubError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in source_row::Entity::find()
            .filter(source_row::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(
                r.id,
                RowPlace {
                    upload_id: r.upload_id,
                    sheet: r.sheet,
                    row: r.row_number,
                },
            );
        }
    }
    Ok(out)
}

/// A page of `all`: how many there are, and those from `offset`, at most `limit`.
pub fn page<T>(all: impl IntoIterator<Item = T>, offset: usize, limit: usize) -> (usize, Vec<T>) {
    let all: Vec<T> = all.into_iter().collect();
    let total = all.len();
    (total, all.into_iter().skip(offset).take(limit).collect())
}

/// The value of a donation row in CNY (see [`figures::donation_value_cny`]).
pub fn value_cny(ledger: &Ledger, row: &donation_row::Model, tz: Tz) -> Option<f64> {
    figures::donation_value_cny(ledger, row, tz)
}
