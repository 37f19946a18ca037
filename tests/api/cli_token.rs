//! `hub token create | list | revoke`, run as a user would: the token is printed once,
//! only its SHA-256 is stored, it works over HTTP until revoked.

use entity::api_token;
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::cli::{hub, text};
use crate::helpers::TestDatabase;

#[tokio::test]
async fn tokens_are_created_listed_and_revoked_from_the_command_line() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = database.url.as_str();
    let out = hub(
        dir.path(),
        &[
            "--database-url",
            url,
            "token",
            "create",
            "--unit",
            "police",
            "--role",
            "uploader",
            "--name",
            "police uploads",
            "--expires",
            "90d",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "create: {}", text(&out.stderr));
    let created: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let token = created["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("hub_"));
    assert_eq!(created["unit"], "police");
    assert_eq!(created["role"], "uploader");
    assert!(created["expires_at"].is_string());

    let db = database.connect().await;
    let rows = api_token::Entity::find().all(&db).await.expect("tokens");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].token_hash, hub::auth::token::hash(&token));
    assert!(
        !format!("{rows:?}").contains(&token),
        "the token itself is not stored"
    );

    let human = hub(
        dir.path(),
        &[
            "--database-url",
            url,
            "token",
            "create",
            "--unit",
            "fao",
            "--role",
            "leader",
        ],
    )
    .await;
    assert!(human.status.success(), "{}", text(&human.stderr));
    assert!(text(&human.stdout).contains("hub_"), "printed once");

    let list = hub(dir.path(), &["--database-url", url, "token", "list"]).await;
    assert!(list.status.success(), "{}", text(&list.stderr));
    let listed = text(&list.stdout);
    assert!(
        listed.contains("police uploads") && listed.contains("fao leader"),
        "{listed}"
    );
    assert!(!listed.contains("hub_"), "no token in the list: {listed}");

    let app = hub::Application::build(database.settings())
        .await
        .expect("build");
    let port = app.port();
    tokio::spawn(app.run_until(std::future::pending()));
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<axum::body::Bytes>>();
    let ask = |token: String| {
        let client = client.clone();
        async move {
            let request = axum::http::Request::post(format!("http://127.0.0.1:{port}/graphql"))
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .body(http_body_util::Full::new(axum::body::Bytes::from(
                    r#"{"query":"{ uploads { id } }"}"#,
                )))
                .expect("request");
            client.request(request).await.expect("send").status()
        }
    };
    assert_eq!(ask(token.clone()).await, axum::http::StatusCode::OK);

    let id = created["id"].to_string();
    let revoke = hub(dir.path(), &["--database-url", url, "token", "revoke", &id]).await;
    assert!(revoke.status.success(), "{}", text(&revoke.stderr));
    assert_eq!(ask(token).await, axum::http::StatusCode::UNAUTHORIZED);
    let listed = text(
        &hub(dir.path(), &["--database-url", url, "token", "list"])
            .await
            .stdout,
    );
    assert!(listed.contains("revoked"), "{listed}");

    let missing = hub(
        dir.path(),
        &["--database-url", url, "token", "revoke", "999"],
    )
    .await;
    assert!(!missing.status.success());
    let unknown_unit = hub(
        dir.path(),
        &[
            "--database-url",
            url,
            "token",
            "create",
            "--unit",
            "nope",
            "--role",
            "admin",
        ],
    )
    .await;
    assert!(!unknown_unit.status.success());
    let audit = hub(
        dir.path(),
        &[
            "--database-url",
            url,
            "query",
            r#"{ auditLog(action: "token_create") { actor target } }"#,
        ],
    )
    .await;
    let audit: Value = serde_json::from_slice(&audit.stdout).expect("JSON");
    let entries = audit["data"]["auditLog"].as_array().expect("entries");
    assert_eq!(entries.len(), 2, "{audit}");
    assert!(
        entries
            .iter()
            .all(|e| e["actor"].as_str().unwrap_or("").starts_with("cli:"))
    );
}
