//! Typed settings, layered: built-in defaults, then an optional `hub.toml`, then
//! `HUB_`-prefixed environment variables, then command-line flags.
//!
//! Nested settings use a double underscore in the environment:
//! `HUB_GRAPHQL__DEPTH=8` sets `[graphql] depth = 8`. Every setting is documented in the
//! README's configuration table; keep the two in step.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::error::HubError;

/// The default database: the embedded SQLite store under `./hub-data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./hub-data/hub.db?mode=rwc";

/// The settings file read when `--config` is not given (absent is fine).
pub const DEFAULT_CONFIG_FILE: &str = "hub.toml";

/// Prefix of the environment variables that configure the hub.
pub const ENV_PREFIX: &str = "HUB_";

/// All settings of the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Database to use: `sqlite://PATH?mode=rwc` (embedded) or `postgres://…`.
    pub database_url: String,
    /// Largest number of pooled database connections.
    pub database_max_connections: u32,
    /// Address `hub serve` listens on.
    pub bind: SocketAddr,
    /// Log line format: human-readable text or one JSON object per line.
    pub log_format: LogFormat,
    /// IANA time zone of times written without one in uploaded files.
    pub timezone: String,
    /// Development or production behaviour (see [`Mode`]).
    pub mode: Mode,
    /// Limits on GraphQL queries.
    pub graphql: GraphqlLimits,
    /// Limits on HTTP requests.
    pub http: HttpLimits,
    /// Limits on uploaded files.
    pub uploads: UploadLimits,
}

/// Format of log lines written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// How the hub behaves towards people poking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local development and analysis: GraphiQL is served on `GET /graphql`, and errors
    /// about unknown fields or arguments suggest the names meant.
    Dev,
    /// A deployment: no GraphiQL page and no name suggestions in errors (they would spell
    /// out the schema to someone without introspection); the API is otherwise unchanged.
    Production,
}

/// Limits applied to every GraphQL query, whoever sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphqlLimits {
    /// Deepest allowed nesting of fields (GraphiQL's own introspection query needs 15).
    pub depth: usize,
    /// Largest allowed query complexity: each field counts 1, fields that compute over
    /// the whole city (`overview`, `countsBy`, `presentTrend`, `people` …) count more.
    pub complexity: usize,
    /// Most fields a query may select once its fragments are expanded; checked before the
    /// query is validated or run (`QUERY_TOO_LARGE` above).
    pub max_fields: usize,
    /// Whether network clients may introspect the schema and `GET /graphql` serves
    /// GraphiQL; unset means on in dev mode and off in production mode. (`hub query` on the
    /// local machine may always introspect.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection: Option<bool>,
    /// Most subscriptions one websocket connection may hold at once; one more is refused
    /// with `TOO_MANY_SUBSCRIPTIONS`.
    #[serde(default = "default_subscriptions_per_connection")]
    pub subscriptions_per_connection: usize,
    /// Most websocket connections one API token may hold open at once (per instance); one
    /// more is refused with `TOO_MANY_SUBSCRIPTIONS`. 0 turns the limit off.
    #[serde(default = "default_connections_per_token")]
    pub connections_per_token: usize,
    /// Seconds a subscription waits at most between two looks at the store when nothing
    /// told it of a change (a landing on this instance, or on PostgreSQL a notification
    /// from any instance, wakes it at once); also how often a connection's token is
    /// checked again.
    #[serde(default = "default_subscription_fallback_secs")]
    pub subscription_fallback_secs: u64,
}

fn default_subscriptions_per_connection() -> usize {
    10
}

fn default_connections_per_token() -> usize {
    5
}

fn default_subscription_fallback_secs() -> u64 {
    2
}

impl GraphqlLimits {
    /// [`Self::subscription_fallback_secs`] as a duration (at least a second).
    pub fn subscription_fallback(&self) -> Duration {
        Duration::from_secs(self.subscription_fallback_secs.max(1))
    }
}

/// Limits applied to every HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpLimits {
    /// Largest accepted request body in bytes (uploads included): 50 MiB by default.
    pub max_body_bytes: usize,
    /// Longest time a request may take before it is answered 408.
    pub request_timeout_secs: u64,
    /// Requests per minute one API token may make (in bursts of as many); more are
    /// answered 429. 0 turns the limit off.
    pub rate_limit_per_minute: u32,
    /// Requests without a live token (answered 401) one client address may make per minute
    /// (in bursts of as many); above, its requests are answered 429 before any token is
    /// looked up. 0 turns the limit off.
    pub failed_auth_per_minute: u32,
}

/// Limits on one uploaded file, beyond the body size ([`HttpLimits::max_body_bytes`] is also
/// the largest file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadLimits {
    /// Most rows a sheet may hold.
    pub max_rows: u64,
    /// Most cells a sheet may declare or hold.
    pub max_cells: u64,
    /// Most bytes an xlsx or ods (a zip) may expand to: above, a zip bomb.
    pub max_uncompressed_bytes: u64,
    /// Whether files uploaded over HTTP or GraphQL are first read in a child process with
    /// the limits below, so that a reader failure cannot stop the server
    /// (the importer's child process: `hub read-upload`).
    #[serde(default = "default_isolate_reader")]
    pub isolate_reader: bool,
    /// Address space the child reading a file may use, in bytes.
    #[serde(default = "default_reader_memory_bytes")]
    pub reader_memory_bytes: u64,
    /// Longest time, in seconds, the child reading a file may take.
    #[serde(default = "default_reader_timeout_secs")]
    pub reader_timeout_secs: u64,
    /// The `hub` executable the child runs; unset means the running one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader_program: Option<PathBuf>,
    /// Milliseconds an upload waits for its report (its turn in the landing queue and its
    /// landing) before it is answered 202 `queued` with a ticket and lands in the
    /// background; keep it well under `http.request_timeout_secs`.
    #[serde(default = "default_queue_wait_ms")]
    pub queue_wait_ms: u64,
}

fn default_isolate_reader() -> bool {
    true
}

fn default_reader_memory_bytes() -> u64 {
    2 * 1024 * 1024 * 1024
}

fn default_reader_timeout_secs() -> u64 {
    60
}

fn default_queue_wait_ms() -> u64 {
    u64::try_from(DEFAULT_QUEUE_WAIT.as_millis()).unwrap_or(5_000)
}

/// How long an upload waits for its report before it is answered `queued` with a ticket.
pub const DEFAULT_QUEUE_WAIT: Duration = Duration::from_secs(30);

/// How a file is read in a child process (built from `[uploads]`, used by the importer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderIsolation {
    /// The `hub` executable to run as `hub read-upload`.
    pub program: PathBuf,
    /// Address space the child may use (RLIMIT_AS), in bytes.
    pub memory_bytes: u64,
    /// Longest time the child may take, wall clock and CPU alike.
    pub timeout: Duration,
}

impl UploadLimits {
    /// How uploaded files are read in a child process; `None` when they are read in the
    /// server only (`isolate_reader = false`). Errors when the running executable cannot be
    /// found and no `reader_program` is set.
    pub fn reader_isolation(&self) -> Result<Option<ReaderIsolation>, HubError> {
        if !self.isolate_reader {
            return Ok(None);
        }
        let program = match &self.reader_program {
            Some(program) => program.clone(),
            None => std::env::current_exe()
                .map_err(|e| HubError::Internal(format!("cannot find the hub executable: {e}")))?,
        };
        Ok(Some(ReaderIsolation {
            program,
            memory_bytes: self.reader_memory_bytes,
            timeout: Duration::from_secs(self.reader_timeout_secs),
        }))
    }

    /// How long an upload waits for its report before it is answered with a ticket.
    pub fn queue_wait(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.queue_wait_ms)
    }

    /// How uploaded files are read: these limits, files of at most `max_file_bytes` and
    /// dates without a zone in `timezone` (the one place read options are built from the
    /// settings; the application's importer holds them).
    pub fn read_options(
        &self,
        max_file_bytes: u64,
        timezone: chrono_tz::Tz,
    ) -> importers::ReadOptions {
        importers::ReadOptions {
            max_file_bytes,
            max_cells: self.max_cells,
            max_rows: self.max_rows,
            max_uncompressed_bytes: self.max_uncompressed_bytes,
            timezone,
            progress: None,
            ..importers::ReadOptions::default()
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            database_max_connections: 8,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            log_format: LogFormat::Text,
            timezone: "Asia/Shanghai".to_owned(),
            mode: Mode::Dev,
            graphql: GraphqlLimits::default(),
            http: HttpLimits::default(),
            uploads: UploadLimits::default(),
        }
    }
}

impl Default for GraphqlLimits {
    fn default() -> Self {
        Self {
            depth: 16,
            complexity: 1000,
            max_fields: 2000,
            introspection: None,
            subscriptions_per_connection: default_subscriptions_per_connection(),
            connections_per_token: default_connections_per_token(),
            subscription_fallback_secs: default_subscription_fallback_secs(),
        }
    }
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 50 * 1024 * 1024,
            request_timeout_secs: 120,
            rate_limit_per_minute: 600,
            failed_auth_per_minute: 60,
        }
    }
}

impl Default for UploadLimits {
    fn default() -> Self {
        let read = importers::ReadOptions::default();
        Self {
            max_rows: read.max_rows,
            max_cells: read.max_cells,
            max_uncompressed_bytes: read.max_uncompressed_bytes,
            isolate_reader: default_isolate_reader(),
            reader_memory_bytes: default_reader_memory_bytes(),
            reader_timeout_secs: default_reader_timeout_secs(),
            reader_program: None,
            queue_wait_ms: default_queue_wait_ms(),
        }
    }
}

/// Values given on the command line; each one set overrides every other source.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    /// `--database-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// `--log-format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
    /// `hub serve --bind`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<SocketAddr>,
}

/// `CONFIG` naming every one of the `settings` (name, value) unless all are positive.
fn all_positive(settings: &[(&str, u64)]) -> Result<(), HubError> {
    if settings.iter().all(|(_, value)| *value > 0) {
        return Ok(());
    }
    let names: Vec<&str> = settings.iter().map(|(name, _)| *name).collect();
    let listed = match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    Err(HubError::Config(format!("{listed} must be positive")))
}

impl Settings {
    /// Load the settings: defaults < settings file < `HUB_*` environment < `overrides`.
    ///
    /// With `config_file` the file must exist; without it `./hub.toml` is read if present.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> Result<Self, HubError> {
        let file: PathBuf = match config_file {
            Some(path) if !path.is_file() => {
                return Err(HubError::Config(format!(
                    "settings file {} does not exist",
                    path.display()
                )));
            }
            Some(path) => path.to_path_buf(),
            None => PathBuf::from(DEFAULT_CONFIG_FILE),
        };
        let settings: Settings = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed(ENV_PREFIX).split("__"))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|e| HubError::Config(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Check what serde cannot: the time zone is known, limits are positive, the database
    /// URL names a supported backend.
    pub fn validate(&self) -> Result<(), HubError> {
        if self.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(HubError::Config(format!(
                "unknown time zone {:?} (expected an IANA name such as Asia/Shanghai)",
                self.timezone
            )));
        }
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return Err(HubError::Config(
                "database_url must start with sqlite: or postgres://".to_owned(),
            ));
        }
        if self.database_max_connections == 0 {
            return Err(HubError::Config(
                "database_max_connections must be at least 1".to_owned(),
            ));
        }
        let graphql = &self.graphql;
        all_positive(&[
            ("graphql.depth", graphql.depth as u64),
            ("graphql.complexity", graphql.complexity as u64),
            ("graphql.max_fields", graphql.max_fields as u64),
            (
                "graphql.subscriptions_per_connection",
                graphql.subscriptions_per_connection as u64,
            ),
        ])?;
        let uploads = &self.uploads;
        all_positive(&[
            ("uploads.max_rows", uploads.max_rows),
            ("uploads.max_cells", uploads.max_cells),
            (
                "uploads.max_uncompressed_bytes",
                uploads.max_uncompressed_bytes,
            ),
            ("uploads.reader_memory_bytes", uploads.reader_memory_bytes),
            ("uploads.reader_timeout_secs", uploads.reader_timeout_secs),
        ])?;
        all_positive(&[
            ("http.max_body_bytes", self.http.max_body_bytes as u64),
            ("http.request_timeout_secs", self.http.request_timeout_secs),
        ])
    }

    /// The time zone of times written without one, parsed.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// Whether network clients may introspect the schema and see GraphiQL: the
    /// `graphql.introspection` setting, else on in dev mode and off in production mode.
    pub fn introspection(&self) -> bool {
        self.graphql.introspection.unwrap_or(self.mode == Mode::Dev)
    }

    /// The upload limits, the queue wait at most half the request timeout (an upload is
    /// answered, with its report or a ticket, well within the request timeout).
    pub fn upload_limits(&self) -> UploadLimits {
        let half_timeout = self.http.request_timeout_secs.saturating_mul(500);
        UploadLimits {
            queue_wait_ms: self.uploads.queue_wait_ms.min(half_timeout),
            ..self.uploads.clone()
        }
    }

    /// How uploaded files are read: the hub's time zone and the upload limits; the largest
    /// file is the largest request body.
    pub fn read_options(&self) -> importers::ReadOptions {
        self.uploads.read_options(
            u64::try_from(self.http.max_body_bytes).unwrap_or(u64::MAX),
            self.time_zone(),
        )
    }

    /// The request timeout as a [`Duration`].
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.http.request_timeout_secs)
    }
}

#[cfg(test)]
// figment::Jail's closures must return figment::Result, whose error is large.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    fn load_in_jail(
        config: Option<&Path>,
        overrides: &Overrides,
    ) -> Result<Settings, figment::Error> {
        Settings::load(config, overrides).map_err(|e| figment::Error::from(e.to_string()))
    }

    #[test]
    fn the_upload_queue_wait_stays_under_the_request_timeout() {
        let mut s = Settings::default();
        assert_eq!(s.upload_limits().queue_wait_ms, 30_000);
        s.http.request_timeout_secs = 10;
        assert_eq!(s.upload_limits().queue_wait_ms, 5_000);
        s.uploads.queue_wait_ms = 200;
        assert_eq!(s.upload_limits().queue_wait_ms, 200);
    }

    #[test]
    fn defaults_without_file_or_environment() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let s = load_in_jail(None, &Overrides::default())?;
            assert_eq!(s, Settings::default());
            assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
            assert_eq!(s.http.max_body_bytes, 52_428_800);
            assert!(s.introspection(), "introspection is on in dev mode");
            Ok(())
        });
    }

    #[test]
    fn file_then_environment_then_flags() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file(
                "hub.toml",
                r#"
                database_url = "sqlite://from-file.db"
                bind = "0.0.0.0:9000"
                mode = "production"
                [graphql]
                depth = 7
                "#,
            )?;
            let s = load_in_jail(None, &Overrides::default())?;
            assert_eq!(s.database_url, "sqlite://from-file.db");
            assert_eq!(s.bind.port(), 9000);
            assert_eq!(s.mode, Mode::Production);
            assert_eq!(s.graphql.depth, 7);
            assert_eq!(s.graphql.complexity, 1000);
            assert!(!s.introspection(), "off in production mode by default");

            jail.set_env("HUB_DATABASE_URL", "postgres://env/hub");
            jail.set_env("HUB_GRAPHQL__COMPLEXITY", "50");
            jail.set_env("HUB_LOG_FORMAT", "json");
            jail.set_env("HUB_GRAPHQL__INTROSPECTION", "true");
            jail.set_env("HUB_UPLOADS__MAX_ROWS", "1000");
            jail.set_env("HUB_HTTP__RATE_LIMIT_PER_MINUTE", "5");
            jail.set_env("HUB_HTTP__FAILED_AUTH_PER_MINUTE", "7");
            jail.set_env("HUB_GRAPHQL__MAX_FIELDS", "300");
            let s = load_in_jail(None, &Overrides::default())?;
            assert_eq!(s.http.failed_auth_per_minute, 7);
            assert_eq!(s.graphql.max_fields, 300);
            assert!(s.introspection(), "the setting wins over the mode");
            assert_eq!(s.uploads.max_rows, 1000);
            assert_eq!(s.read_options().max_rows, 1000);
            assert_eq!(s.http.rate_limit_per_minute, 5);
            assert_eq!(s.database_url, "postgres://env/hub");
            assert_eq!(s.graphql.complexity, 50);
            assert_eq!(s.log_format, LogFormat::Json);

            let flags = Overrides {
                database_url: Some("sqlite://flag.db".into()),
                log_format: Some(LogFormat::Text),
                bind: None,
            };
            let s = load_in_jail(None, &flags)?;
            assert_eq!(s.database_url, "sqlite://flag.db");
            assert_eq!(s.log_format, LogFormat::Text);
            assert_eq!(s.bind.port(), 9000);
            Ok(())
        });
    }

    #[test]
    fn explicit_missing_file_and_bad_values_are_errors() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            assert!(load_in_jail(Some(Path::new("nope.toml")), &Overrides::default()).is_err());
            jail.set_env("HUB_TIMEZONE", "Mars/Olympus");
            assert!(load_in_jail(None, &Overrides::default()).is_err());
            jail.set_env("HUB_TIMEZONE", "Europe/Berlin");
            jail.set_env("HUB_DATABASE_URL", "mysql://x");
            assert!(load_in_jail(None, &Overrides::default()).is_err());
            jail.set_env("HUB_DATABASE_URL", "sqlite://x.db");
            jail.set_env("HUB_GRAPHQL__MAX_FIELDS", "0");
            assert!(load_in_jail(None, &Overrides::default()).is_err());
            Ok(())
        });
    }

    #[test]
    fn a_zero_limit_names_its_group() {
        let mut s = Settings::default();
        assert!(s.validate().is_ok());
        s.http.request_timeout_secs = 0;
        let error = s
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("http.max_body_bytes and http.request_timeout_secs must be positive"),
            "{error}"
        );
    }
}
