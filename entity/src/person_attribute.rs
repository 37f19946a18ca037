//! One value a source gave for a person (name, sex, birth date …), kept with its source.

use sea_orm::entity::prelude::*;

/// One attribute value. When two sources disagree both rows stay; the person shows the value
/// of the lowest `authority` rank (police 0 > university 1 > employer 2 > education 3 >
/// hotel 4 > transport 5 > other 6).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_attribute")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// `latin_name`, `chinese_name`, `sex` or `birth_date`.
    pub attribute: String,
    /// The value as normalised text (dates as `YYYY-MM-DD`).
    pub value: String,
    /// Authority rank of the source (lower wins).
    pub authority: i16,
    /// The row that gave the value.
    pub source_row_id: i64,
}

/// Relations of an attribute value.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The person.
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
