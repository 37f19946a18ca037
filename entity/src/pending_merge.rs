//! A candidate match of two person records, waiting for an analyst.

use sea_orm::entity::prelude::*;

/// One candidate merge: same nationality, same normalised Latin name and same date of birth,
/// but no shared document number. Never merged silently.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pending_merge")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The person with the smaller id.
    pub person_id: i64,
    /// The other person.
    pub candidate_id: i64,
    /// Why they look alike, e.g. `same_name_birth_date`.
    pub reason: String,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    /// When the candidate was found.
    pub created_at: DateTimeUtc,
    /// When an analyst decided.
    pub resolved_at: Option<DateTimeUtc>,
    /// Who decided.
    pub resolved_by: Option<String>,
}

/// Relations of a pending merge.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The first person.
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
    /// The candidate.
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::CandidateId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Candidate,
}

impl ActiveModelBehavior for ActiveModel {}
