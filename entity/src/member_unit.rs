//! A member unit (成员单位) of the municipal foreign-affairs committee: who uploads.

use sea_orm::entity::prelude::*;

/// One member unit. `code` is the stable identifier used by the API, tokens and the CLI.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_unit")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stable code, e.g. `police`, `nepu`.
    #[sea_orm(unique)]
    pub code: String,
    /// Official Chinese name, e.g. 大庆市公安局出入境管理局.
    pub name: String,
    /// Kind of unit: coordinator, police, education, government, health, tourism, transport,
    /// enterprise, university, ngo, district.
    pub kind: String,
    /// Whether the unit is still expected to report.
    pub active: bool,
    /// When the unit was registered.
    pub created_at: DateTimeUtc,
}

/// Relations of a member unit.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Uploads the unit made.
    #[sea_orm(has_many = "super::upload::Entity")]
    Upload,
}

impl Related<super::upload::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Upload.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
