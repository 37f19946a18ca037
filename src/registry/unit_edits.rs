//! An admin's changes to the member-unit registry: adding a unit (and the organisation it
//! is), renaming, re-kinding, deactivating and reactivating one.

use chrono::{DateTime, Utc};
use entity::{member_unit, organization, organization_alias};
use importers::normalize::org_key;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::error::HubError;
use crate::registry::units::find_unit;

/// The kinds a member unit may have.
pub const UNIT_KINDS: [&str; 11] = [
    "coordinator",
    "police",
    "education",
    "government",
    "health",
    "tourism",
    "transport",
    "enterprise",
    "university",
    "ngo",
    "district",
];

/// A unit code: 2 to 32 lower-case letters, digits and `_`, starting with a letter.
fn check_code(code: &str) -> Result<(), HubError> {
    let ok = (2..=32).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(HubError::BadInput(format!(
            "code '{code}': 2 to 32 of a-z, 0-9 and _, starting with a letter / 单位代码格式不正确"
        )))
    }
}

fn check_kind(kind: &str) -> Result<(), HubError> {
    if UNIT_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(HubError::BadInput(format!(
            "kind '{kind}': one of {} / 单位类别不正确",
            UNIT_KINDS.join(", ")
        )))
    }
}

fn check_name(name: &str) -> Result<String, HubError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(HubError::BadInput(
            "a name of 1 to 200 characters / 名称不能为空且不超过200字".to_owned(),
        ));
    }
    Ok(name.to_owned())
}

/// Adds an active member unit, and makes it an organisation (linking the registered
/// organisation of the same name, or registering a verified one).
pub async fn add(
    db: &DatabaseConnection,
    code: &str,
    name: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<member_unit::Model, HubError> {
    let code = code.trim();
    check_code(code)?;
    check_kind(kind)?;
    let name = check_name(name)?;
    let txn = crate::db::begin_write(db).await?;
    if member_unit::Entity::find()
        .filter(member_unit::Column::Code.eq(code))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(HubError::BadInput(format!(
            "a member unit with code '{code}' exists / 单位代码已存在"
        )));
    }
    let unit = member_unit::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name.clone()),
        kind: Set(kind.to_owned()),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let key = org_key(&name);
    let by_alias = organization_alias::Entity::find()
        .filter(organization_alias::Column::Key.eq(key.clone()))
        .one(&txn)
        .await?
        .map(|a| a.organization_id);
    let existing = match by_alias {
        Some(id) => organization::Entity::find_by_id(id).one(&txn).await?,
        None => {
            organization::Entity::find()
                .filter(organization::Column::Key.eq(key.clone()))
                .one(&txn)
                .await?
        }
    };
    match existing {
        Some(org) if org.member_unit_id.is_none() => {
            let mut org: organization::ActiveModel = org.into();
            org.member_unit_id = Set(Some(unit.id));
            org.verified = Set(true);
            org.update(&txn).await?;
        }
        Some(org) => {
            return Err(HubError::BadInput(format!(
                "the organisation '{}' is already another member unit / 该名称已属于其他成员单位",
                org.name
            )));
        }
        None => {
            super::organization_edits::new_organization(name, key, kind, true, Some(unit.id), now)
                .insert(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(unit)
}

/// Changes to a member unit; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitChange {
    /// New official name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<String>,
    /// Active (expected to report daily) or not.
    pub active: Option<bool>,
}

/// Changes member unit `code`. Its code never changes: tokens and uploads refer to it.
pub async fn update(
    db: &DatabaseConnection,
    code: &str,
    change: UnitChange,
) -> Result<member_unit::Model, HubError> {
    let unit = find_unit(db, code).await?;
    let mut active: member_unit::ActiveModel = unit.into();
    if let Some(name) = &change.name {
        active.name = Set(check_name(name)?);
    }
    if let Some(kind) = &change.kind {
        check_kind(kind)?;
        active.kind = Set(kind.clone());
    }
    if let Some(flag) = change.active {
        active.active = Set(flag);
    }
    Ok(active.update(db).await?)
}

/// Sets whom to call at the unit `code` (a blank value clears it); `NOT_FOUND` for an
/// unknown unit.
pub async fn set_contact(
    db: &DatabaseConnection,
    code: &str,
    name: Option<&str>,
    phone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<entity::member_unit_contact::Model, HubError> {
    use entity::member_unit_contact;
    let unit = find_unit(db, code).await?;
    let clean = |value: Option<&str>, what: &str| -> Result<Option<String>, HubError> {
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        match value {
            Some(v) if v.chars().count() > 100 => Err(HubError::BadInput(format!(
                "{what}: at most 100 characters / 联系信息不超过100字"
            ))),
            _ => Ok(value.map(str::to_owned)),
        }
    };
    let existing = member_unit_contact::Entity::find_by_id(unit.id)
        .one(db)
        .await?;
    let model = member_unit_contact::ActiveModel {
        member_unit_id: Set(unit.id),
        contact_name: Set(match name {
            Some(_) => clean(name, "contactName")?,
            None => existing.as_ref().and_then(|c| c.contact_name.clone()),
        }),
        contact_phone: Set(match phone {
            Some(_) => clean(phone, "contactPhone")?,
            None => existing.as_ref().and_then(|c| c.contact_phone.clone()),
        }),
        updated_at: Set(now),
    };
    Ok(if existing.is_some() {
        model.update(db).await?
    } else {
        model.insert(db).await?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_kinds_are_checked() {
        assert!(check_code("hmu_daqing").is_ok());
        assert!(check_code("x").is_err());
        assert!(check_code("Police").is_err());
        assert!(check_code("1abc").is_err());
        assert!(check_kind("university").is_ok());
        assert!(check_kind("bank").is_err());
        assert!(check_name("  ").is_err());
    }
}
