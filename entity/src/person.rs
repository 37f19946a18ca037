//! A foreign national, resolved across sources.

use sea_orm::entity::prelude::*;

/// One person. The identity is `(document_number, nationality)`: the same number under two
/// nationalities is two people. Shown values come from the most authoritative source; all
/// values with their sources are in `person_source`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Normalised passport / travel document number.
    pub document_number: String,
    /// ISO 3166-1 alpha-3 nationality.
    pub nationality: String,
    /// Latin name, normalised (upper case, `SURNAME GIVEN`).
    pub latin_name: Option<String>,
    /// Chinese name, when a source gives one.
    pub chinese_name: Option<String>,
    /// `M` or `F`.
    pub sex: Option<String>,
    /// Date of birth.
    pub birth_date: Option<Date>,
    /// True when sources disagree on a value.
    pub has_conflicts: bool,
    /// When the hub first heard of the person.
    pub created_at: DateTimeUtc,
    /// When a source last changed what the hub shows.
    pub updated_at: DateTimeUtc,
}

/// Relations of a person.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Every source row that named the person, with the values it gave.
    #[sea_orm(has_many = "super::person_source::Entity")]
    Source,
    /// Documents (passport, visa, work permit).
    #[sea_orm(has_many = "super::identity_document::Entity")]
    Document,
    /// Affiliations with organisations.
    #[sea_orm(has_many = "super::affiliation::Entity")]
    Affiliation,
    /// Hotel stays.
    #[sea_orm(has_many = "super::stay::Entity")]
    Stay,
    /// Arrivals and departures.
    #[sea_orm(has_many = "super::movement::Entity")]
    Movement,
    /// Temperature checks.
    #[sea_orm(has_many = "super::health_check::Entity")]
    HealthCheck,
}

impl Related<super::person_source::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Source.def()
    }
}
impl Related<super::identity_document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}
impl Related<super::affiliation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Affiliation.def()
    }
}
impl Related<super::stay::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Stay.def()
    }
}
impl Related<super::movement::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Movement.def()
    }
}
impl Related<super::health_check::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HealthCheck.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
