//! `hub token create | list | revoke`, run as a user would: the token is printed once,
//! only its SHA-256 is stored, it works over HTTP until revoked.

use entity::api_token;
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::cli::{CliStore, assert_success, hub_on, stdout_json, text};
use crate::helpers::spawn_app_on;

#[tokio::test]
async fn tokens_are_created_listed_and_revoked_from_the_command_line() {
    let cli = CliStore::new().await;
    let out = cli
        .hub(&[
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
        ])
        .await;
    assert_success(&out, "create");
    let created = stdout_json(&out);
    let token = created["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("hub_"));
    assert_eq!(created["unit"], "police");
    assert_eq!(created["role"], "uploader");
    assert!(created["expires_at"].is_string());

    let db = cli.database.connect().await;
    let rows = api_token::Entity::find().all(&db).await.expect("tokens");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].token_hash, hub::auth::token::hash(&token));
    assert!(
        !format!("{rows:?}").contains(&token),
        "the token itself is not stored"
    );

    let human = cli
        .hub(&["token", "create", "--unit", "fao", "--role", "leader"])
        .await;
    assert_success(&human, "create");
    assert!(text(&human.stdout).contains("hub_"), "printed once");

    let list = cli.hub(&["token", "list"]).await;
    assert_success(&list, "list");
    let listed = text(&list.stdout);
    assert!(
        listed.contains("police uploads") && listed.contains("fao leader"),
        "{listed}"
    );
    assert!(!listed.contains("hub_"), "no token in the list: {listed}");

    // The server over the same store: it adds an admin token of its own, unaudited (only
    // the command line's creations are).
    let CliStore { database, dir } = cli;
    let app = spawn_app_on(database, |_| {}).await;
    let url = app._database.url.as_str();
    let ask = |token: String| {
        let app = &app;
        async move {
            app.graphql_as(Some(&token), "{ uploads { id } }", Value::Null)
                .await
                .status
        }
    };
    assert_eq!(ask(token.clone()).await, axum::http::StatusCode::OK);

    let id = created["id"].to_string();
    let revoke = hub_on(dir.path(), url, &["token", "revoke", &id]).await;
    assert_success(&revoke, "revoke");
    assert_eq!(ask(token).await, axum::http::StatusCode::UNAUTHORIZED);
    let listed = text(&hub_on(dir.path(), url, &["token", "list"]).await.stdout);
    assert!(listed.contains("revoked"), "{listed}");

    let missing = hub_on(dir.path(), url, &["token", "revoke", "999"]).await;
    assert!(!missing.status.success());
    let nope = ["token", "create", "--unit", "nope", "--role", "admin"];
    let unknown_unit = hub_on(dir.path(), url, &nope).await;
    assert!(!unknown_unit.status.success());
    let audit = hub_on(
        dir.path(),
        url,
        &[
            "query",
            r#"{ auditLog(action: "token_create") { actor target } }"#,
        ],
    )
    .await;
    let audit = stdout_json(&audit);
    let entries = audit["data"]["auditLog"].as_array().expect("entries");
    assert_eq!(entries.len(), 2, "{audit}");
    assert!(
        entries
            .iter()
            .all(|e| e["actor"].as_str().unwrap_or("").starts_with("cli:"))
    );
}
