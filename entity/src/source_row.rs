//! One data row of an upload, as the unit wrote it: the provenance of every fact.

use sea_orm::entity::prelude::*;

/// One source row. Rejected rows are kept too, so they can be downloaded back.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source_row")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The upload the row came in.
    pub upload_id: i64,
    /// Sheet name.
    pub sheet: String,
    /// Excel row number as the user sees it (1-based).
    pub row_number: i32,
    /// Raw cells: a JSON array of the texts under the upload's headers, in column order
    /// (rows stored before the headers were kept only with the upload hold
    /// `[header, value]` pairs instead).
    pub raw: Json,
    /// `accepted` or `rejected`.
    pub status: String,
    /// Rejection reasons and warnings: a JSON array of `{column, value, code, reason, severity}`.
    pub issues: Json,
}

/// Relations of a source row.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The upload the row came in.
    #[sea_orm(
        belongs_to = "super::upload::Entity",
        from = "Column::UploadId",
        to = "super::upload::Column::Id",
        on_delete = "Cascade"
    )]
    Upload,
}

impl Related<super::upload::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Upload.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
