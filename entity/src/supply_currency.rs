//! A currency and the names units write for it.

use sea_orm::entity::prelude::*;

/// A currency (ISO 4217 code) and its names (元, 人民币, ¥ …).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supply_currency")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// ISO 4217 code, unique.
    pub code: String,
    /// Names, symbols and codes, a JSON array of strings.
    pub names: Json,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
