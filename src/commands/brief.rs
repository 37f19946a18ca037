//! `hub brief --as-of TIME -o FILE.docx`: the daily brief as a Word file, the same brief
//! `GET /api/brief.docx` serves, written as the command line (a local admin) reads it.

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;

use crate::auth::Principal;
use crate::cli::BriefArgs;
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::service::brief;
use crate::service::people::People;

/// Writes the brief as of `--as-of` (default now) to `--output`.
pub async fn run(settings: &Settings, args: &BriefArgs) -> Result<ExitCode, HubError> {
    let tz = settings.time_zone();
    // A malformed time is refused before the store is opened.
    let as_of = match args.as_of.as_deref() {
        Some(text) => brief::parse_as_of(text, tz)?,
        None => Utc::now(),
    };
    let db = db::connect_and_migrate(settings).await?;
    let people = People::new(&db, tz);
    let written = brief::daily_brief(&people, &db, tz, &Principal::local(), as_of).await;
    db.close().await?;
    let written = written?;
    let bytes = brief::docx::brief_docx(&written, tz)?;
    super::write_output(&args.output, &bytes)?;
    writeln!(
        std::io::stdout().lock(),
        "{}\n已写入每日情况报告 / wrote the daily brief: {}",
        written.headline,
        args.output.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
