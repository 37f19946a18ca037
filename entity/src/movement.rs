//! An arrival in or a departure from the city.

use sea_orm::entity::prelude::*;

/// One movement reported by a transport operator.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "movement")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The traveller.
    pub person_id: i64,
    /// `arrival` or `departure`.
    pub direction: String,
    /// When it happened.
    pub occurred_at: DateTimeUtc,
    /// Flight, train or coach number.
    pub carrier_number: Option<String>,
    /// Where from.
    pub origin: Option<String>,
    /// Where to.
    pub destination: Option<String>,
    /// The reporting member unit.
    pub member_unit_id: i64,
    /// The row that gave the movement.
    pub source_row_id: i64,
}

/// Relations of a movement.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The traveller.
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
