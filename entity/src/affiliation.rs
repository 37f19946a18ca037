//! A person's tie to an organisation: student, teacher, employee, resident, held.

use sea_orm::entity::prelude::*;

/// One affiliation. It is in force from `since` (open when the source gives no start) until
/// `until` (the source's end date, or the upload of a later roster of the same unit and kind
/// that omits it, recorded in `ended_by_upload_id`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "affiliation")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// The organisation.
    pub organization_id: i64,
    /// `student`, `teacher`, `employee`, `resident` or `held`.
    pub role: String,
    /// Start, when the source gives one.
    pub since: Option<DateTimeUtc>,
    /// End, when known.
    pub until: Option<DateTimeUtc>,
    /// The member unit whose roster gave the affiliation.
    pub member_unit_id: i64,
    /// Source kind of that roster.
    pub kind: String,
    /// The later upload that ended the affiliation by omitting it.
    pub ended_by_upload_id: Option<i64>,
    /// The row that gave the affiliation.
    pub source_row_id: i64,
}

/// Relations of an affiliation.
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
    /// The organisation.
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
