//! Uploads: what each unit sent, newest first.

use entity::{member_unit, upload};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Which uploads to list.
#[derive(Debug, Clone, Default)]
pub struct UploadQuery {
    /// Only this member unit's (code).
    pub unit: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this status (`imported`).
    pub status: Option<String>,
    /// Only those uploaded at or before this time (a dashboard as of a past day).
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    /// At most this many.
    pub limit: u64,
}

/// Uploads matching the query with their unit, newest first.
pub async fn list(
    db: &DatabaseConnection,
    query: &UploadQuery,
) -> Result<Vec<(upload::Model, member_unit::Model)>, DbErr> {
    let units: HashMap<i64, member_unit::Model> = member_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut select = upload::Entity::find().order_by_desc(upload::Column::Id);
    if let Some(code) = &query.unit {
        let unit_id = units
            .values()
            .find(|u| &u.code == code)
            .map(|u| u.id)
            .unwrap_or(-1);
        select = select.filter(upload::Column::MemberUnitId.eq(unit_id));
    }
    if let Some(kind) = &query.kind {
        select = select.filter(upload::Column::Kind.eq(kind.as_str()));
    }
    if let Some(status) = &query.status {
        select = select.filter(upload::Column::Status.eq(status.as_str()));
    }
    if let Some(until) = query.until {
        select = select.filter(upload::Column::UploadedAt.lte(until));
    }
    let rows = select.limit(query.limit).all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|u| {
            let unit = units.get(&u.member_unit_id)?.clone();
            Some((u, unit))
        })
        .collect())
}
