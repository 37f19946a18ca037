//! Reading back what an upload stored: its report and its rejected rows.

use super::report::{ImportReport, ImportStatus, IssueRef, Rejection, RowCounts, RowWarning};
use entity::{member_unit, source_row, upload};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

/// One stored issue of a row (see `source_row.issues`).
#[derive(Debug, Clone, Deserialize)]
pub struct StoredIssue {
    /// Header as written.
    pub column: Option<String>,
    /// Value as written.
    #[serde(default)]
    pub value: String,
    /// Stable code.
    pub code: String,
    /// Reason.
    pub reason: String,
    /// `error` (the row was rejected for it) or `warning`.
    pub severity: String,
}

/// The issues stored with a row.
pub fn issues_of(row: &source_row::Model) -> Vec<StoredIssue> {
    serde_json::from_value(row.issues.clone()).unwrap_or_default()
}

/// The rejected rows of an upload, in row order.
pub async fn rejected_rows<C: ConnectionTrait>(
    db: &C,
    upload_id: i64,
) -> Result<Vec<source_row::Model>, DbErr> {
    source_row::Entity::find()
        .filter(source_row::Column::UploadId.eq(upload_id))
        .filter(source_row::Column::Status.eq("rejected"))
        .order_by_asc(source_row::Column::Sheet)
        .order_by_asc(source_row::Column::RowNumber)
        .all(db)
        .await
}

/// The rejections of a stored upload, as the import report gives them.
pub async fn rejections<C: ConnectionTrait>(
    db: &C,
    upload_id: i64,
) -> Result<Vec<Rejection>, DbErr> {
    Ok(rejected_rows(db, upload_id)
        .await?
        .iter()
        .filter_map(|row| {
            let stored = issues_of(row);
            let issues: Vec<IssueRef<'_>> = stored
                .iter()
                .filter(|issue| issue.severity == "error")
                .map(|issue| IssueRef {
                    column: issue.column.as_deref(),
                    value: &issue.value,
                    code: &issue.code,
                    reason: &issue.reason,
                })
                .collect();
            Rejection::from_issues(
                &row.sheet,
                u32::try_from(row.row_number).unwrap_or(0),
                &issues,
            )
        })
        .collect())
}

/// The warnings of a stored upload's accepted rows, in row order (only the rows that
/// carry an issue are read).
pub async fn warnings<C: ConnectionTrait>(
    db: &C,
    upload_id: i64,
) -> Result<Vec<RowWarning>, DbErr> {
    let rows = source_row::Entity::find()
        .filter(source_row::Column::UploadId.eq(upload_id))
        .filter(source_row::Column::Status.eq("accepted"))
        // Rows without issues store exactly `[]`; the text form is the same on both backends.
        .filter(Expr::cust("CAST(issues AS TEXT) <> '[]'"))
        .order_by_asc(source_row::Column::Sheet)
        .order_by_asc(source_row::Column::RowNumber)
        .all(db)
        .await?;
    Ok(rows.iter().flat_map(warnings_of).collect())
}

/// The warnings stored with one row.
pub fn warnings_of(row: &source_row::Model) -> Vec<RowWarning> {
    issues_of(row)
        .into_iter()
        .filter(|issue| issue.severity == "warning")
        .map(|issue| RowWarning {
            sheet: row.sheet.clone(),
            row: u32::try_from(row.row_number).unwrap_or(0),
            column: issue.column,
            value: issue.value,
            code: issue.code,
            message: issue.reason,
        })
        .collect()
}

/// The report of a stored upload, with the given status (e.g. `duplicate`).
pub async fn report_of<C: ConnectionTrait>(
    db: &C,
    stored: &upload::Model,
    unit: &member_unit::Model,
    file_name: &str,
    status: ImportStatus,
) -> Result<ImportReport, DbErr> {
    let n = |v: i32| u32::try_from(v).unwrap_or(0);
    Ok(ImportReport {
        file: file_name.to_owned(),
        unit: unit.code.clone(),
        kind: Some(stored.kind.clone()),
        status,
        upload_id: Some(stored.id),
        rows: RowCounts {
            data: n(stored.data_rows),
            accepted: n(stored.accepted_rows),
            rejected: n(stored.rejected_rows),
            warnings: n(stored.warning_rows),
        },
        rejections: rejections(db, stored.id).await?,
        row_warnings: warnings(db, stored.id).await?,
        error: None,
        columns: stored_notes(stored, "columns"),
        warnings: stored_notes(stored, "warnings"),
        stated_date: None,
        as_of: stored.as_of,
        roster: None,
        saved_mapping: false,
        fingerprint: Some(importers::header_fingerprint(
            &serde_json::from_value::<Vec<String>>(stored.headers.clone()).unwrap_or_default(),
        )),
    })
}

/// The column notes or warnings stored with an upload (none for uploads stored before
/// they were kept).
fn stored_notes<T: serde::de::DeserializeOwned>(stored: &upload::Model, key: &str) -> Vec<T> {
    stored
        .columns
        .as_ref()
        .and_then(|c| c.get(key))
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}
