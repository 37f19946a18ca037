//! A column mapping a member unit confirmed for one kind and header set.

use sea_orm::entity::prelude::*;

/// The headers a unit mapped for one kind and header set. `(member_unit_id, kind,
/// fingerprint)` is unique: the next upload of that unit with the same headers (in any order)
/// is read with it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "column_mapping")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The unit the mapping belongs to.
    pub member_unit_id: i64,
    /// Source kind, e.g. `employment_roster`.
    pub kind: String,
    /// `importers::header_fingerprint` of the header row.
    pub fingerprint: String,
    /// Every header of the row as written, a JSON array of strings (for people to recognise
    /// the file).
    pub headers: Json,
    /// The headers fixed: a JSON array of `{"header": "...", "field": "employer" | null}`
    /// (`null`: the column holds nothing to read).
    pub columns: Json,
    /// Who saved it: a token name or `cli:<user>`.
    pub saved_by: String,
    /// When it was saved (or last changed).
    pub saved_at: DateTimeUtc,
}

/// Relations of a column mapping.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The unit it belongs to.
    #[sea_orm(
        belongs_to = "super::member_unit::Entity",
        from = "Column::MemberUnitId",
        to = "super::member_unit::Column::Id"
    )]
    MemberUnit,
}

impl Related<super::member_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MemberUnit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
