//! The audit log: uploads, reads of personal data, merges and admin actions.

use sea_orm::entity::prelude::*;

/// One audited action.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When.
    pub at: DateTimeUtc,
    /// Who: `token:<id>` or `cli:<user>`.
    pub actor: String,
    /// The actor's member unit, when known.
    pub member_unit_id: Option<i64>,
    /// What, e.g. `upload`, `read_person`, `resolve_merge`, `token_create`.
    pub action: String,
    /// On what, e.g. `upload:12`, `person:40`.
    pub target: String,
    /// Further detail as JSON (never secrets).
    pub detail: Json,
}

/// An audit entry has no navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
