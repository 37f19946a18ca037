//! One phase of `hub bench import`, run in a child process of its own so that the peak
//! RSS it reports is the phase's alone: `parse` reads the file with the importers,
//! `land` imports it into a store (read + check + land in one transaction).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use importers::ReadOptions;
use serde::{Deserialize, Serialize};

use super::rss::peak_rss_bytes;
use crate::cli::BenchPhaseArgs;
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::ingest::{self, ImportRequest, ImportStage, ImportStatus};

/// What a phase measured, printed by the child as one JSON line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseResult {
    /// `parse` or `land`.
    pub phase: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Seconds of the whole phase (migration of the fresh store excluded).
    pub seconds: f64,
    /// Seconds until the whole file was read (phase `land`; rows land meanwhile).
    pub read_seconds: Option<f64>,
    /// Seconds spent landing: from the first part (the header found, the transaction
    /// begun) to the commit (phase `land`).
    pub land_seconds: Option<f64>,
    /// Seconds until the checkpoint the landing started had copied the write-ahead log
    /// into the database file (phase `land` on SQLite; it runs after the commit, beside
    /// whatever comes next, see `ingest::checkpoint`).
    pub checkpoint_seconds: Option<f64>,
    /// Peak resident set size of the child process, in bytes.
    pub peak_rss_bytes: Option<u64>,
}

/// Run one phase and print its [`PhaseResult`] as JSON on standard output.
pub async fn run(settings: &Settings, args: &BenchPhaseArgs) -> Result<ExitCode, HubError> {
    let bytes = std::fs::read(&args.file)?;
    let options = ReadOptions {
        timezone: settings.time_zone(),
        ..ReadOptions::default()
    };
    let result = match args.phase.as_str() {
        "parse" => parse(&bytes, &args.file, &options)?,
        "land" => {
            let store = args
                .store
                .as_deref()
                .ok_or_else(|| HubError::BadInput("phase land needs --store URL".to_owned()))?;
            land(bytes, &args.file, store, options).await?
        }
        other => return Err(HubError::BadInput(format!("unknown phase {other:?}"))),
    };
    let line = serde_json::to_string(&result)
        .map_err(|e| HubError::Internal(format!("cannot serialise the result: {e}")))?;
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(ExitCode::SUCCESS)
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn parse(bytes: &[u8], path: &Path, options: &ReadOptions) -> Result<PhaseResult, HubError> {
    let started = Instant::now();
    let parsed = importers::read_upload(bytes, &name_of(path), None, options)
        .map_err(|e| HubError::Internal(format!("the generated file did not read: {e}")))?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(PhaseResult {
        phase: "parse".to_owned(),
        rows: parsed.data_rows() as u64,
        accepted: parsed.accepted() as u64,
        seconds,
        read_seconds: Some(seconds),
        land_seconds: None,
        checkpoint_seconds: None,
        peak_rss_bytes: peak_rss_bytes(),
    })
}

async fn land(
    bytes: Vec<u8>,
    path: &Path,
    store: &str,
    options: ReadOptions,
) -> Result<PhaseResult, HubError> {
    let db = db::open(store, 4).await?;
    let on_sqlite = db.get_database_backend() == sea_orm::DbBackend::Sqlite;
    let request = ImportRequest {
        unit: "police".to_owned(),
        kind: None,
        file_name: name_of(path),
        bytes,
        uploaded_by: "bench".to_owned(),
        dry_run: false,
        column_overrides: Vec::new(),
    };
    let stages: Mutex<Vec<(ImportStage, Instant)>> = Mutex::default();
    let on_stage = |stage| {
        if let Ok(mut seen) = stages.lock() {
            seen.push((stage, Instant::now()));
        }
    };
    let started = Instant::now();
    let importer = ingest::Importer::new(options);
    let progress = ingest::Progress {
        stages: &on_stage,
        rows: None,
    };
    let report = importer.import(&db, request, None, progress).await?;
    let finished = Instant::now();
    importer.settled().await;
    let checkpointed = Instant::now();
    db.close().await?;
    if report.status != ImportStatus::Imported {
        return Err(HubError::Internal(format!(
            "the generated file was not imported: {:?} {:?}",
            report.status, report.error
        )));
    }
    let seen = stages.into_inner().unwrap_or_default();
    let at = |wanted: fn(&ImportStage) -> bool| {
        seen.iter()
            .find(|(stage, _)| wanted(stage))
            .map(|(_, at)| *at)
    };
    let read_at = at(|s| matches!(s, ImportStage::Read { .. }));
    let landing_at = at(|s| matches!(s, ImportStage::Landing));
    Ok(PhaseResult {
        phase: "land".to_owned(),
        rows: u64::from(report.rows.data),
        accepted: u64::from(report.rows.accepted),
        seconds: finished.duration_since(started).as_secs_f64(),
        read_seconds: read_at.map(|t| t.duration_since(started).as_secs_f64()),
        land_seconds: landing_at.map(|t| finished.duration_since(t).as_secs_f64()),
        checkpoint_seconds: on_sqlite.then(|| checkpointed.duration_since(started).as_secs_f64()),
        peak_rss_bytes: peak_rss_bytes(),
    })
}
