//! A dry run: the whole file is read and checked against the store (duplicate, what a
//! roster would end); nothing is stored.

use chrono::Utc;
use entity::member_unit;
use importers::{ImportError, ParsedUpload, ReadOptions};
use sea_orm::DatabaseConnection;

use super::{
    ImportReport, ImportRequest, ImportStage, ImportStatus, find_duplicate, read, roster,
    stated_instant, stored, unreadable,
};
use crate::error::HubError;

/// Reads the file off the async runtime (parsing is CPU work).
async fn read_file(
    request: &ImportRequest,
    options: ReadOptions,
) -> Result<Result<ParsedUpload, ImportError>, HubError> {
    let bytes = request.bytes.clone();
    let name = request.file_name.clone();
    let kind = request.kind;
    tokio::task::spawn_blocking(move || importers::read_upload(&bytes, &name, kind, &options))
        .await
        .map_err(|e| HubError::Internal(format!("reader task failed: {e}")))
}

/// A dry run: the whole file is read and checked against the store, nothing is stored.
pub(super) async fn dry_run(
    db: &DatabaseConnection,
    unit: &member_unit::Model,
    request: &ImportRequest,
    options: ReadOptions,
    on_stage: &(dyn Fn(ImportStage) + Send + Sync),
) -> Result<ImportReport, HubError> {
    let tz = options.timezone;
    let parsed = match read_file(request, options).await? {
        Ok(parsed) => parsed,
        Err(error) => return Ok(unreadable(request, unit, &error)),
    };
    on_stage(ImportStage::Read {
        rows: u64::try_from(parsed.rows.len()).unwrap_or(u64::MAX),
    });
    if let Some(earlier) = find_duplicate(db, unit.id, parsed.kind, &parsed.sha256).await? {
        return Ok(stored::report_of(
            db,
            &earlier,
            unit,
            &request.file_name,
            ImportStatus::Duplicate,
        )
        .await?);
    }
    let stated = stated_instant(parsed.stated_date, tz);
    let as_of = stated.unwrap_or_else(Utc::now);
    let roster = if parsed.kind.is_roster() {
        let listed: std::collections::HashSet<(String, String)> = parsed
            .records()
            .filter_map(|r| r.person())
            .map(|p| (p.document_number.clone(), p.nationality.clone()))
            .collect();
        Some(roster::preview(db, unit.id, parsed.kind, as_of, stated.is_some(), &listed).await?)
    } else {
        None
    };
    Ok(ImportReport {
        file: request.file_name.clone(),
        unit: unit.code.clone(),
        kind: Some(parsed.kind.as_str().to_owned()),
        status: ImportStatus::DryRun,
        upload_id: None,
        rows: read::counts(&parsed),
        rejections: read::rejections(&parsed),
        row_warnings: read::warnings_of(&parsed.rows),
        error: None,
        columns: parsed.columns.clone(),
        warnings: parsed.notes.clone(),
        stated_date: parsed.stated_date,
        as_of: Some(as_of),
        roster,
        saved_mapping: parsed.saved_mapping,
        fingerprint: Some(parsed.fingerprint.clone()),
    })
}
