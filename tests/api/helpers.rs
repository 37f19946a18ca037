//! Test support: fresh databases on the configured backend, a running server, HTTP calls.

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hub::auth::{Principal, Role};
use hub::config::{LogFormat, Settings};
use hub::registry::tokens::{self, NewToken};
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
                    url: hub::db::with_database(&admin_url, &name),
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

    /// Settings that point at this database, bind port 0 and keep the default limits;
    /// uploads are read in a child process (the default) running the `hub` binary.
    pub fn settings(&self) -> Settings {
        let mut settings = Settings {
            database_url: self.url.clone(),
            database_max_connections: 4,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Settings::default()
        };
        settings.uploads.reader_program = Some(env!("CARGO_BIN_EXE_hub").into());
        settings
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

/// The schema as the hub builds it, over a fresh migrated database.
pub async fn schema() -> (HubSchema, TestDatabase) {
    let database = TestDatabase::new().await;
    let db = database.connect_migrated().await;
    (hub::build_schema(db, Default::default()), database)
}

/// Run `query` on `schema` as the command line and return the response as JSON.
pub async fn execute(schema: &HubSchema, query: &str) -> Value {
    let request = async_graphql::Request::new(query).data(Principal::cli("test"));
    let response = schema.execute(request).await;
    serde_json::to_value(&response).expect("serialise the response")
}

/// Creates a token of `unit` with `role` in the store behind `db`; returns the secret.
pub async fn create_token(db: &DatabaseConnection, unit: &str, role: Role) -> String {
    let new = NewToken {
        unit: unit.to_owned(),
        role,
        name: Some(format!("{unit} {role} (test)")),
        expires_at: None,
    };
    tokens::create(db, new, chrono::Utc::now())
        .await
        .expect("create a token")
        .secret
}

/// The whole of a response body.
pub async fn read_body<B>(body: B) -> Bytes
where
    B: axum::body::HttpBody,
    B::Error: std::fmt::Debug,
{
    body.collect()
        .await
        .expect("read the response body")
        .to_bytes()
}

/// The text `field` of each element of the JSON array `list` (elements without one are
/// skipped); panics when `list` is not an array.
pub fn texts_of<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .filter_map(|item| item[field].as_str())
        .collect()
}

/// The elements of the JSON array `list` whose `field` is `value`; panics when `list` is not
/// an array.
pub fn items_where<'a>(list: &'a Value, field: &str, value: &str) -> Vec<&'a Value> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .filter(|item| item[field] == value)
        .collect()
}

/// The strings of the JSON array `list` (other elements are skipped); panics when `list` is
/// not an array.
pub fn strings_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// A hub server running on a random port over a fresh database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The port the server got.
    pub port: u16,
    /// An admin token of the coordinating office (`fao`), sent by [`TestApp::request`].
    pub admin_token: String,
    /// A connection to the store behind the server, for setting up and checking.
    pub db: DatabaseConnection,
    /// The database behind it (kept alive for the test).
    pub _database: TestDatabase,
    /// The city-wide figures the server answers from (its timeline among them).
    pub city: std::sync::Arc<hub::derived::CityCache>,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// Build and start the application as `hub serve` does, bound to port 0.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with settings changed by `configure` (limits, mode …).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(TestDatabase::new().await, configure).await
}

/// [`spawn_app_with`] over `database` (which may hold data already); the server adds an
/// admin token of its own to it.
pub async fn spawn_app_on(
    database: TestDatabase,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = database.settings();
    configure(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("build the application");
    let port = app.port();
    let city = app.city_cache();
    tokio::spawn(app.run_until(std::future::pending()));
    let db = database.connect().await;
    let admin_token = create_token(&db, "fao", Role::Admin).await;
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        admin_token,
        db,
        _database: database,
        city,
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
    /// Body as bytes (for downloads).
    pub bytes: Vec<u8>,
}

impl TestResponse {
    /// The `content-type` header ("" when there is none or it is not text).
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts that the answer is `status` with the error `code` (`what` names the case).
    pub fn assert_error(&self, status: StatusCode, code: &str, what: &str) {
        assert_eq!(self.status, status, "{what}: {}", self.body);
        assert_eq!(self.json()["error"]["code"], code, "{what}: {}", self.body);
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    /// Send a request with `body` to `path` over real HTTP with the admin token.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> TestResponse {
        let token = self.admin_token.clone();
        self.request_as(Some(&token), method, path, content_type, body)
            .await
    }

    /// Send a request with `body` to `path` over real HTTP with `token` (none: no
    /// `Authorization` header).
    pub async fn request_as(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.address))
            .header("content-type", content_type);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request
            .body(Full::new(body.into()))
            .expect("build the request");
        let response = self
            .client
            .request(request)
            .await
            .expect("send the request");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = read_body(response.into_body()).await;
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path, "text/plain", Bytes::new())
            .await
    }

    /// `POST /graphql` with `{ "query": query }` as the admin.
    pub async fn graphql(&self, query: &str) -> TestResponse {
        let token = self.admin_token.clone();
        self.graphql_as(Some(&token), query, Value::Null).await
    }

    /// `POST /graphql` with `{ "query", "variables" }` and `token`.
    pub async fn graphql_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> TestResponse {
        let body = serde_json::json!({ "query": query, "variables": variables }).to_string();
        self.request_as(token, Method::POST, "/graphql", "application/json", body)
            .await
    }

    /// The `data` of `query` with `variables` sent with `token`, asserting the answer has no
    /// errors.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql_as(Some(token), query, variables).await.json();
        assert!(body["errors"].is_null(), "{body}");
        body["data"].clone()
    }

    /// `GET path` with `token`.
    pub async fn get_as(&self, token: Option<&str>, path: &str) -> TestResponse {
        self.request_as(token, Method::GET, path, "text/plain", Bytes::new())
            .await
    }

    /// A token of `unit` with `role`, created in the store behind the server.
    pub async fn token(&self, unit: &str, role: Role) -> String {
        create_token(&self.db, unit, role).await
    }
}

/// The boundary of the multipart bodies the tests build.
const BOUNDARY: &str = "hub-test-boundary-7d1f3a";

/// One part of a multipart/form-data body.
#[derive(Clone, Copy)]
pub enum Part<'a> {
    /// A text field.
    Text(&'a str, &'a str),
    /// A file field: name, file name, bytes.
    File(&'a str, &'a str, &'a [u8]),
}

/// A multipart/form-data body of `parts`: (content type, body).
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, file_name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

impl TestApp {
    /// `POST /api/uploads` with `token` and the form `parts`.
    pub async fn upload_as(&self, token: Option<&str>, parts: &[Part<'_>]) -> TestResponse {
        let (content_type, body) = multipart(parts);
        self.request_as(token, Method::POST, "/api/uploads", &content_type, body)
            .await
    }

    /// `POST /api/uploads` with `token`: the text `fields` (name, value), then the file `name`
    /// holding `bytes`.
    pub async fn upload_file(
        &self,
        token: &str,
        fields: &[(&str, &str)],
        name: &str,
        bytes: &[u8],
    ) -> TestResponse {
        let mut parts: Vec<Part<'_>> = fields
            .iter()
            .map(|&(field, value)| Part::Text(field, value))
            .collect();
        parts.push(Part::File("file", name, bytes));
        self.upload_as(Some(token), &parts).await
    }

    /// The GraphQL `upload` mutation as a GraphQL multipart request (operations, map, file)
    /// with `token`; `arguments` are the mutation's other arguments, e.g. `dryRun: true`;
    /// `selection` what to select of the report.
    pub async fn graphql_upload_as(
        &self,
        token: Option<&str>,
        file_name: &str,
        bytes: &[u8],
        arguments: &str,
        selection: &str,
    ) -> TestResponse {
        let operations = serde_json::json!({
            "query": format!(
                "mutation($file: Upload!) {{ upload(file: $file{}{arguments}) {{ {selection} }} }}",
                if arguments.is_empty() { "" } else { ", " }
            ),
            "variables": { "file": null },
        })
        .to_string();
        let (content_type, body) = multipart(&[
            Part::Text("operations", &operations),
            Part::Text("map", r#"{ "0": ["variables.file"] }"#),
            Part::File("0", file_name, bytes),
        ]);
        self.request_as(token, Method::POST, "/graphql", &content_type, body)
            .await
    }
}
