//! `hub import`: import one member unit's files and print a report per file.
//!
//! Each file goes through [`uploads::upload_watched`] as the local user (an admin
//! principal): the upload limits of the settings apply and every file is audited, as for an
//! upload over HTTP; the [`Importer`] reads, checks for a duplicate and lands in one
//! transaction. A file that cannot even be opened gets a `failed` report with
//! code `FILE_NOT_READABLE`. Reports are printed as each file finishes: a short summary
//! ([`render`]) or, with `--json`, one JSON object per line.

pub mod progress;
pub mod render;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use crate::auth::Principal;
use crate::cli::ImportArgs;
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::ingest::{FileError, ImportReport, ImportStatus, Importer, Progress};
use crate::service::uploads::{self, UploadInput};
use progress::FileProgress;

/// Exit code when a file could not be read or the unit is unknown.
pub const EXIT_NOT_READ: u8 = 2;

/// Code of the failed report of a file that could not be opened or read from disk.
pub const FILE_NOT_READABLE: &str = "FILE_NOT_READABLE";

/// Import every file of `args` in order, printing each report as it is done.
pub async fn run(settings: &Settings, args: &ImportArgs) -> Result<ExitCode, HubError> {
    let db = db::connect_and_migrate(settings).await?;
    let importer = Importer::from_settings(settings);
    let result = import_all(&db, &importer, args).await;
    // The database file takes in the last landing before the store is closed.
    importer.settled().await;
    db.close().await?;
    result
}

async fn import_all(
    db: &DatabaseConnection,
    importer: &Importer,
    args: &ImportArgs,
) -> Result<ExitCode, HubError> {
    match crate::registry::units::find_unit(db, &args.unit).await {
        Ok(_) => {}
        Err(HubError::NotFound(message)) => {
            eprintln!("error: {message} (see `hub units`)");
            return Ok(ExitCode::from(EXIT_NOT_READ));
        }
        Err(other) => return Err(other),
    }
    let principal = Principal::local();
    let show_progress = !args.json && progress::stderr_is_terminal();
    let mut all_read = true;
    for path in &args.files {
        let bar = show_progress.then(|| FileProgress::start(path));
        let report = import_one(db, importer, &principal, args, path, bar.as_ref()).await;
        if let Some(bar) = bar {
            bar.finish();
        }
        let report = report?;
        all_read &= report.status != ImportStatus::Failed;
        print_report(&report, args.json)?;
    }
    Ok(if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_NOT_READ)
    })
}

/// Imports one path; an unreadable path is a `failed` report, not an error.
async fn import_one(
    db: &DatabaseConnection,
    importer: &Importer,
    principal: &Principal,
    args: &ImportArgs,
    path: &Path,
    bar: Option<&FileProgress>,
) -> Result<ImportReport, HubError> {
    let shown = path.display().to_string();
    let limit = importer.read_options().max_file_bytes;
    let bytes = match read_bytes(path, limit).await {
        Ok(bytes) => bytes,
        Err(error) => return Ok(ImportReport::failed(&shown, &args.unit, args.kind, error)),
    };
    let input = UploadInput {
        unit: Some(args.unit.clone()),
        kind: args.kind.map(|kind| kind.as_str().to_owned()),
        file_name: file_name(path),
        bytes,
        dry_run: args.dry_run,
        mapping: args
            .map
            .iter()
            .map(|c| format!("{}={}", c.header, c.target))
            .collect(),
    };
    let rows = bar.map(FileProgress::rows_callback);
    let on_stage = |stage| {
        if let Some(bar) = bar {
            bar.stage(stage);
        }
    };
    let progress = Progress {
        stages: &on_stage,
        rows: rows.as_ref(),
    };
    let mut report = uploads::upload_watched(db, importer, principal, input, progress).await?;
    // The path as given tells the user which of their files this is; the store keeps the
    // file name only.
    report.file = shown;
    Ok(report)
}

/// The file's bytes, or why they cannot be had: `FILE_NOT_READABLE`, or
/// `FILE_TOO_LARGE` for a file over the upload limit of `limit` bytes (not loaded into
/// memory).
async fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let unreadable = |e: std::io::Error| FileError {
        code: FILE_NOT_READABLE.to_owned(),
        message: format!("无法读取文件 / cannot read the file: {e}"),
    };
    let meta = tokio::fs::metadata(path).await.map_err(unreadable)?;
    if meta.is_dir() {
        return Err(unreadable(std::io::Error::other(
            "是目录而不是文件 / is a directory, not a file",
        )));
    }
    if meta.len() > limit {
        let error = importers::ImportError::FileTooLarge {
            size: meta.len(),
            limit,
        };
        return Err(FileError {
            code: error.code().to_owned(),
            message: error.to_string(),
        });
    }
    tokio::fs::read(path).await.map_err(unreadable)
}

/// The file name stored with the upload: the last component of the path.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn print_report(report: &ImportReport, json: bool) -> Result<(), HubError> {
    let mut out = std::io::stdout().lock();
    if json {
        let line = serde_json::to_string(report)
            .map_err(|e| HubError::Internal(format!("cannot serialise the report: {e}")))?;
        writeln!(out, "{line}")?;
    } else {
        out.write_all(render::summary(report).as_bytes())?;
    }
    out.flush()?;
    Ok(())
}
