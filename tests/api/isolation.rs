//! Uploads read in a child process (`[uploads] isolate_reader`): a child that dies, runs out
//! of time or answers garbage makes the file `CORRUPT_FILE`, nothing is stored, and the
//! server keeps answering. (With the default limits every fixture gives the report of an
//! in-process read: `uploads::every_fixture_uploads_with_the_report_of_the_cli`.)

use axum::http::StatusCode;
use hub::config::Settings;

use crate::fixtures::{fixture_bytes, fixture_files};
use crate::helpers::{Part, TestApp, spawn_app_with};
use crate::uploads::{store_counts, uploader_tokens};

/// Address space far too small for the reader: the child cannot read any file.
const TINY_MEMORY: u64 = 16 * 1024 * 1024;

/// Uploads the first fixture over HTTP (with `extra` form fields) and checks that it is
/// refused as `CORRUPT_FILE` with nothing stored, and that the server still answers.
async fn refused_over_http(app: &TestApp, extra: &[Part<'_>]) {
    let tokens = uploader_tokens(app).await;
    let (name, unit, _) = &fixture_files()[0];
    let bytes = fixture_bytes(name);
    let before = store_counts(&app.db).await;
    let mut parts = extra.to_vec();
    parts.push(Part::File("file", name, &bytes));
    let response = app.upload_as(Some(&tokens[unit]), &parts).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{name}: {}",
        response.body
    );
    let report = response.json();
    assert_eq!(report["status"], "failed", "{report}");
    assert_eq!(report["error"]["code"], "CORRUPT_FILE", "{report}");
    let message = report["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("文件无法安全读取"), "{message}");
    assert!(report["upload_id"].is_null(), "{report}");
    assert_eq!(store_counts(&app.db).await, before, "nothing is stored");
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
}

#[tokio::test]
async fn a_reader_out_of_memory_makes_the_file_corrupt_and_the_server_keeps_serving() {
    let app = spawn_app_with(|s| s.uploads.reader_memory_bytes = TINY_MEMORY).await;
    refused_over_http(&app, &[]).await;
    // A dry run is read in the child too.
    refused_over_http(&app, &[Part::Text("dry_run", "true")]).await;
    // And so is a GraphQL upload.
    let tokens = uploader_tokens(&app).await;
    let (name, unit, kind) = &fixture_files()[0];
    let response = app
        .graphql_upload_as(
            Some(&tokens[unit]),
            name,
            &fixture_bytes(name),
            &format!("kind: \"{}\"", kind.as_str()),
            "status error { code }",
        )
        .await;
    let body = response.json();
    assert_eq!(body["data"]["upload"]["status"], "FAILED", "{body}");
    assert_eq!(
        body["data"]["upload"]["error"]["code"], "CORRUPT_FILE",
        "{body}"
    );
    assert_eq!(store_counts(&app.db).await[0], 0, "no upload is stored");

    // The same file on a server with the default limits imports.
    let normal = spawn_app_with(|_| {}).await;
    let tokens = uploader_tokens(&normal).await;
    let response = normal
        .upload_as(
            Some(&tokens[unit]),
            &[Part::File("file", name, &fixture_bytes(name))],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["status"], "imported", "{}", response.body);
}

#[cfg(unix)]
#[tokio::test]
async fn a_reader_that_never_answers_is_stopped_at_its_time_limit() {
    let program = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/programs/never-answers.sh"
    );
    let app = spawn_app_with(|s| {
        s.uploads.reader_program = Some(program.into());
        s.uploads.reader_timeout_secs = 1;
    })
    .await;
    refused_over_http(&app, &[]).await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_reader_that_answers_garbage_makes_the_file_corrupt() {
    // `echo read-upload` exits 0 without the reader's answer.
    let app = spawn_app_with(|s| s.uploads.reader_program = Some("/bin/echo".into())).await;
    refused_over_http(&app, &[]).await;
}

#[test]
fn files_are_read_in_a_child_by_default_and_settings_reject_zero_limits() {
    let settings = Settings::default();
    assert!(settings.uploads.isolate_reader);
    assert!(settings.validate().is_ok());
    let mut zero = Settings::default();
    zero.uploads.reader_memory_bytes = 0;
    assert!(zero.validate().is_err());
    let mut zero = Settings::default();
    zero.uploads.reader_timeout_secs = 0;
    assert!(zero.validate().is_err());
}
