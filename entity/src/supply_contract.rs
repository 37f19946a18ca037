//! One purchase contract, however many state rows it has.

use sea_orm::entity::prelude::*;

/// A contract: rows of any unit with the same normalised contract number are its states.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supply_contract")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What identifies it (`C:KRGX30000`, or the unit's row for a lead without a number), unique.
    pub key: String,
    /// The normalised contract number.
    pub contract_number: Option<String>,
    /// When its first row landed.
    pub created_at: DateTimeUtc,
}

/// Relations of a contract.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Its states.
    #[sea_orm(has_many = "super::supply_contract_state::Entity")]
    States,
}

impl Related<super::supply_contract_state::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::States.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
