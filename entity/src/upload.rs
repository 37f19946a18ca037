//! One file a member unit uploaded, with what became of it.

use sea_orm::entity::prelude::*;

/// One upload. `(member_unit_id, kind, sha256)` is unique: the same file uploaded twice by
/// the same unit as the same kind changes nothing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "upload")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The unit the upload belongs to.
    pub member_unit_id: i64,
    /// Source kind, e.g. `visa_registry` (see `importers::SourceKind`).
    pub kind: String,
    /// File name as uploaded.
    pub file_name: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// Size of the file in bytes.
    pub size_bytes: i64,
    /// Detected format: xlsx, xlsm, xls, ods, csv.
    pub format: String,
    /// Who uploaded: a token name or `cli:<user>`.
    pub uploaded_by: String,
    /// When the upload landed.
    pub uploaded_at: DateTimeUtc,
    /// `imported` once its rows landed.
    pub status: String,
    /// Sheet the data was read from.
    pub sheet: String,
    /// Excel row number of the header row.
    pub header_row: i32,
    /// Headers as written, a JSON array of strings.
    pub headers: Json,
    /// Data rows read (not counting title, blank and footer rows).
    pub data_rows: i32,
    /// Rows accepted.
    pub accepted_rows: i32,
    /// Rows rejected.
    pub rejected_rows: i32,
    /// Rows that carry at least one warning.
    pub warning_rows: i32,
    /// The instant the file's list holds for: the date it states ("截至2020年2月16日") at
    /// local midnight, else the upload time. `None` for uploads stored before it was kept.
    pub as_of: Option<DateTimeUtc>,
    /// How each header was read and the file's warnings, as the import report gives them:
    /// `{"columns": [...], "warnings": [...]}`.
    pub columns: Option<Json>,
}

/// Relations of an upload.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The unit that uploaded.
    #[sea_orm(
        belongs_to = "super::member_unit::Entity",
        from = "Column::MemberUnitId",
        to = "super::member_unit::Column::Id"
    )]
    MemberUnit,
    /// Rows read from the file.
    #[sea_orm(has_many = "super::source_row::Entity")]
    SourceRow,
}

impl Related<super::member_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MemberUnit.def()
    }
}

impl Related<super::source_row::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SourceRow.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
