//! An upload's rejected rows, read back from the store as the importers write them out:
//! the original cells under the original headers, plus why each row was rejected. Used by
//! `hub rejections` and meant for `GET /api/uploads/{id}/rejections.xlsx`.

use super::stored::{issues_of, rejected_rows};
use crate::error::HubError;
use entity::{source_row, upload};
use importers::{IssueCode, RejectedRowOut, RowIssue};
use sea_orm::{ConnectionTrait, EntityTrait};

/// The rejected rows of one upload, ready to write as a workbook.
#[derive(Debug, Clone)]
pub struct RejectedRows {
    /// The upload they belong to.
    pub upload: upload::Model,
    /// The upload's header row as written, in column order.
    pub headers: Vec<String>,
    /// The rejected rows in sheet and row order, cells aligned with `headers`.
    pub rows: Vec<RejectedRowOut>,
}

impl RejectedRows {
    /// The workbook of these rows (see [`importers::rejections_xlsx`]).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, HubError> {
        importers::rejections_xlsx(&self.headers, &self.rows)
            .map_err(|e| HubError::Internal(format!("cannot write the rejections workbook: {e}")))
    }

    /// A file name to offer for the workbook: `<file stem>-未导入的行.xlsx`.
    pub fn file_name(&self) -> String {
        let stem = std::path::Path::new(&self.upload.file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("upload-{}", self.upload.id));
        format!("{stem}-未导入的行.xlsx")
    }
}

/// Loads the rejected rows of upload `upload_id`. `NotFound` when there is no such upload;
/// an upload without rejected rows gives an empty `rows`.
pub async fn rejected_rows_of<C: ConnectionTrait>(
    db: &C,
    upload_id: i64,
) -> Result<RejectedRows, HubError> {
    let upload = upload::Entity::find_by_id(upload_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            HubError::NotFound(format!(
                "没有编号为 {upload_id} 的上传 / no upload with id {upload_id}"
            ))
        })?;
    let headers: Vec<String> = serde_json::from_value(upload.headers.clone()).unwrap_or_default();
    let rows = rejected_rows(db, upload_id)
        .await?
        .iter()
        .map(|row| row_out(row, &headers))
        .collect();
    Ok(RejectedRows {
        upload,
        headers,
        rows,
    })
}

/// One stored row in write-back form: its raw cells under `headers`, its error issues.
fn row_out(row: &source_row::Model, headers: &[String]) -> RejectedRowOut {
    let mut cells = serde_json::from_value::<Vec<String>>(row.raw.clone()).unwrap_or_else(|_| {
        let pairs: Vec<(String, String)> =
            serde_json::from_value(row.raw.clone()).unwrap_or_default();
        align(&pairs, headers)
    });
    cells.resize(headers.len(), String::new());
    let issues = issues_of(row)
        .into_iter()
        .filter(|issue| issue.severity == "error")
        .map(|issue| RowIssue {
            code: issue_code(&issue.code),
            column: issue.column,
            value: issue.value,
            reason: issue.reason,
        })
        .collect();
    RejectedRowOut {
        row: u32::try_from(row.row_number).unwrap_or(0),
        cells,
        issues,
    }
}

/// The cell under each header from `[header, value]` pairs (how rows were stored before
/// the headers were kept only with the upload): each header takes the first pair of its
/// name not yet taken, so repeated headers keep their own cells.
fn align(raw: &[(String, String)], headers: &[String]) -> Vec<String> {
    let mut taken = vec![false; raw.len()];
    headers
        .iter()
        .map(|header| {
            let found = raw
                .iter()
                .enumerate()
                .find(|(i, (name, _))| !taken[*i] && name == header);
            match found {
                Some((i, (_, value))) => {
                    taken[i] = true;
                    value.clone()
                }
                None => String::new(),
            }
        })
        .collect()
}

/// The issue code stored as text; a code this build does not know (written by a newer
/// one) reads as `INVALID_VALUE` — the workbook shows reasons, not codes.
fn issue_code(code: &str) -> IssueCode {
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .unwrap_or(IssueCode::InvalidValue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(h: &str, v: &str) -> (String, String) {
        (h.to_owned(), v.to_owned())
    }

    #[test]
    fn cells_follow_the_headers_even_when_repeated_or_missing() {
        let raw = [pair("姓名", "KIM"), pair("备注", "a"), pair("备注", "b")];
        let headers = ["备注", "国籍", "姓名", "备注"].map(str::to_owned);
        assert_eq!(align(&raw, &headers), ["a", "", "KIM", "b"]);
    }

    fn stored(raw: serde_json::Value) -> source_row::Model {
        source_row::Model {
            id: 1,
            upload_id: 1,
            sheet: "Sheet1".to_owned(),
            row_number: 3,
            raw,
            status: "rejected".to_owned(),
            issues: serde_json::json!([]),
        }
    }

    #[test]
    fn cells_read_back_from_values_and_from_the_older_header_value_pairs() {
        let headers = ["姓名", "国籍", "备注"].map(str::to_owned);
        let values = row_out(&stored(serde_json::json!(["KIM", "韩国"])), &headers);
        let pairs = row_out(
            &stored(serde_json::json!([["国籍", "韩国"], ["姓名", "KIM"]])),
            &headers,
        );
        assert_eq!(values.cells, ["KIM", "韩国", ""]);
        assert_eq!(pairs.cells, values.cells);
        assert_eq!(values.row, 3);
    }

    #[test]
    fn stored_codes_read_back() {
        assert_eq!(
            issue_code("UNKNOWN_NATIONALITY"),
            IssueCode::UnknownNationality
        );
        assert_eq!(issue_code("SOMETHING_NEW"), IssueCode::InvalidValue);
    }
}
