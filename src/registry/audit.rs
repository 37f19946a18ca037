//! The audit log table: writing entries and reading them back, newest first.

use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
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
    use audit_log::Column;
    let matching = Condition::all()
        .add_option(query.action.as_deref().map(|a| Column::Action.eq(a)))
        .add_option(query.actor.as_deref().map(|a| Column::Actor.eq(a)))
        .add_option(query.member_unit_id.map(|u| Column::MemberUnitId.eq(u)))
        .add_option(query.target.as_deref().map(|t| Column::Target.eq(t)))
        .add_option(query.from.map(|from| Column::At.gte(from)))
        .add_option(query.to.map(|to| Column::At.lte(to)))
        .add_option(query.before_id.map(|before| Column::Id.lt(before)));
    audit_log::Entity::find()
        .filter(matching)
        .order_by_desc(Column::Id)
        .limit(query.limit)
        .all(db)
        .await
}
