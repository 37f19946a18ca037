//! Another spelling of an organisation's name.

use sea_orm::entity::prelude::*;

/// One alias of an organisation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_alias")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organisation this alias names.
    pub organization_id: i64,
    /// The alias as written, e.g. 哈医大大庆校区.
    pub alias: String,
    /// Normalised alias used for matching; unique across all aliases.
    #[sea_orm(unique)]
    pub key: String,
}

/// Relations of an alias.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The organisation the alias names.
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id",
        on_delete = "Cascade"
    )]
    Organization,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
