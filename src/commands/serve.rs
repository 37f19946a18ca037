//! `hub serve`: run the HTTP server until SIGINT or SIGTERM.

use std::process::ExitCode;

use crate::config::Settings;
use crate::error::HubError;
use crate::server::Application;

/// Build the application (connect, migrate, bind) and serve until stopped.
pub async fn run(settings: Settings) -> Result<ExitCode, HubError> {
    let app = Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}
