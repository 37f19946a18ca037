//! Two donations without a receipt number that may be one, for an analyst.

use sea_orm::entity::prelude::*;

/// A pair of donations with the same donor, item and quantity within seven days, none with a
/// receipt number: never merged silently.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "donation_candidate")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The later donation.
    pub donation_id: i64,
    /// The earlier one it may be.
    pub other_donation_id: i64,
    /// Why they were paired.
    pub reason: String,
    /// `pending`, `merged` or `kept_apart`.
    pub status: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTimeUtc>,
    /// When the pair was found.
    pub created_at: DateTimeUtc,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
