//! `POST /api/uploads` (multipart: `file`, optional `kind`, `dry_run`, `unit`, `map`),
//! `GET /api/uploads/{id}/rejections.xlsx` and `GET /api/templates/{kind}.xlsx`.

use axum::Json;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::Authenticated;
use super::xlsx;
use crate::auth::Operation;
use crate::error::HubError;
use crate::service::uploads::ImportStatus;
use crate::service::uploads::{self, UploadInput, parse_kind};

/// A multipart error of this body (see [`super::errors::multipart_error`]).
fn multipart_error(error: MultipartError) -> HubError {
    super::errors::multipart_error(
        error,
        "the upload is over the size limit / 文件超过大小上限",
    )
}

/// A text field's value.
async fn text(field: Field<'_>) -> Result<String, HubError> {
    field.text().await.map_err(multipart_error)
}

/// `dry_run` as a form sends it: true, 1, yes, on / false, 0, no, off, or empty.
fn flag(value: &str) -> Result<bool, HubError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" | "" => Ok(false),
        other => Err(HubError::BadInput(format!(
            "dry_run: not a yes/no value: {other}"
        ))),
    }
}

/// Reads the form: exactly one `file`, and optionally `kind`, `dry_run` (or `dryRun`),
/// `unit` and `map` (repeatable, or one `header=field` per line). Any other field is refused, so that a misspelt option is not silently ignored.
async fn read_form(mut multipart: Multipart) -> Result<UploadInput, HubError> {
    let mut input = UploadInput::default();
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if file.is_some() {
                    return Err(HubError::BadInput(
                        "one file per upload / 每次上传一个文件".to_owned(),
                    ));
                }
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(multipart_error)?;
                file = Some((file_name, bytes.to_vec()));
            }
            "kind" => input.kind = Some(text(field).await?),
            "dry_run" | "dryRun" => input.dry_run = flag(&text(field).await?)?,
            "unit" => input.unit = Some(text(field).await?),
            "map" | "mapping" => input.mapping.push(text(field).await?),
            other => {
                return Err(HubError::BadInput(format!(
                    "unknown form field '{other}' (file, kind, dry_run, unit, map)"
                )));
            }
        }
    }
    let (file_name, bytes) = file.ok_or_else(|| {
        HubError::BadInput("the form has no file field / 缺少 file 字段".to_owned())
    })?;
    input.file_name = file_name;
    input.bytes = bytes;
    Ok(input)
}

/// `POST /api/uploads`: imports one file as the token's unit (an admin may name another
/// with `unit`; an uploader naming another unit is 403). Answers the report of
/// `hub import --json`: 200 when the file was read (imported, duplicate, dry run), 400 when
/// it could not be read (status `failed`, `error.code` the importer's stable code, nothing
/// stored); 202 `{ticket, status: "queued"}` when it has not landed within the queue wait
/// (it lands in the background: `GET /api/uploads/tickets/{ticket}`).
pub async fn post_upload(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, HubError> {
    // Refuse roles that may not upload before reading the body.
    principal.authorize(Operation::Upload)?;
    let multipart = multipart.map_err(|e| {
        HubError::BadInput(format!(
            "expected a multipart/form-data body with a file field: {}",
            e.body_text()
        ))
    })?;
    let input = read_form(multipart).await?;
    let report = match uploads::submit(&state.db, &state.importer, &principal, input).await? {
        uploads::Submitted::Done(report) => report,
        uploads::Submitted::Queued(ticket) => {
            return Ok((StatusCode::ACCEPTED, Json(ticket)).into_response());
        }
    };
    let status = if report.status == ImportStatus::Failed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

/// `GET /api/uploads/{id}/rejections.xlsx`: the rejected rows of an upload with their
/// reasons, to fix and upload again (an uploader: its own unit's uploads only).
pub async fn get_rejections(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<Response, HubError> {
    let id: i64 = id
        .parse()
        .map_err(|_| HubError::NotFound(format!("no upload with id {id} / 无此上传")))?;
    let (name, bytes) =
        uploads::rejections_workbook(&state.db, state.schema.read_audit(), &principal, id).await?;
    Ok(xlsx::attachment(&name, bytes))
}

/// `GET /api/templates/{kind}.xlsx`: the blank template of a kind (identifier or Chinese
/// label).
pub async fn get_template(
    Authenticated(principal): Authenticated,
    Path(file): Path<String>,
) -> Result<Response, HubError> {
    let kind = file
        .strip_suffix(".xlsx")
        .ok_or_else(|| HubError::NotFound(format!("no template {file}; ask for KIND.xlsx")))
        .and_then(|kind| parse_kind(kind).map_err(|e| HubError::NotFound(e.public_message())))?;
    let (name, bytes) = uploads::template_workbook(&principal, kind).await?;
    Ok(xlsx::attachment(&name, bytes))
}

#[cfg(test)]
mod tests {
    use super::flag;

    #[test]
    fn dry_run_values() {
        assert_eq!(flag("true").ok(), Some(true));
        assert_eq!(flag("1").ok(), Some(true));
        assert_eq!(flag("").ok(), Some(false));
        assert_eq!(flag("No").ok(), Some(false));
        assert!(flag("maybe").is_err());
    }
}
