//! `hub migrate`: bring the database schema up to date.

use std::process::ExitCode;

use crate::config::Settings;
use crate::db;
use crate::error::HubError;

/// Connect, apply pending migrations (none when current) and close the pool.
pub async fn run(settings: &Settings) -> Result<ExitCode, HubError> {
    let db = db::connect_and_migrate(settings).await?;
    db.close().await?;
    Ok(ExitCode::SUCCESS)
}
