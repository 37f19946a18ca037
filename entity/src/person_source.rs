//! That a source row named a person: which member units reported whom.

use sea_orm::entity::prelude::*;

/// One mention of a person in an accepted source row.
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
