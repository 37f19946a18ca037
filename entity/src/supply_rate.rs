//! A monthly reference rate of a currency in CNY.

use sea_orm::entity::prelude::*;

/// CNY per unit of a currency for one month; `(month, currency)` is unique.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "supply_rate")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `YYYY-MM`.
    pub month: String,
    /// ISO 4217 code.
    pub currency: String,
    /// CNY per unit.
    pub cny_per_unit: f64,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
