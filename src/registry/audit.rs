//! The audit log table: writing entries and reading them back, newest first.

use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

/// One entry to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// `token:<id>` or `cli:<user>`.
    pub actor: String,
    /// The actor's member unit.
    pub member_unit_id: Option<i64>,
    /// What, e.g. `upload`.
    pub action: String,
    /// On what, e.g. `upload:12`.
    pub target: String,
    /// Further detail.
    pub detail: Value,
}

impl NewEntry {
    /// The row to insert (its id given by the store).
    pub fn into_active_model(self) -> audit_log::ActiveModel {
        audit_log::ActiveModel {
            at: Set(self.at),
            actor: Set(self.actor),
            member_unit_id: Set(self.member_unit_id),
            action: Set(self.action),
            target: Set(self.target),
            detail: Set(self.detail),
            ..Default::default()
        }
    }
}

/// Writes one entry.
pub async fn insert<C: ConnectionTrait>(db: &C, entry: NewEntry) -> Result<(), DbErr> {
    entry.into_active_model().insert(db).await?;
    Ok(())
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this action.
    pub action: Option<String>,
    /// Only this actor (`token:<id>`, `cli:<user>`).
    pub actor: Option<String>,
    /// Only actors of this member unit.
    pub member_unit_id: Option<i64>,
    /// Only this target (e.g. `person:40`).
    pub target: Option<String>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// At or before.
    pub to: Option<DateTime<Utc>>,
    /// Only entries older than this id (the next page).
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: u64,
}

/// Entries matching the query, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    query: &AuditQuery,
) -> Result<Vec<audit_log::Model>, DbErr> {
    let mut select = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(action) = &query.action {
        select = select.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    if let Some(actor) = &query.actor {
        select = select.filter(audit_log::Column::Actor.eq(actor.as_str()));
    }
    if let Some(unit) = query.member_unit_id {
        select = select.filter(audit_log::Column::MemberUnitId.eq(unit));
    }
    if let Some(target) = &query.target {
        select = select.filter(audit_log::Column::Target.eq(target.as_str()));
    }
    if let Some(from) = query.from {
        select = select.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(audit_log::Column::At.lte(to));
    }
    if let Some(before) = query.before_id {
        select = select.filter(audit_log::Column::Id.lt(before));
    }
    select.limit(query.limit).all(db).await
}
