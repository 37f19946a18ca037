//! An admin's edits of the catalogue, currencies and rates, for the GraphQL mutations and
//! `hub supplies …` alike: the principal is checked, the edit applied ([`catalogue`]) and
//! the audit entry written with the same target and detail whoever asked.

use importers::supplies::{CatalogueItem, CurrencyNames, ReferenceRate};
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::catalogue::{self, ItemName};
use crate::auth::audit::{self, Action};
use crate::auth::{Operation, Principal};
use crate::error::HubError;

/// Applies `change` if `principal` may manage the catalogue, and audits it with the target
/// and the detail `entry` gives of what it saved.
async fn audited<C: ConnectionTrait, T>(
    db: &C,
    principal: &Principal,
    change: impl Future<Output = Result<T, HubError>>,
    entry: impl FnOnce(&T) -> (String, serde_json::Value),
) -> Result<T, HubError> {
    principal.authorize(Operation::ManageSupplyCatalogue)?;
    let saved = change.await?;
    let (target, detail) = entry(&saved);
    audit::record(db, principal, Action::SuppliesCatalogueEdit, target, detail).await?;
    Ok(saved)
}

/// Adds a synonym or a unit to the category `item`; returns the category as stored.
pub async fn add_item_name<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    item: &str,
    which: ItemName,
    name: &str,
) -> Result<CatalogueItem, HubError> {
    let change = catalogue::add_item_name(db, item, which, name);
    audited(db, principal, change, |_| {
        (format!("supply_item:{item}"), json!({ which.key(): name }))
    })
    .await
}

/// Adds a name a currency may be written with; returns the currency's names.
pub async fn add_currency_name<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    currency: &str,
    name: &str,
) -> Result<CurrencyNames, HubError> {
    let change = catalogue::add_currency_name(db, currency, name);
    audited(db, principal, change, |saved| {
        (
            format!("supply_currency:{}", saved.code),
            json!({ "name": name }),
        )
    })
    .await
}

/// Sets a currency's reference rate for a month; returns the rate as stored.
pub async fn set_rate<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    month: &str,
    currency: &str,
    cny_per_unit: f64,
) -> Result<ReferenceRate, HubError> {
    let change = catalogue::set_rate(db, month, currency, cny_per_unit);
    audited(db, principal, change, |rate| {
        let target = format!("supply_rate:{}:{}", rate.month, rate.currency);
        (target, json!({ "cny_per_unit": rate.cny_per_unit }))
    })
    .await
}
