//! An admin's changes to the organisation registry: registering an organisation,
//! renaming, re-kinding or verifying one, and adding an alias. (Merging two is in
//! [`super::organizations::merge`], open to analysts too.)

use chrono::{DateTime, Utc};
use entity::{organization, organization_alias};
use importers::normalize::org_key;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use crate::error::HubError;

/// A trimmed name of 1 to 200 characters and its matching key.
fn name_and_key(name: &str) -> Result<(String, String), HubError> {
    let name = name.trim();
    let key = org_key(name);
    if key.is_empty() || name.chars().count() > 200 {
        return Err(HubError::BadInput(
            "a name of 1 to 200 characters / 名称不能为空且不超过200字".to_owned(),
        ));
    }
    Ok((name.to_owned(), key))
}

/// The organisation a matching key already names (by its name or an alias).
async fn key_owner<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<i64>, HubError> {
    if let Some(org) = organization::Entity::find()
        .filter(organization::Column::Key.eq(key))
        .one(db)
        .await?
    {
        return Ok(Some(org.merged_into_id.unwrap_or(org.id)));
    }
    Ok(organization_alias::Entity::find()
        .filter(organization_alias::Column::Key.eq(key))
        .one(db)
        .await?
        .map(|a| a.organization_id))
}

fn taken(name: &str, owner: i64) -> HubError {
    HubError::BadInput(format!(
        "'{name}' already names organisation {owner} / 该名称已被登记"
    ))
}

/// A live (not merged away) organisation, or `NOT_FOUND`.
async fn live<C: ConnectionTrait>(db: &C, id: i64) -> Result<organization::Model, HubError> {
    organization::Entity::find_by_id(id)
        .filter(organization::Column::MergedIntoId.is_null())
        .one(db)
        .await?
        .ok_or_else(|| HubError::NotFound(format!("organisation {id}")))
}

/// Registers a verified organisation under a name nothing else is known by.
pub async fn add(
    db: &DatabaseConnection,
    name: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<organization::Model, HubError> {
    let (name, key) = name_and_key(name)?;
    let kind = kind.trim();
    if kind.is_empty() {
        return Err(HubError::BadInput(
            "kind is empty / 类别不能为空".to_owned(),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    if let Some(owner) = key_owner(&txn, &key).await? {
        return Err(taken(&name, owner));
    }
    let org = new_organization(name, key, kind, true, None, now)
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(org)
}

/// A new organisation named `name` (its matching key `key`), of `kind`, confirmed by an
/// admin (`verified`) or first named in an upload, the organisation of member unit `unit`
/// when it is one.
pub fn new_organization(
    name: String,
    key: String,
    kind: &str,
    verified: bool,
    unit: Option<i64>,
    now: DateTime<Utc>,
) -> organization::ActiveModel {
    organization::ActiveModel {
        name: Set(name),
        key: Set(key),
        kind: Set(kind.to_owned()),
        verified: Set(verified),
        member_unit_id: Set(unit),
        merged_into_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
}

/// Changes to an organisation; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizationChange {
    /// New canonical name (the old one stays an alias, so uploads still find it).
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<String>,
    /// Confirmed or not.
    pub verified: Option<bool>,
}

/// Changes organisation `id`.
pub async fn update(
    db: &DatabaseConnection,
    id: i64,
    change: OrganizationChange,
) -> Result<organization::Model, HubError> {
    let txn = crate::db::begin_write(db).await?;
    let org = live(&txn, id).await?;
    let mut active: organization::ActiveModel = org.clone().into();
    if let Some(new_name) = &change.name {
        let (name, key) = name_and_key(new_name)?;
        if key != org.key {
            if let Some(owner) = key_owner(&txn, &key).await?
                && owner != id
            {
                return Err(taken(&name, owner));
            }
            // The old name stays an alias; the new one must not also be an alias.
            organization_alias::Entity::delete_many()
                .filter(organization_alias::Column::Key.eq(key.clone()))
                .exec(&txn)
                .await?;
            organization_alias::ActiveModel {
                organization_id: Set(id),
                alias: Set(org.name.clone()),
                key: Set(org.key.clone()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            active.key = Set(key);
        }
        active.name = Set(name);
    }
    if let Some(kind) = &change.kind {
        let kind = kind.trim();
        if kind.is_empty() {
            return Err(HubError::BadInput(
                "kind is empty / 类别不能为空".to_owned(),
            ));
        }
        active.kind = Set(kind.to_owned());
    }
    if let Some(verified) = change.verified {
        active.verified = Set(verified);
    }
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Adds an alias (another spelling seen in uploads) to organisation `id`.
pub async fn add_alias(
    db: &DatabaseConnection,
    id: i64,
    alias: &str,
) -> Result<organization::Model, HubError> {
    let (alias, key) = name_and_key(alias)?;
    let txn = crate::db::begin_write(db).await?;
    let org = live(&txn, id).await?;
    match key_owner(&txn, &key).await? {
        Some(owner) if owner == id => {}
        Some(owner) => return Err(taken(&alias, owner)),
        None => {
            organization_alias::ActiveModel {
                organization_id: Set(id),
                alias: Set(alias),
                key: Set(key),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(org)
}
