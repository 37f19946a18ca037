//! A document of a person: passport, visa / residence permit, work permit.

use sea_orm::entity::prelude::*;

/// One identity document as a source gave it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_document")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The holder.
    pub person_id: i64,
    /// `passport`, `visa` (visa or residence permit) or `work_permit`.
    pub kind: String,
    /// The document's own number, normalised; none for a visa whose source gives no visa
    /// number (the visa lists the hub reads give none).
    pub number: Option<String>,
    /// ISO alpha-3 of the issuing state (for a passport, the nationality; `CHN` for visas
    /// and permits issued here).
    pub issuing_nationality: String,
    /// Visa category as written (Z, X1, …), for visas.
    pub category: Option<String>,
    /// Last day the document is valid.
    pub valid_until: Option<Date>,
    /// The row that gave the document.
    pub source_row_id: i64,
    /// For a visa: the number of the passport it is in (the row's passport number).
    pub passport_number: Option<String>,
}

/// Relations of a document.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The holder.
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
