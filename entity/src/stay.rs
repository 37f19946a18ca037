//! A hotel or resort stay.

use sea_orm::entity::prelude::*;

/// One stay; open while `check_out` is empty.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stay")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The guest.
    pub person_id: i64,
    /// The hotel or resort.
    pub organization_id: i64,
    /// Check-in, when given.
    pub check_in: Option<DateTimeUtc>,
    /// Check-out, when given or when a later register of the unit omits the stay.
    pub check_out: Option<DateTimeUtc>,
    /// The member unit whose register gave the stay.
    pub member_unit_id: i64,
    /// The later upload that ended the stay by omitting it.
    pub ended_by_upload_id: Option<i64>,
    /// The row that gave the stay.
    pub source_row_id: i64,
}

/// Relations of a stay.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The guest.
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
    /// The hotel.
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id"
    )]
    Organization,
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
impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
