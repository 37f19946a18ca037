//! Test support: fresh databases on the configured backend, a running server, HTTP calls.

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hub::config::{LogFormat, Settings};
use hub::{Application, HubSchema};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use tempfile::TempDir;

/// Environment variable naming a PostgreSQL server to test against (an admin URL, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`).
pub const POSTGRES_ENV: &str = "HUB_TEST_POSTGRES_URL";

static TRACING: LazyLock<()> = LazyLock::new(|| {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "info,sqlx=warn".to_owned());
    if std::env::var_os("TEST_LOG").is_some() {
        hub::telemetry::init_with_writer(LogFormat::Text, &filter, false, std::io::stdout);
    } else {
        hub::telemetry::init_with_writer(LogFormat::Text, &filter, false, std::io::sink);
    }
});

/// Install the test subscriber once: silent unless `TEST_LOG` is set.
pub fn init_tracing() {
    LazyLock::force(&TRACING);
}

/// The database backend the tests run on: the one place that decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server at this admin URL.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL when `HUB_TEST_POSTGRES_URL` is set and not empty, SQLite otherwise.
    pub fn from_env() -> Self {
        match std::env::var(POSTGRES_ENV) {
            Ok(url) if !url.trim().is_empty() => Self::Postgres(url.trim().to_owned()),
            _ => Self::Sqlite,
        }
    }
}

/// A fresh, empty (not migrated) database that disappears when dropped.
pub struct TestDatabase {
    /// URL to give to the hub.
    pub url: String,
    /// The backend it lives on.
    pub backend: Backend,
    _dir: Option<TempDir>,
    postgres_name: Option<String>,
}

impl TestDatabase {
    /// A fresh database on the backend chosen by [`Backend::from_env`].
    pub async fn new() -> Self {
        Self::on(Backend::from_env()).await
    }

    /// A fresh SQLite database whatever the environment says.
    pub async fn sqlite() -> Self {
        Self::on(Backend::Sqlite).await
    }

    /// A fresh database on `backend`.
    pub async fn on(backend: Backend) -> Self {
        init_tracing();
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("create a temporary directory");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("hub.db").display());
                Self {
                    url,
                    backend: Backend::Sqlite,
                    _dir: Some(dir),
                    postgres_name: None,
                }
            }
            Backend::Postgres(admin_url) => {
                let name = unique_name();
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to HUB_TEST_POSTGRES_URL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create the test database");
                admin.close().await.expect("close the admin connection");
                Self {
                    url: with_database(&admin_url, &name),
                    backend: Backend::Postgres(admin_url),
                    _dir: None,
                    postgres_name: Some(name),
                }
            }
        }
    }

    /// Connect through the hub's own code (pragmas and pool as in production), unmigrated.
    pub async fn connect(&self) -> DatabaseConnection {
        hub::db::connect(&self.url, 4)
            .await
            .expect("connect to the test database")
    }

    /// Connect and migrate, as the hub does at startup.
    pub async fn connect_migrated(&self) -> DatabaseConnection {
        let db = self.connect().await;
        hub::db::migrate(&db)
            .await
            .expect("migrate the test database");
        db
    }

    /// Settings that point at this database, bind port 0 and keep the default limits.
    pub fn settings(&self) -> Settings {
        Settings {
            database_url: self.url.clone(),
            database_max_connections: 4,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Settings::default()
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (Backend::Postgres(admin_url), Some(name)) = (&self.backend, self.postgres_name.take())
        else {
            return;
        };
        let admin_url = admin_url.clone();
        // Drop runs inside the test's runtime; use a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let admin = Database::connect(&admin_url)
                    .await
                    .map_err(|e| e.to_string())?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
                    .map_err(|e| e.to_string())?;
                admin.close().await.map_err(|e| e.to_string())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop the test database: {e}"),
            Err(_) => eprintln!("could not drop the test database: thread panicked"),
        }
    }
}

/// A database name no other test (or test run) uses.
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "hub_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `admin_url` with its database replaced by `name` (query parameters kept).
fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// The schema as the hub builds it, over a fresh migrated database.
pub async fn schema() -> (HubSchema, TestDatabase) {
    let database = TestDatabase::new().await;
    let db = database.connect_migrated().await;
    (hub::build_schema(db, Default::default()), database)
}

/// Run `query` on `schema` and return the response as JSON.
pub async fn execute(schema: &HubSchema, query: &str) -> Value {
    let response = schema.execute(query).await;
    serde_json::to_value(&response).expect("serialise the response")
}

/// A hub server running on a random port over a fresh database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The port the server got.
    pub port: u16,
    /// The database behind it (kept alive for the test).
    pub _database: TestDatabase,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// Build and start the application as `hub serve` does, bound to port 0.
pub async fn spawn_app() -> TestApp {
    let database = TestDatabase::new().await;
    let app = Application::build(database.settings())
        .await
        .expect("build the application");
    let port = app.port();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        _database: database,
        client: Client::builder(TokioExecutor::new()).build_http(),
    }
}

/// What a test reads from an HTTP response.
pub struct TestResponse {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: axum::http::HeaderMap,
    /// Body as text.
    pub body: String,
}

impl TestResponse {
    /// The body parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    /// Send a request with `body` to `path` over real HTTP.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> TestResponse {
        let request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.address))
            .header("content-type", content_type)
            .body(Full::new(body.into()))
            .expect("build the request");
        let response = self
            .client
            .request(request)
            .await
            .expect("send the request");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("read the response body")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path, "text/plain", Bytes::new())
            .await
    }

    /// `POST /graphql` with `{ "query": query }`.
    pub async fn graphql(&self, query: &str) -> TestResponse {
        let body = serde_json::json!({ "query": query }).to_string();
        self.request(Method::POST, "/graphql", "application/json", body)
            .await
    }
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
        "postgres://u:p@h/t2?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://h:5432", "t3"),
        "postgres://h:5432/t3"
    );
}
