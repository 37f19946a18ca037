//! Importing member units' files: read (the `importers` crate), check for a duplicate, land
//! every row with its provenance in one transaction, and report.
//!
//! - [`importer`]: the [`Importer`] every entry point goes through (read, dedupe, land,
//!   finish), with its landing queue and checkpoints;
//! - [`dry_run`]: reading and checking a file without storing it;
//! - [`tickets`]: following an upload answered `queued`;
//! - [`stream`]: reading a file part by part while its parts land;
//! - [`isolated`]: reading an untrusted file first in a child process with limits;
//! - [`read`]: what the importers read, in the store's terms;
//! - [`land`]: the transaction that stores an upload, its rows and its facts;
//! - [`checkpoint`]: copying the write-ahead log into the database file after a landing;
//! - [`copy`] and [`parents`]: bulk rows into PostgreSQL by COPY, their parents checked set
//!   by set;
//! - [`people`]: one person across sources (identity, shown values, candidate matches);
//! - [`organizations`]: organisation names through the alias registry;
//! - [`stored`]: reading an upload's report and rejected rows back;
//! - [`export`]: an upload's rejected rows as a workbook to fix and re-upload;
//! - [`roster`]: what a roster (the unit's current list as of its date) ends;
//! - [`report`]: the report every entry point (CLI, HTTP, GraphQL) returns;
//! - [`audited`]: an upload's audit entry, written by the landing's transaction;
//! - [`supplies`]: the donations, contract states and outreach contacts a supplies register's
//!   rows land as.

pub mod audited;
pub mod batch;
pub mod checkpoint;
pub mod copy;
pub mod dry_run;
pub mod export;
pub mod fact_rows;
pub mod facts;
pub mod importer;
pub mod isolated;
pub mod land;
pub mod notes;
pub mod organizations;
pub mod parents;
pub mod people;
pub mod read;
pub mod report;
pub mod roster;
pub mod statistics;
pub mod stored;
pub mod stream;
pub mod supplies;
pub mod tickets;

pub use importer::{Importer, Progress};
pub use report::{FileError, ImportReport, ImportStatus, Rejection, RowCounts, RowWarning};

use crate::error::HubError;
use chrono::Utc;
use entity::{member_unit, upload};
use importers::{ColumnOverride, ImportError, ReadOptions, SourceKind};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

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
    options.supplies = std::sync::Arc::new(crate::supplies::catalogue::load(db).await?);
    Ok(options)
}

/// The instant a list dated `day` holds for: its local midnight.
fn stated_instant(
    day: Option<chrono::NaiveDate>,
    tz: chrono_tz::Tz,
) -> Option<chrono::DateTime<Utc>> {
    day.map(|d| crate::time::start_of_day(d, tz))
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

/// Imports one file with an importer of its own reading with `options` (see
/// [`Importer::import`]; entry points of a running hub use the application's importer).
pub async fn import_file(
    db: &DatabaseConnection,
    request: ImportRequest,
    options: ReadOptions,
) -> Result<ImportReport, HubError> {
    let importer = Importer::new(options);
    let report = importer.import(db, request, None, Progress::none()).await;
    // The upkeep after the landing (checkpoint, statistics) ends before this returns.
    importer.settled().await;
    report
}

/// [`import_file`] with parts of `part_rows` rows (the result does not depend on the size
/// of the parts; tests use small ones to land small files in several parts).
pub async fn import_file_in_parts(
    db: &DatabaseConnection,
    request: ImportRequest,
    options: ReadOptions,
    on_stage: &(dyn Fn(ImportStage) + Send + Sync),
    part_rows: usize,
) -> Result<ImportReport, HubError> {
    let progress = Progress {
        stages: on_stage,
        rows: None,
    };
    let importer = Importer::new(options).with_part_rows(part_rows);
    let report = importer.import(db, request, None, progress).await;
    importer.settled().await;
    report
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
