//! A temperature check.

use sea_orm::entity::prelude::*;

/// One health check.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "health_check")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The person checked.
    pub person_id: i64,
    /// When.
    pub checked_at: DateTimeUtc,
    /// Body temperature in ℃, when measured.
    pub temperature: Option<f64>,
    /// Condition as written, e.g. 正常.
    pub status: Option<String>,
    /// The reporting member unit.
    pub member_unit_id: i64,
    /// The row that gave the check.
    pub source_row_id: i64,
}

/// Relations of a health check.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The person checked.
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
    /// The source row.
    #[sea_orm(
        belongs_to = "super::source_row::Entity",
        from = "Column::SourceRowId",
        to = "super::source_row::Column::Id"
    )]
    SourceRow,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
