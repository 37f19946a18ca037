//! One donation, however many register rows speak of it.

use sea_orm::entity::prelude::*;

/// A donation: rows with the same normalised receipt number (`R:HSZ20200117`) are one; a row
/// without a number is its own donation (`U<unit>:<donor>|<item>|<quantity>|<day>`, so the
/// same unit's row sent again is the same donation).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "donation")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What identifies it, unique.
    pub key: String,
    /// When its first row landed.
    pub created_at: DateTimeUtc,
}

/// Relations of a donation.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The rows that speak of it.
    #[sea_orm(has_many = "super::donation_row::Entity")]
    Rows,
}

impl Related<super::donation_row::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rows.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
