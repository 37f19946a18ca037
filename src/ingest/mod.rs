//! Importing member units' files: read (the `importers` crate), check for a duplicate, land
//! every row with its provenance in one transaction, and report.
//!
//! - [`stream`]: reading a file part by part while its parts land;
//! - [`read`]: what the importers read, in the store's terms;
//! - [`land`]: the transaction that stores an upload, its rows and its facts;
//! - [`checkpoint`]: copying the write-ahead log into the database file after a landing;
//! - [`people`]: one person across sources (identity, shown values, candidate matches);
//! - [`organizations`]: organisation names through the alias registry;
//! - [`stored`]: reading an upload's report and rejected rows back;
//! - [`export`]: an upload's rejected rows as a workbook to fix and re-upload;
//! - [`roster`]: what a roster (the unit's current list as of its date) ends;
//! - [`report`]: the report every entry point (CLI, HTTP, GraphQL) returns;
//! - [`audited`]: an upload's audit entry, written by the landing's transaction.

pub mod audited;
pub mod batch;
pub mod checkpoint;
pub mod export;
pub mod fact_rows;
pub mod facts;
pub mod land;
pub mod organizations;
pub mod people;
pub mod read;
pub mod report;
pub mod roster;
pub mod statistics;
pub mod stored;
pub mod stream;

pub use report::{FileError, ImportReport, ImportStatus, Rejection, RowCounts};

use crate::error::HubError;
use chrono::Utc;
use entity::{member_unit, upload};
use importers::{ColumnOverride, ImportError, ParsedUpload, ReadOptions, SourceKind};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::{Arc, LazyLock, Mutex};
use tracing::Instrument;

/// One file to import.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// Code of the member unit the file belongs to.
    pub unit: String,
    /// Kind, when the uploader gives it (detected from the headers otherwise).
    pub kind: Option<SourceKind>,
    /// File name as uploaded.
    pub file_name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Who uploads (token name or `cli:<user>`).
    pub uploaded_by: String,
    /// Read and check only; store nothing.
    pub dry_run: bool,
    /// Columns the uploader fixed for this file (`header=field`); a landed upload saves them
    /// as the unit's mapping for its headers.
    pub column_overrides: Vec<ColumnOverride>,
}

/// Looks up an active member unit by code.
pub async fn find_unit<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<member_unit::Model, HubError> {
    member_unit::Entity::find()
        .filter(member_unit::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| {
            HubError::NotFound(format!(
                "没有代码为“{code}”的成员单位 / no member unit with code '{code}'"
            ))
        })
}

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

/// The report of a file that could not be read.
fn failed_report(request: &ImportRequest, error: &ImportError) -> ImportReport {
    let mut report = ImportReport::failed(
        &request.file_name,
        &request.unit,
        request.kind,
        FileError {
            code: error.code().to_owned(),
            message: error.to_string(),
        },
    );
    report.columns = error.columns().to_vec();
    report
}

/// The read options of an upload by `unit`: the kinds it typically uploads decide between
/// kinds that fit alike, its saved mappings and the request's columns fix columns.
async fn unit_read_options<C: ConnectionTrait>(
    db: &C,
    unit: &member_unit::Model,
    request: &ImportRequest,
    mut options: ReadOptions,
) -> Result<ReadOptions, HubError> {
    if options.preferred_kinds.is_empty() {
        options.preferred_kinds = importers::typical_kinds(&unit.kind).to_vec();
    }
    options.saved_mappings = crate::registry::column_mappings::for_unit(db, unit.id).await?;
    options.column_overrides = request.column_overrides.clone();
    Ok(options)
}

/// The instant a list dated `day` holds for: its local midnight.
fn stated_instant(
    day: Option<chrono::NaiveDate>,
    tz: chrono_tz::Tz,
) -> Option<chrono::DateTime<Utc>> {
    day.map(|d| read::start_of_day(d, tz))
}

/// The earlier upload of the same file by the same unit as the same kind, if any.
async fn find_duplicate<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    sha256: &str,
) -> Result<Option<upload::Model>, HubError> {
    Ok(upload::Entity::find()
        .filter(upload::Column::MemberUnitId.eq(unit_id))
        .filter(upload::Column::Kind.eq(kind.as_str()))
        .filter(upload::Column::Sha256.eq(sha256))
        .one(db)
        .await?)
}

/// In-process locks serialising uploads of the same unit and kind (two uploads of the same
/// roster must not interleave). Across instances on PostgreSQL an advisory lock does the same.
/// One lock per (member unit id, kind).
type UploadLocks = HashMap<(i64, SourceKind), Arc<tokio::sync::Mutex<()>>>;

static UPLOAD_LOCKS: LazyLock<Mutex<UploadLocks>> = LazyLock::new(Default::default);

/// Rows read, converted and landed per part of a file (see [`stream`] and
/// [`land::Landing`]): a large file is held a few parts at a time, and its first part lands
/// while the rest is read.
const LAND_PART_ROWS: usize = 10_000;

fn upload_lock(unit_id: i64, kind: SourceKind) -> Arc<tokio::sync::Mutex<()>> {
    let mut locks = UPLOAD_LOCKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    locks.entry((unit_id, kind)).or_default().clone()
}

/// A step of an import a caller may show while it runs (the CLI's progress bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// The whole file has been read: this many data rows. In a dry run, checks against the
    /// store follow; otherwise the last parts are still landing.
    Read {
        /// Data rows read.
        rows: u64,
    },
    /// The header was found and rows are landing (in one transaction) while the rest of
    /// the file is read.
    Landing,
}

/// Imports one file: reads it, and unless it is a duplicate or a dry run, lands its rows in
/// one transaction. A file that cannot be read gives a `failed` report and stores nothing.
pub async fn import_file(
    db: &DatabaseConnection,
    request: ImportRequest,
    options: ReadOptions,
) -> Result<ImportReport, HubError> {
    import_file_with_stages(db, request, options, &|_| {}).await
}

/// [`import_file`], telling `on_stage` when landing starts and when the file has been read
/// (row progress while reading comes through [`ReadOptions::progress`]).
pub async fn import_file_with_stages(
    db: &DatabaseConnection,
    request: ImportRequest,
    options: ReadOptions,
    on_stage: &(dyn Fn(ImportStage) + Send + Sync),
) -> Result<ImportReport, HubError> {
    import_file_in_parts(db, request, options, on_stage, LAND_PART_ROWS).await
}

/// [`import_file_with_stages`] with parts of `part_rows` rows (the result does not depend
/// on the size of the parts; tests use small ones to land small files in several parts).
pub async fn import_file_in_parts(
    db: &DatabaseConnection,
    request: ImportRequest,
    options: ReadOptions,
    on_stage: &(dyn Fn(ImportStage) + Send + Sync),
    part_rows: usize,
) -> Result<ImportReport, HubError> {
    import_audited_in_parts(db, request, options, on_stage, part_rows, None).await
}

/// [`import_file`] for an uploader: a landed upload's audit entry is written by the
/// landing's transaction (see [`audited`]); the caller audits any other outcome.
pub async fn import_file_audited(
    db: &DatabaseConnection,
    request: ImportRequest,
    options: ReadOptions,
    audit: &audited::UploadAudit,
) -> Result<ImportReport, HubError> {
    import_audited_in_parts(db, request, options, &|_| {}, LAND_PART_ROWS, Some(audit)).await
}

/// [`import_file_in_parts`], writing `audit`'s entry in the landing's transaction.
async fn import_audited_in_parts(
    db: &DatabaseConnection,
    mut request: ImportRequest,
    options: ReadOptions,
    on_stage: &(dyn Fn(ImportStage) + Send + Sync),
    part_rows: usize,
    audit: Option<&audited::UploadAudit>,
) -> Result<ImportReport, HubError> {
    let unit = find_unit(db, &request.unit).await?;
    let options = unit_read_options(db, &unit, &request, options).await?;
    let tz = options.timezone;
    if request.dry_run {
        return dry_run(db, &unit, &request, options, on_stage).await;
    }
    let size = request.bytes.len();
    let (mut reads, reader) = stream::spawn_reader(
        std::mem::take(&mut request.bytes),
        request.file_name.clone(),
        request.kind,
        options,
        part_rows,
    );
    let head = match reads.recv().await {
        Some(stream::Read::Head(head)) => head,
        other => {
            drop(reads);
            let ended = finished(reader).await?;
            return match (other, ended) {
                (None, Err(error)) => Ok(unreadable(&request, &unit, &error)),
                _ => Err(HubError::Internal(
                    "the reader sent rows before a header, or ended without one".to_owned(),
                )),
            };
        }
    };
    let kind = head.kind;
    if let Some(earlier) = find_duplicate(db, unit.id, kind, &head.sha256).await? {
        // The reader stops at its next part.
        drop(reads);
        return Ok(stored::report_of(
            db,
            &earlier,
            &unit,
            &request.file_name,
            ImportStatus::Duplicate,
        )
        .await?);
    }
    let file = read::land_file(&head, &request.file_name, size, &request.uploaded_by);
    let lock = upload_lock(unit.id, kind);
    let _guard = lock.lock().await;
    let writer = crate::db::landing_connection(db).await?;
    let txn = writer
        .db()
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            // One key for all landings, like SQLite's one writer: units share people.
            ["upload:landing".into()],
        ))
        .await?;
    }
    if let Some(earlier) = find_duplicate(&txn, unit.id, kind, &file.sha256).await? {
        drop(reads);
        txn.rollback().await?;
        writer.close().await?;
        return Ok(stored::report_of(
            db,
            &earlier,
            &unit,
            &request.file_name,
            ImportStatus::Duplicate,
        )
        .await?);
    }
    on_stage(ImportStage::Landing);
    let span = tracing::info_span!("land", unit = %unit.code, kind = kind.as_str());
    let mut landing = land::Landing::begin(&txn, &unit, &file, Utc::now())
        .instrument(span.clone())
        .await?;
    let mut totals = land::RowTotals::default();
    let mut rejections = Vec::new();
    let mut end = importers::UploadEnd::default();
    // Each part lands while the reader reads and converts the next one. On an error the
    // transaction rolls back and the reader stops at its next part.
    let mut waiting = std::time::Instant::now();
    while let Some(read) = reads.recv().await {
        let part = match read {
            stream::Read::Part(part) => part,
            stream::Read::End(read_end) => {
                end = read_end;
                continue;
            }
            stream::Read::Head(_) => {
                return Err(HubError::Internal(
                    "the reader sent a second header".to_owned(),
                ));
            }
        };
        let waited_ms = waiting.elapsed().as_secs_f64() * 1000.0;
        tracing::debug!(rows = part.rows.len(), waited_ms, "part received");
        landing
            .land_rows(&txn, &part.rows)
            .instrument(span.clone())
            .await?;
        totals.add(part.totals);
        rejections.extend(part.rejections);
        waiting = std::time::Instant::now();
    }
    match finished(reader).await? {
        Ok(ControlFlow::Continue(())) => {}
        Ok(ControlFlow::Break(())) => {
            return Err(HubError::Internal(
                "the reader stopped while the landing still listened".to_owned(),
            ));
        }
        Err(error) => {
            // A file that fails part-way (a limit crossed, a damaged part) stores nothing.
            txn.rollback().await?;
            writer.close().await?;
            return Ok(unreadable(&request, &unit, &error));
        }
    }
    on_stage(ImportStage::Read {
        rows: u64::try_from(totals.data).unwrap_or(u64::MAX),
    });
    let stated_date = head.stated_date.or(end.footer_date);
    let (upload_id, roster) = landing
        .finish(&txn, totals, stated_instant(stated_date, tz))
        .await?;
    if !request.column_overrides.is_empty() {
        crate::registry::column_mappings::save_overrides(
            &txn,
            unit.id,
            kind,
            &head.headers,
            &request.column_overrides,
            &request.uploaded_by,
        )
        .await?;
    }
    let as_of = landing_as_of(&txn, upload_id).await?;
    let report = ImportReport {
        file: request.file_name.clone(),
        unit: unit.code.clone(),
        kind: Some(kind.as_str().to_owned()),
        status: ImportStatus::Imported,
        upload_id: Some(upload_id),
        rows: read::row_counts(totals),
        rejections,
        error: None,
        columns: head.columns.clone(),
        warnings: head.notes.clone(),
        stated_date,
        as_of,
        roster,
        saved_mapping: head.saved_mapping,
        fingerprint: Some(head.fingerprint.clone()),
    };
    if let Some(audit) = audit {
        // In the landing's transaction: an upload is never stored without its entry.
        audit.record(&txn, &report).await?;
    }
    let committing = std::time::Instant::now();
    txn.commit().await?;
    writer.close().await?;
    let commit_ms = committing.elapsed().as_secs_f64() * 1000.0;
    tracing::debug!(commit_ms, "landing committed");
    checkpoint::start(db);
    statistics::refresh_after_landing(db, totals.data).await;
    tracing::info!(
        upload_id,
        accepted = report.rows.accepted,
        rejected = report.rows.rejected,
        "upload landed"
    );
    Ok(report)
}

/// The instant an upload's list holds for, as stored.
async fn landing_as_of<C: ConnectionTrait>(
    db: &C,
    upload_id: i64,
) -> Result<Option<chrono::DateTime<Utc>>, HubError> {
    Ok(upload::Entity::find_by_id(upload_id)
        .one(db)
        .await?
        .and_then(|u| u.as_of))
}

/// How the reader ended, once it has.
async fn finished(
    reader: tokio::task::JoinHandle<stream::ReaderEnd>,
) -> Result<stream::ReaderEnd, HubError> {
    reader
        .await
        .map_err(|e| HubError::Internal(format!("reader task failed: {e}")))
}

/// The report of a file that could not be read (nothing is stored).
fn unreadable(
    request: &ImportRequest,
    unit: &member_unit::Model,
    error: &ImportError,
) -> ImportReport {
    tracing::info!(unit = %unit.code, code = error.code(), "file could not be read");
    failed_report(request, error)
}

/// A dry run: the whole file is read and checked against the store, nothing is stored.
async fn dry_run(
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
