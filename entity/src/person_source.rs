//! That a source row named a person: which member units reported whom, and what each row
//! said of the person's name, sex and date of birth.

use sea_orm::entity::prelude::*;

/// One mention of a person in an accepted source row, with the values the row gives. When
/// two sources disagree both rows stay; the person shows the value of the most
/// authoritative kind (police > university > employer > education > hotel > transport).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_source")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// The member unit that reported the person (the upload's unit).
    pub member_unit_id: i64,
    /// Source kind of the upload.
    pub kind: String,
    /// The row that named the person.
    pub source_row_id: i64,
    /// Latin name as the row gives it (normalised).
    pub latin_name: Option<String>,
    /// Chinese name as the row gives it.
    pub chinese_name: Option<String>,
    /// `M` or `F`.
    pub sex: Option<String>,
    /// Date of birth.
    pub birth_date: Option<Date>,
}

/// Relations of a mention.
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
    /// The reporting unit.
    #[sea_orm(
        belongs_to = "super::member_unit::Entity",
        from = "Column::MemberUnitId",
        to = "super::member_unit::Column::Id"
    )]
    MemberUnit,
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
