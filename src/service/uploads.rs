//! Uploading a file as a principal (`POST /api/uploads`, the `upload` mutation) and reading
//! an upload's rejected rows back as a workbook.

use importers::{ColumnOverride, SourceKind};
use sea_orm::DatabaseConnection;

use crate::auth::audit::{Action, ReadAudit};
use crate::auth::{Operation, Principal};
use crate::error::HubError;
use crate::ingest::audited::UploadAudit;
use crate::ingest::isolated;
use serde_json::json;
use std::sync::Arc;

use crate::ingest::{ImportRequest, ImportStage, Progress, export};

// What the callers of uploads (HTTP, GraphQL, the command line) read of the importer: the
// application's importer, its reports and statuses, a roster's report, landing tickets,
// the rows as written.
pub use crate::ingest::notes::{ColumnNote, FileWarning, RosterEnding};
pub use crate::ingest::report::{FileError, Rejection, RowCounts, RowWarning};
pub use crate::ingest::roster::RosterReport;
pub use crate::ingest::stored::warnings_of;
pub use crate::ingest::tickets::{TicketStatus, TicketView};
pub use crate::ingest::{ImportReport, ImportStatus, Importer};

/// Longest file name kept with an upload, in characters.
const MAX_FILE_NAME: usize = 200;

/// One file as a client sends it.
#[derive(Debug, Clone, Default)]
pub struct UploadInput {
    /// The member unit (code) the file is for; only admins may name one other than their own.
    pub unit: Option<String>,
    /// The source kind (identifier or Chinese label); detected from the headers when absent.
    pub kind: Option<String>,
    /// The file name as the client gave it (any directories are dropped).
    pub file_name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Read and check only; store nothing.
    pub dry_run: bool,
    /// Columns fixed for this file, each `header=field` (a field's name, its Chinese header
    /// or `ignore`); a landed upload saves them as the unit's mapping for its headers.
    pub mapping: Vec<String>,
}

/// Most columns one upload may fix.
const MAX_MAPPED_COLUMNS: usize = 200;

/// The columns a client fixes, each written `header=field`; `BAD_INPUT` for one written
/// otherwise. Blank entries are skipped; entries may also be given one per line.
pub fn parse_mapping(entries: &[String]) -> Result<Vec<ColumnOverride>, HubError> {
    let parsed: Vec<ColumnOverride> = entries
        .iter()
        .flat_map(|e| e.lines())
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            e.parse::<ColumnOverride>()
                .map_err(|err| HubError::BadInput(err.to_string()))
        })
        .collect::<Result<_, _>>()?;
    if parsed.len() > MAX_MAPPED_COLUMNS {
        return Err(HubError::BadInput(format!(
            "too many mapped columns (at most {MAX_MAPPED_COLUMNS}) / 列映射过多"
        )));
    }
    Ok(parsed)
}

/// A source kind as a client names it; `BAD_INPUT` listing the kinds when unknown.
pub fn parse_kind(text: &str) -> Result<SourceKind, HubError> {
    text.parse::<SourceKind>().map_err(|_| {
        let kinds: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
        HubError::BadInput(format!(
            "unknown kind '{}'; one of / 可选: {}",
            text.trim(),
            kinds.join(", ")
        ))
    })
}

/// The last component of a client's file name, trimmed and shortened; `upload` when empty.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME)
        .collect();
    if cleaned.is_empty() {
        "upload".to_owned()
    } else {
        cleaned
    }
}

/// Imports one file for `principal`: the unit is the principal's own, or the one an admin
/// names (an uploader naming another unit is `FORBIDDEN`, never imported as its own). The
/// report is the one `hub import --json` prints; a file that cannot be read is a report
/// with status `failed` and nothing stored. Every attempt is audited; a landed upload's
/// entry is written by the landing's own transaction. When the importer isolates its
/// reader, the file is first read in a child process (see [`isolated`]).
pub async fn upload(
    db: &DatabaseConnection,
    importer: &Importer,
    principal: &Principal,
    input: UploadInput,
) -> Result<ImportReport, HubError> {
    upload_watched(db, importer, principal, input, Progress::none()).await
}

/// [`upload`], telling `progress` how the file goes (`hub import`'s progress bar).
pub async fn upload_watched(
    db: &DatabaseConnection,
    importer: &Importer,
    principal: &Principal,
    input: UploadInput,
    progress: Progress<'_>,
) -> Result<ImportReport, HubError> {
    let grant = principal.authorize(Operation::Upload)?;
    let unit = grant
        .unit_for(input.unit.as_deref())?
        .ok_or_else(|| {
            HubError::BadInput("name the member unit (unit) / 请指定成员单位".to_owned())
        })?
        .to_owned();
    let kind = input
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(parse_kind)
        .transpose()?;
    let request = ImportRequest {
        unit,
        kind,
        file_name: clean_file_name(&input.file_name),
        bytes: input.bytes,
        uploaded_by: principal.submitted_by(),
        dry_run: input.dry_run,
        column_overrides: parse_mapping(&input.mapping)?,
    };
    let audit = UploadAudit {
        principal: principal.clone(),
        bytes: request.bytes.len(),
    };
    // A reader that fails in the child process refuses the file before the server reads it.
    if let Some(isolation) = importer.isolation()
        && let Some(report) =
            isolated::refused(db, &request, importer.read_options(), isolation).await?
    {
        audit.record(db, &report).await?;
        return Ok(report);
    }
    let report = importer.import(db, request, Some(&audit), progress).await?;
    if !UploadAudit::written_by_landing(&report) {
        audit.record(db, &report).await?;
    }
    Ok(report)
}

/// What became of a submitted upload: its report, or a ticket to follow it by.
#[derive(Debug)]
pub enum Submitted {
    /// Done within the importer's queue wait (or a dry run): the report of [`upload`].
    Done(ImportReport),
    /// Still waiting for its turn or landing: it lands in the background; follow the ticket.
    Queued(TicketView),
}

/// [`upload`] that answers within the importer's queue wait: a file not done by then is
/// answered with a `queued` ticket (see [`crate::ingest::tickets`]) and goes on landing in
/// the background, audited as any upload. A dry run is always answered with its report.
pub async fn submit(
    db: &DatabaseConnection,
    importer: &Arc<Importer>,
    principal: &Principal,
    input: UploadInput,
) -> Result<Submitted, HubError> {
    if input.dry_run {
        return upload(db, importer, principal, input)
            .await
            .map(Submitted::Done);
    }
    // Refused roles and units are answered at once, before anything is queued.
    let grant = principal.authorize(Operation::Upload)?;
    grant.unit_for(input.unit.as_deref())?;
    let ticket = importer.tickets().open(principal);
    let (done, result) = tokio::sync::oneshot::channel();
    let task = {
        let (db, importer, principal, ticket) = (
            db.clone(),
            Arc::clone(importer),
            principal.clone(),
            ticket.clone(),
        );
        async move {
            let stages = |stage| {
                if stage == ImportStage::Landing {
                    importer.tickets().landing(&ticket);
                }
            };
            let progress = Progress {
                stages: &stages,
                rows: None,
            };
            let result = upload_watched(&db, &importer, &principal, input, progress).await;
            importer.tickets().finish(&ticket, &result);
            // The uploader may have been answered with the ticket already.
            let _ = done.send(result);
        }
    };
    tokio::spawn(task);
    match tokio::time::timeout(importer.queue_wait(), result).await {
        Ok(Ok(result)) => {
            importer.tickets().forget(&ticket);
            result.map(Submitted::Done)
        }
        Ok(Err(_)) => Err(HubError::Internal(
            "the upload task ended without a result".to_owned(),
        )),
        Err(_) => importer
            .tickets()
            .view(&ticket, principal)
            .map(Submitted::Queued),
    }
}

/// An upload's ticket as `principal` may see it (its own, or any for an admin).
pub fn ticket(
    importer: &Importer,
    principal: &Principal,
    id: &str,
) -> Result<TicketView, HubError> {
    principal.authorize(Operation::Upload)?;
    importer.tickets().view(id.trim(), principal)
}

/// The rejected rows of upload `upload_id` of member unit `unit_id` with their reasons
/// (they hold the rows as written: not for leaders; an uploader, its own unit's only); the
/// read is audited.
pub async fn rejections(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    principal: &Principal,
    upload_id: i64,
    unit_id: i64,
) -> Result<Vec<Rejection>, HubError> {
    let read = crate::ingest::stored::rejections(db, upload_id);
    rows_as_written(db, reads, principal, (upload_id, unit_id), "rows", read).await
}

/// The warnings of an upload's accepted rows, in row order, for a principal who may read
/// its rejections (they hold the values as written); the read is audited.
pub async fn warnings(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    principal: &Principal,
    upload_id: i64,
    unit_id: i64,
) -> Result<Vec<RowWarning>, HubError> {
    let read = crate::ingest::stored::warnings(db, upload_id);
    rows_as_written(db, reads, principal, (upload_id, unit_id), "warnings", read).await
}

/// What `read` gives of the rows of an upload as written, once `principal` may read them
/// (the policy, and the unit of `(upload id, unit id)`); the read is audited with its
/// count under `what`.
async fn rows_as_written<T>(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    principal: &Principal,
    (upload_id, unit_id): (i64, i64),
    what: &str,
    read: impl std::future::Future<Output = Result<Vec<T>, sea_orm::DbErr>>,
) -> Result<Vec<T>, HubError> {
    let grant = principal.authorize(Operation::ReadRejections)?;
    grant.check_unit(unit_id)?;
    let found = read.await?;
    let detail = serde_json::json!({ what: found.len() });
    rejections_read(reads, db, principal, upload_id, detail).await?;
    Ok(found)
}

/// Records that `principal` read an upload's rows as written (`detail`: how many, in what
/// form).
async fn rejections_read(
    reads: &ReadAudit,
    db: &DatabaseConnection,
    principal: &Principal,
    upload_id: i64,
    detail: serde_json::Value,
) -> Result<(), HubError> {
    reads
        .record(
            db,
            principal,
            Action::ReadRejections,
            format!("upload:{upload_id}"),
            detail,
        )
        .await
}

/// An upload's rejected rows as an xlsx to fix and upload again: the file name to offer
/// and the workbook. `NOT_FOUND` for an unknown upload; `FORBIDDEN` for another unit's
/// upload when the principal may read its own unit's only.
pub async fn rejections_workbook(
    db: &DatabaseConnection,
    reads: &ReadAudit,
    principal: &Principal,
    upload_id: i64,
) -> Result<(String, Vec<u8>), HubError> {
    let grant = principal.authorize(Operation::ReadRejections)?;
    let rejected = export::rejected_rows_of(db, upload_id).await?;
    grant.check_unit(rejected.upload.member_unit_id)?;
    let detail = json!({ "rows": rejected.rows.len(), "format": "xlsx" });
    rejections_read(reads, db, principal, upload_id, detail).await?;
    let name = rejected.file_name();
    let bytes = tokio::task::spawn_blocking(move || rejected.to_xlsx())
        .await
        .map_err(|e| HubError::Internal(format!("workbook task failed: {e}")))??;
    Ok((name, bytes))
}

/// The blank template of a kind (any signed-in principal).
pub async fn template_workbook(
    principal: &Principal,
    kind: SourceKind,
) -> Result<(String, Vec<u8>), HubError> {
    principal.authorize(Operation::DownloadTemplate)?;
    let bytes = tokio::task::spawn_blocking(move || importers::template_xlsx(kind))
        .await
        .map_err(|e| HubError::Internal(format!("template task failed: {e}")))?
        .map_err(|e| HubError::Internal(format!("cannot write the template: {e}")))?;
    Ok((format!("{}.xlsx", kind.as_str()), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_directories() {
        for (given, kept) in [
            ("C:\\Users\\x\\名单.xlsx", "名单.xlsx"),
            ("../../etc/passwd", "passwd"),
            ("  ", "upload"),
            ("a\u{0}b.csv", "ab.csv"),
        ] {
            assert_eq!(clean_file_name(given), kept, "{given:?}");
        }
    }

    #[test]
    fn kinds_are_named_or_refused() {
        assert_eq!(
            parse_kind("visa_registry").ok(),
            Some(SourceKind::VisaRegistry)
        );
        assert!(matches!(parse_kind("nope"), Err(HubError::BadInput(_))));
    }
}
