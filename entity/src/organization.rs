//! An organisation responsible for foreigners: employer, school, hotel, or the police.

use sea_orm::entity::prelude::*;

/// One organisation. Names written differently by different units meet on `key`
/// (see `importers::normalize::org_key`) and on the aliases.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Canonical name as shown to people.
    pub name: String,
    /// Normalised name used for matching.
    #[sea_orm(unique)]
    pub key: String,
    /// Kind: university, enterprise, hotel, police, government, … or `unknown`.
    pub kind: String,
    /// False for an organisation created from an unknown name in an upload.
    pub verified: bool,
    /// The member unit this organisation is, when it is one.
    pub member_unit_id: Option<i64>,
    /// Set when an admin merged this organisation into another one.
    pub merged_into_id: Option<i64>,
    /// When the organisation was registered.
    pub created_at: DateTimeUtc,
}

/// Relations of an organisation.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The member unit this organisation is.
    #[sea_orm(
        belongs_to = "super::member_unit::Entity",
        from = "Column::MemberUnitId",
        to = "super::member_unit::Column::Id"
    )]
    MemberUnit,
    /// Other spellings of the name.
    #[sea_orm(has_many = "super::organization_alias::Entity")]
    Alias,
}

impl Related<super::organization_alias::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Alias.def()
    }
}

impl Related<super::member_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MemberUnit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
