//! A category of the supplies catalogue, with the names and units it is recognised by.

use sea_orm::entity::prelude::*;

/// One category (`protective_suit`, `n95_mask`, … `cash`); admins add synonyms and units.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supply_item")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stable code, unique.
    pub code: String,
    /// Chinese label.
    pub label_zh: String,
    /// The unit quantities are counted in (套, 只, 副).
    pub unit: String,
    /// Other units meaning the same, a JSON array of strings.
    pub unit_aliases: Json,
    /// Names that classify as this category, a JSON array (`外科+口罩`: both words).
    pub synonyms: Json,
    /// The most specific category wins when several match.
    pub specificity: i32,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
