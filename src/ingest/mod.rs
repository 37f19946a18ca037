//! Importing member units' files: read (the `importers` crate), check for a duplicate, land
//! every row with its provenance in one transaction, and report.
//!
//! - [`read`]: what the importers read, in the store's terms;
//! - [`land`]: the transaction that stores an upload, its rows and its facts;
//! - [`people`]: one person across sources (identity, shown values, candidate matches);
//! - [`organizations`]: organisation names through the alias registry;
//! - [`stored`]: reading an upload's report and rejected rows back;
//! - [`export`]: an upload's rejected rows as a workbook to fix and re-upload;
//! - [`report`]: the report every entry point (CLI, HTTP, GraphQL) returns.

pub mod batch;
pub mod export;
pub mod fact_rows;
pub mod facts;
pub mod land;
pub mod organizations;
pub mod people;
pub mod read;
pub mod report;
pub mod statistics;
pub mod stored;

pub use report::{FileError, ImportReport, ImportStatus, Rejection, RowCounts};

use crate::error::HubError;
use chrono::Utc;
use chrono_tz::Tz;
use entity::{member_unit, upload};
use importers::{ImportError, ParsedUpload, ReadOptions, SourceKind};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use std::collections::HashMap;
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
    ImportReport::failed(
        &request.file_name,
        &request.unit,
        request.kind,
        FileError {
            code: error.code().to_owned(),
            message: error.to_string(),
        },
    )
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

/// Rows landed per part of a file (see [`land::Landing`]): a large file's stored rows are
/// held one part at a time.
const LAND_PART_ROWS: usize = 20_000;

/// Converts the first part of the rows still to land, off the async runtime.
async fn convert_part(
    unlanded: &mut std::vec::IntoIter<importers::ParsedRow>,
    tz: Tz,
) -> Result<Vec<land::LandRow<String>>, HubError> {
    let part: Vec<_> = unlanded.by_ref().take(LAND_PART_ROWS).collect();
    tokio::task::spawn_blocking(move || read::land_rows(part, tz))
        .await
        .map_err(|e| HubError::Internal(format!("row conversion task failed: {e}")))
}

fn upload_lock(unit_id: i64, kind: SourceKind) -> Arc<tokio::sync::Mutex<()>> {
    let mut locks = UPLOAD_LOCKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    locks.entry((unit_id, kind)).or_default().clone()
}

/// A step of an import a caller may show while it runs (the CLI's progress bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// The file has been read: this many data rows; checks against the store follow.
    Read {
        /// Data rows read.
        rows: u64,
    },
    /// The rows are being written to the store in one transaction.
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

/// [`import_file`], telling `on_stage` when the file has been read and when landing starts
/// (row progress while reading comes through [`ReadOptions::progress`]).
pub async fn import_file_with_stages(
    db: &DatabaseConnection,
    request: ImportRequest,
    options: ReadOptions,
    on_stage: &(dyn Fn(ImportStage) + Send + Sync),
) -> Result<ImportReport, HubError> {
    let unit = find_unit(db, &request.unit).await?;
    let tz: Tz = options.timezone;
    let parsed = match read_file(&request, options).await? {
        Ok(parsed) => parsed,
        Err(error) => {
            tracing::info!(unit = %unit.code, code = error.code(), "file could not be read");
            return Ok(failed_report(&request, &error));
        }
    };
    on_stage(ImportStage::Read {
        rows: u64::try_from(parsed.rows.len()).unwrap_or(u64::MAX),
    });
    let kind = parsed.kind;
    let mut report = ImportReport {
        file: request.file_name.clone(),
        unit: unit.code.clone(),
        kind: Some(kind.as_str().to_owned()),
        status: ImportStatus::DryRun,
        upload_id: None,
        rows: read::counts(&parsed),
        rejections: read::rejections(&parsed),
        error: None,
    };
    if let Some(earlier) = find_duplicate(db, unit.id, kind, &parsed.sha256).await? {
        return Ok(stored::report_of(
            db,
            &earlier,
            &unit,
            &request.file_name,
            ImportStatus::Duplicate,
        )
        .await?);
    }
    if request.dry_run {
        return Ok(report);
    }

    let file = read::land_file(
        &parsed,
        &request.file_name,
        request.bytes.len(),
        &request.uploaded_by,
    );
    let totals = land::RowTotals {
        data: parsed.rows.len(),
        accepted: parsed.accepted(),
    };
    let mut unlanded = parsed.rows.into_iter();
    let lock = upload_lock(unit.id, kind);
    let _guard = lock.lock().await;
    let txn = db
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
        txn.rollback().await?;
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
    let span =
        tracing::info_span!("land", unit = %unit.code, kind = kind.as_str(), rows = totals.data);
    let mut landing = land::Landing::begin(&txn, &unit, &file, totals, Utc::now())
        .instrument(span.clone())
        .await?;
    // Part by part: the next part is converted (CPU work, on a blocking thread, where the
    // parsed rows' memory is freed and reused in place) while this one lands.
    let mut part = convert_part(&mut unlanded, tz).await?;
    while !part.is_empty() {
        let next = unlanded.by_ref().take(LAND_PART_ROWS).collect::<Vec<_>>();
        let (landed, converted) = futures::join!(
            landing.land_rows(&txn, &part).instrument(span.clone()),
            tokio::task::spawn_blocking(move || read::land_rows(next, tz))
        );
        landed?;
        part = converted
            .map_err(|e| HubError::Internal(format!("row conversion task failed: {e}")))?;
    }
    let upload_id = landing.upload_id();
    txn.commit().await?;
    statistics::refresh_after_landing(db, totals.data).await;
    tracing::info!(
        upload_id,
        accepted = report.rows.accepted,
        rejected = report.rows.rejected,
        "upload landed"
    );
    report.status = ImportStatus::Imported;
    report.upload_id = Some(upload_id);
    Ok(report)
}
