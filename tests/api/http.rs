//! The HTTP server over real sockets (bound to port 0), and the router in-process.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use hub::config::Settings;
use hub::http::{AppState, router};
use tower::ServiceExt;

use crate::helpers::spawn_app;

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
    let database = crate::helpers::TestDatabase::new().await;
    let mut settings = database.settings();
    settings.http.max_body_bytes = 1024;
    let app = hub::Application::build(settings).await.expect("build");
    let port = app.port();
    tokio::spawn(app.run_until(std::future::pending()));
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<axum::body::Bytes>>();
    let body = serde_json::json!({ "query": format!("{{ memberUnits {{ code }} }} #{}", "x".repeat(4096)) })
        .to_string();
    let request = Request::post(format!("http://127.0.0.1:{port}/graphql"))
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(axum::body::Bytes::from(body)))
        .expect("request");
    let response = client.request(request).await.expect("send");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).expect("a JSON error body");
    assert_eq!(json["error"]["code"], "PAYLOAD_TOO_LARGE");
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

#[tokio::test]
async fn readyz_is_503_when_the_database_is_unreachable() {
    // A pool that was closed under the server: every query fails as if the database
    // were gone.
    let database = crate::helpers::TestDatabase::new().await;
    let db = database.connect_migrated().await;
    db.close_by_ref().await.expect("close the pool");
    let settings = Settings::default();
    let state = AppState::new(
        db.clone(),
        hub::build_schema(db, (&settings).into()),
        settings,
    );
    let response = router(state)
        .oneshot(
            Request::get("/readyz")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
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
    let state = AppState::new(
        db.clone(),
        hub::build_schema(db, (&settings).into()),
        settings,
    );
    let response = router(state)
        .oneshot(
            Request::get("/graphql")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_request_slower_than_the_timeout_is_408_with_a_json_body() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_app_with(|s| s.http.request_timeout_secs = 1).await;
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
