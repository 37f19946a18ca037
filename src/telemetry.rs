//! Logging: `tracing` to standard error, as text or JSON lines, filtered by `RUST_LOG`.
//!
//! Standard output is kept for what a command prints (`hub query`'s JSON, `hub units`'
//! table), so logs never mix with it.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::LogFormat;

/// Default log filter of `hub serve` and `hub migrate` when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn";

/// Default log filter of commands whose output is read by people or scripts
/// (`hub query`, `hub units`): only warnings and errors.
pub const QUIET_FILTER: &str = "warn";

/// Install the global subscriber writing to standard error. `RUST_LOG`, when set, replaces
/// `default_filter`. A second call does nothing.
pub fn init(format: LogFormat, default_filter: &str) {
    let ansi = std::io::stderr().is_terminal();
    init_with_writer(format, default_filter, ansi, std::io::stderr);
}

/// Install the global subscriber writing to `writer` (tests pass a sink). A second call
/// does nothing.
pub fn init_with_writer<W>(format: LogFormat, default_filter: &str, ansi: bool, writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // An error here means a subscriber is already installed, which is fine.
    let _already_installed = match format {
        LogFormat::Text => builder.with_ansi(ansi).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
