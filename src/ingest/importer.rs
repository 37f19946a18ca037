//! The [`Importer`]: the one value every entry point (HTTP, GraphQL, `hub import`, the demo
//! and the benchmarks) imports files through. It owns the read options built from the
//! settings, the landing queue, the checkpoints it started and the tickets of uploads
//! answered `queued`; an import goes read, dedupe, land, finish.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use entity::member_unit;
use importers::{ProgressFn, ReadOptions, SourceKind, UploadHead};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use tokio::sync::{OwnedMutexGuard, mpsc};
use tracing::Instrument;

use super::audited::UploadAudit;
use super::checkpoint::Checkpoints;
use super::isolated::ReaderIsolation;
use super::tickets::Tickets;
use super::{
    ImportReport, ImportRequest, ImportStage, ImportStatus, dry_run, find_duplicate, land, read,
    stated_instant, stored, stream, unit_read_options, unreadable,
};
use crate::db::LandingConnection;
use crate::error::HubError;

/// Rows read, converted and landed per part of a file (see [`stream`] and
/// [`land::Landing`]): a large file is held a few parts at a time, and its first part lands
/// while the rest is read.
pub const LAND_PART_ROWS: usize = 10_000;

/// What a caller watches while a file imports: the stages (the CLI's progress bar) and the
/// rows read so far.
#[derive(Clone, Copy)]
pub struct Progress<'a> {
    /// Told when landing starts and when the whole file has been read.
    pub stages: &'a (dyn Fn(ImportStage) + Send + Sync),
    /// Told the rows read so far while reading.
    pub rows: Option<&'a ProgressFn>,
}

fn no_stage(_: ImportStage) {}

impl Progress<'static> {
    /// Nothing watches.
    pub fn none() -> Self {
        Self {
            stages: &no_stage,
            rows: None,
        }
    }
}

/// Imports files: one per application (held by its state), shared by every request.
pub struct Importer {
    options: ReadOptions,
    /// The landing queue: landings go one at a time (SQLite has one writer; on PostgreSQL
    /// an advisory lock also serialises landings across instances). A landing waits here,
    /// in the application, rather than in the store's busy timeout.
    landing: Arc<tokio::sync::Mutex<()>>,
    checkpoints: Checkpoints,
    tickets: Tickets,
    queue_wait: Duration,
    part_rows: usize,
    /// When set, an upload is first read in a child process with limits
    /// ([`super::isolated`]).
    isolation: Option<ReaderIsolation>,
    /// The city-wide figures of the hub this importer lands for: their timeline is brought
    /// up to date right after each landing commits.
    city: Option<Arc<crate::derived::CityCache>>,
}

pub use crate::config::DEFAULT_QUEUE_WAIT;

impl std::fmt::Debug for Importer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Importer")
            .field("max_file_bytes", &self.options.max_file_bytes)
            .field("max_rows", &self.options.max_rows)
            .field("timezone", &self.options.timezone)
            .field("part_rows", &self.part_rows)
            .finish_non_exhaustive()
    }
}

/// A file whose header has been read, its rows still coming.
struct Reading {
    head: UploadHead,
    reads: mpsc::Receiver<stream::Read>,
    reader: tokio::task::JoinHandle<stream::ReaderEnd>,
    size: usize,
}

/// A landing whose rows are all in its open transaction.
struct Landed<'a> {
    _guard: OwnedMutexGuard<()>,
    writer: LandingConnection<'a>,
    txn: crate::db::LandingTransaction,
    landing: land::Landing<'a>,
    head: UploadHead,
    gathered: Gathered,
}

/// What the parts of a file said as they landed: their counts, rejections and warnings,
/// and what the rows under the table said.
#[derive(Default)]
struct Gathered {
    totals: land::RowTotals,
    rejections: Vec<super::Rejection>,
    warnings: Vec<super::RowWarning>,
    end: importers::UploadEnd,
}

impl Gathered {
    /// Adds what a part said, once its rows have landed.
    fn add(&mut self, part: stream::Part) {
        self.totals.add(part.totals);
        self.rejections.extend(part.rejections);
        self.warnings.extend(part.warnings);
    }
}

/// How a step ended: go on with its result, or with this report (nothing more to do).
enum Step<T> {
    Next(T),
    Done(Box<ImportReport>),
}

impl Importer {
    /// An importer reading files with `options` (the hub's time zone and upload limits; see
    /// [`crate::config::Settings::read_options`]).
    pub fn new(options: ReadOptions) -> Self {
        Self {
            options,
            landing: Arc::default(),
            checkpoints: Checkpoints::default(),
            tickets: Tickets::default(),
            queue_wait: DEFAULT_QUEUE_WAIT,
            part_rows: LAND_PART_ROWS,
            isolation: None,
            city: None,
        }
    }

    /// This importer bringing `city`'s timeline up to date after each landing (the hub's
    /// importer does: the uploader's answer comes once the figures count the upload, and
    /// the next dashboard question does not wait for the update).
    pub fn with_city(mut self, city: Arc<crate::derived::CityCache>) -> Self {
        self.city = Some(city);
        self
    }

    /// This importer reading every upload first in a child process (`None`: in the server
    /// only). The server's importer does; `hub import`, `hub bench` and `hub demo` read
    /// their own files in-process.
    pub fn with_isolation(mut self, isolation: Option<ReaderIsolation>) -> Self {
        self.isolation = isolation;
        self
    }

    /// How uploads are read in a child process first, when they are.
    pub fn isolation(&self) -> Option<&ReaderIsolation> {
        self.isolation.as_ref()
    }

    /// The importer of a hub run with `settings`.
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        Self::new(settings.read_options()).with_queue_wait(settings.upload_limits().queue_wait())
    }

    /// This importer answering an upload that has not landed after `wait` with a ticket
    /// (see [`crate::service::uploads::submit`]).
    pub fn with_queue_wait(mut self, wait: Duration) -> Self {
        self.queue_wait = wait;
        self
    }

    /// How long an upload waits for its report before it is answered with a ticket.
    pub fn queue_wait(&self) -> Duration {
        self.queue_wait
    }

    /// The tickets of uploads answered `queued`.
    pub fn tickets(&self) -> &Tickets {
        &self.tickets
    }

    /// This importer landing parts of `part_rows` rows (the result does not depend on the
    /// size of the parts; tests use small ones to land small files in several parts).
    pub fn with_part_rows(mut self, part_rows: usize) -> Self {
        self.part_rows = part_rows.max(1);
        self
    }

    /// The options files are read with.
    pub fn read_options(&self) -> &ReadOptions {
        &self.options
    }

    /// Waits until every checkpoint this importer started has ended (a command that exits,
    /// a benchmark that measures it).
    pub async fn settled(&self) {
        self.checkpoints.settled().await;
    }

    /// Imports one file: reads it, and unless it is a duplicate or a dry run, lands its rows
    /// in one transaction. A file that cannot be read gives a `failed` report and stores
    /// nothing. With `audit`, a landed upload's audit entry is written by the landing's
    /// transaction (the caller audits any other outcome).
    pub async fn import(
        &self,
        db: &DatabaseConnection,
        mut request: ImportRequest,
        audit: Option<&UploadAudit>,
        progress: Progress<'_>,
    ) -> Result<ImportReport, HubError> {
        let unit = crate::registry::units::find_unit(db, &request.unit).await?;
        let mut options = unit_read_options(db, &unit, &request, self.options.clone()).await?;
        options.progress = progress.rows.cloned();
        if request.dry_run {
            return dry_run::dry_run(db, &unit, &request, options, progress.stages).await;
        }
        let tz = options.timezone;
        let reading = match self.read(&mut request, &unit, options).await? {
            Step::Next(reading) => reading,
            Step::Done(report) => return Ok(*report),
        };
        if let Some(report) =
            dedupe(db, &unit, &request, reading.head.kind, &reading.head.sha256).await?
        {
            // Dropping `reading` stops the reader at its next part.
            return Ok(report);
        }
        let landed = match self
            .land(db, &unit, &request, reading, progress.stages)
            .await?
        {
            Step::Next(landed) => landed,
            Step::Done(report) => return Ok(*report),
        };
        self.finish(db, &unit, &request, landed, tz, audit).await
    }

    /// Read: starts the reader and waits for the file's header.
    async fn read(
        &self,
        request: &mut ImportRequest,
        unit: &member_unit::Model,
        options: ReadOptions,
    ) -> Result<Step<Reading>, HubError> {
        let size = request.bytes.len();
        let (mut reads, reader) = stream::spawn_reader(
            std::mem::take(&mut request.bytes),
            request.file_name.clone(),
            request.kind,
            options,
            self.part_rows,
        );
        match reads.recv().await {
            Some(stream::Read::Head(head)) => Ok(Step::Next(Reading {
                head,
                reads,
                reader,
                size,
            })),
            other => {
                drop(reads);
                let ended = finished(reader).await?;
                match (other, ended) {
                    (None, Err(error)) => {
                        Ok(Step::Done(Box::new(unreadable(request, unit, &error))))
                    }
                    _ => Err(HubError::Internal(
                        "the reader sent rows before a header, or ended without one".to_owned(),
                    )),
                }
            }
        }
    }

    /// Land: waits for the landing lock, opens the landing's transaction (checking for a
    /// duplicate again inside it) and lands every part as it is read.
    async fn land<'a>(
        &self,
        db: &'a DatabaseConnection,
        unit: &'a member_unit::Model,
        request: &ImportRequest,
        reading: Reading,
        on_stage: &(dyn Fn(ImportStage) + Send + Sync),
    ) -> Result<Step<Landed<'a>>, HubError> {
        let Reading {
            head,
            mut reads,
            reader,
            size,
        } = reading;
        let kind = head.kind;
        let file = read::land_file(&head, &request.file_name, size, &request.uploaded_by);
        let guard = Arc::clone(&self.landing).lock_owned().await;
        let writer = crate::db::landing_connection(db).await?;
        let txn = crate::db::LandingTransaction::begin(&writer).await?;
        crate::db::lock_store_writes(&txn).await?;
        if let Some(report) = dedupe(&txn, unit, request, kind, &file.sha256).await? {
            drop(reads);
            txn.rollback().await?;
            writer.close().await?;
            return Ok(Step::Done(Box::new(report)));
        }
        // On PostgreSQL the bulk rows are copied through the transaction's connection.
        let copy = match txn.copy_pool() {
            Some(pool) => Some(super::copy::CopyTarget::prepare(pool).await?),
            None => None,
        };
        on_stage(ImportStage::Landing);
        let span = tracing::info_span!("land", unit = %unit.code, kind = kind.as_str());
        let mut landing = land::Landing::begin(&txn, unit, &file, Utc::now())
            .instrument(span.clone())
            .await?;
        let mut gathered = Gathered::default();
        // Each part lands while the reader reads and converts the next one. On an error the
        // transaction rolls back and the reader stops at its next part.
        let mut waiting = std::time::Instant::now();
        while let Some(read) = reads.recv().await {
            let part = match read {
                stream::Read::Part(part) => part,
                stream::Read::End(read_end) => {
                    gathered.end = read_end;
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
            super::copy::with_copy(
                copy.clone(),
                landing.land_rows(&txn, &part.rows).instrument(span.clone()),
            )
            .await?;
            gathered.add(part);
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
                return Ok(Step::Done(Box::new(unreadable(request, unit, &error))));
            }
        }
        on_stage(ImportStage::Read {
            rows: u64::try_from(gathered.totals.data).unwrap_or(u64::MAX),
        });
        Ok(Step::Next(Landed {
            _guard: guard,
            writer,
            txn,
            landing,
            head,
            gathered,
        }))
    }

    /// Finish: ends the landing (a roster's ends, the unit's column mapping, the audit
    /// entry), commits, and starts the checkpoint.
    async fn finish(
        &self,
        db: &DatabaseConnection,
        unit: &member_unit::Model,
        request: &ImportRequest,
        landed: Landed<'_>,
        tz: chrono_tz::Tz,
        audit: Option<&UploadAudit>,
    ) -> Result<ImportReport, HubError> {
        let Landed {
            _guard,
            writer,
            txn,
            landing,
            head,
            gathered,
        } = landed;
        let Gathered {
            totals,
            rejections,
            warnings,
            end,
        } = gathered;
        let kind = head.kind;
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
            row_warnings: warnings,
            error: None,
            columns: head.columns,
            warnings: head.notes,
            stated_date,
            as_of,
            roster,
            saved_mapping: head.saved_mapping,
            fingerprint: Some(head.fingerprint),
        };
        if let Some(audit) = audit {
            // In the landing's transaction: an upload is never stored without its entry.
            audit.record(&txn, &report).await?;
        }
        let committing = std::time::Instant::now();
        txn.commit().await?;
        writer.close().await?;
        drop(_guard);
        let commit_ms = committing.elapsed().as_secs_f64() * 1000.0;
        tracing::debug!(commit_ms, "landing committed");
        self.checkpoints.start(db);
        self.checkpoints.refresh_statistics(db, totals.data);
        if let Some(city) = &self.city {
            city.catch_up(db, tz).await;
        }
        tracing::info!(
            upload_id,
            accepted = report.rows.accepted,
            rejected = report.rows.rejected,
            "upload landed"
        );
        Ok(report)
    }
}

/// Dedupe: the report of the earlier upload of the same file (`sha256`) by the same unit as
/// the same kind, if there is one.
async fn dedupe<C: ConnectionTrait>(
    db: &C,
    unit: &member_unit::Model,
    request: &ImportRequest,
    kind: SourceKind,
    sha256: &str,
) -> Result<Option<ImportReport>, HubError> {
    let Some(earlier) = find_duplicate(db, unit.id, kind, sha256).await? else {
        return Ok(None);
    };
    let report = stored::report_of(
        db,
        &earlier,
        unit,
        &request.file_name,
        ImportStatus::Duplicate,
    )
    .await?;
    Ok(Some(report))
}

/// The instant an upload's list holds for, as stored.
async fn landing_as_of<C: ConnectionTrait>(
    db: &C,
    upload_id: i64,
) -> Result<Option<chrono::DateTime<Utc>>, HubError> {
    Ok(entity::upload::Entity::find_by_id(upload_id)
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
