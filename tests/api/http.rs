//! The HTTP server over real sockets (bound to port 0), and the router in-process.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::response::Response;
use hub::config::Settings;
use hub::http::{AppState, router};
use sea_orm::DatabaseConnection;
use tower::ServiceExt;

use crate::helpers::{read_body, spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_and_readyz_answer_200() {
    let app = spawn_app().await;
    assert_ne!(app.port, 0);
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    assert_eq!(ready.json()["database"], "ok");
    assert!(health.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn graphql_answers_post() {
    let app = spawn_app().await;
    let response = app.graphql("{ memberUnits { code } }").await;
    assert_eq!(response.status, StatusCode::OK);
    let units = response.json()["data"]["memberUnits"]
        .as_array()
        .map(Vec::len);
    assert_eq!(units, Some(31));
}

#[tokio::test]
async fn graphql_get_serves_graphiql() {
    let app = spawn_app().await;
    let page = app.get("/graphql").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.to_lowercase().contains("graphiql"));
}

#[tokio::test]
async fn bad_requests_get_a_json_error_body() {
    let app = spawn_app().await;
    let bad = app
        .request(Method::POST, "/graphql", "application/json", "{not json")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["code"], "BAD_INPUT");

    let missing = app.get("/no/such/path").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let app = spawn_app_with(|s| s.http.max_body_bytes = 1024).await;
    let body = serde_json::json!({ "query": format!("{{ memberUnits {{ code }} }} #{}", "x".repeat(4096)) })
        .to_string();
    let response = app
        .request_as(None, Method::POST, "/graphql", "application/json", body)
        .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json()["error"]["code"], "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn requests_without_a_token_are_401_but_probes_are_open() {
    let app = spawn_app().await;
    let anonymous = app
        .request_as(
            None,
            Method::POST,
            "/graphql",
            "application/json",
            r#"{"query":"{ memberUnits { code } }"}"#,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"]["code"], "UNAUTHENTICATED");
    assert_eq!(anonymous.headers["www-authenticate"], "Bearer");
    assert_eq!(app.get_as(None, "/healthz").await.status, StatusCode::OK);
    assert_eq!(app.get_as(None, "/readyz").await.status, StatusCode::OK);
    let wrong_method = app
        .request(Method::DELETE, "/api/uploads", "text/plain", "")
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.json()["error"]["code"], "BAD_INPUT");
}

/// `GET path` from the router over `db` with `settings`, in-process.
async fn get_in_process(db: DatabaseConnection, settings: Settings, path: &str) -> Response {
    let state = AppState::new(
        db.clone(),
        hub::build_schema(db, (&settings).into()),
        settings,
    );
    router(state)
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response")
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_unreachable() {
    // A pool that was closed under the server: every query fails as if the database
    // were gone.
    let database = crate::helpers::TestDatabase::new().await;
    let db = database.connect_migrated().await;
    db.close_by_ref().await.expect("close the pool");
    let response = get_in_process(db, Settings::default(), "/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = read_body(response.into_body()).await;
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(json["status"], "unavailable");
}

#[tokio::test]
async fn production_mode_serves_no_graphiql() {
    let database = crate::helpers::TestDatabase::new().await;
    let db = database.connect_migrated().await;
    let settings = Settings {
        mode: hub::config::Mode::Production,
        ..database.settings()
    };
    let response = get_in_process(db, settings, "/graphql").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_request_slower_than_the_timeout_is_408_with_a_json_body() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(|s| s.http.request_timeout_secs = 1).await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .expect("connect");
    // Headers promising a body that never comes: the upload waits for it until the timeout.
    let head = format!(
        "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000\r\n\r\n--x\r\n",
        app.admin_token
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.expect("read");
            answer.extend_from_slice(&buf[..n]);
            if n == 0 || String::from_utf8_lossy(&answer).contains("}}") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer within 10 s");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains(r#""code":"TIMEOUT""#), "{text}");
}

/// Sends `head` and then `body` in chunks of `chunk` bytes with chunked transfer encoding
/// (no `Content-Length`) to the server on `port`; returns the response as text. Writes after
/// the server answered and closed are ignored.
async fn send_chunked(port: u16, head: &str, body: &[u8], chunk: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    stream
        .write_all(head.as_bytes())
        .await
        .expect("write the head");
    for piece in body.chunks(chunk) {
        let mut framed = format!("{:x}\r\n", piece.len()).into_bytes();
        framed.extend_from_slice(piece);
        framed.extend_from_slice(b"\r\n");
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
            if String::from_utf8_lossy(&answer).contains("}}") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer within 10 s");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn chunked_multipart_bodies_over_the_limit_are_413() {
    let app = spawn_app_with(|s| s.http.max_body_bytes = 4096).await;
    let big = vec![b'x'; 64 * 1024];
    let operations = serde_json::json!({
        "query": "mutation($file: Upload!) { upload(file: $file) { status } }",
        "variables": { "file": null },
    })
    .to_string();
    let uploads = crate::helpers::multipart(&[crate::helpers::Part::File("file", "big.csv", &big)]);
    let graphql = crate::helpers::multipart(&[
        crate::helpers::Part::Text("operations", &operations),
        crate::helpers::Part::Text("map", r#"{ "0": ["variables.file"] }"#),
        crate::helpers::Part::File("0", "big.csv", &big),
    ]);
    let json = (
        "application/json".to_owned(),
        serde_json::json!({ "query": format!("{{ memberUnits {{ code }} }} #{}", "x".repeat(64 * 1024)) })
            .to_string()
            .into_bytes(),
    );
    for (path, (content_type, body)) in [
        ("/api/uploads", uploads),
        ("/graphql", graphql),
        ("/graphql", json),
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n",
            app.admin_token
        );
        let answer = send_chunked(app.port, &head, &body, 1024).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer:?}");
        assert!(
            answer.contains(r#""code":"PAYLOAD_TOO_LARGE""#),
            "{path}: {answer}"
        );
    }
}

#[tokio::test]
async fn an_expensive_query_is_408_in_time_while_healthz_answers() {
    // Without the field limit, the fan-out's validation walks 3 × 2^levels fields: seconds
    // of CPU on one thread.
    let app = spawn_app_with(|s| {
        s.http.request_timeout_secs = 1;
        s.graphql.max_fields = usize::MAX;
    })
    .await;
    let query = crate::graphql::fan_out(EXPENSIVE_LEVELS);
    // /healthz must answer within 1 s of being asked, 300 ms after the query was sent: a
    // deadline on the clock, so that a thread held by the query cannot hide the wait.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(1300);
    let slow = {
        let address = app.address.clone();
        let token = app.admin_token.clone();
        tokio::spawn(async move {
            let client =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http::<http_body_util::Full<axum::body::Bytes>>();
            let request = Request::post(format!("{address}/graphql"))
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .body(http_body_util::Full::new(axum::body::Bytes::from(
                    serde_json::json!({ "query": query }).to_string(),
                )))
                .expect("request");
            let response = client.request(request).await.expect("send");
            let status = response.status();
            let body = read_body(response.into_body()).await;
            (status, String::from_utf8_lossy(&body).into_owned())
        })
    };
    // Let the query start, then ask for /healthz while it runs.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let health = tokio::time::timeout_at(deadline, app.get_as(None, "/healthz")).await;
    assert!(
        health.is_ok_and(|h| h.status == StatusCode::OK),
        "/healthz did not answer within 1 s"
    );
    let (status, body) = tokio::time::timeout(std::time::Duration::from_secs(10), slow)
        .await
        .expect("an answer within 10 s")
        .expect("the request task");
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT, "{body}");
    assert!(body.contains(r#""code":"TIMEOUT""#), "{body}");
}

/// Fragment levels of a query whose validation takes well over the 1 s timeout of
/// [`an_expensive_query_is_408_in_time_while_healthz_answers`] (7 s in a debug build here;
/// each level doubles it).
const EXPENSIVE_LEVELS: usize = 18;
