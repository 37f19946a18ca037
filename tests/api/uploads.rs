//! Uploads over real HTTP: every fixture through `POST /api/uploads` and through the
//! GraphQL multipart `upload` mutation gives the report `import_file` gives; an uploader
//! cannot upload as another unit; hostile files are refused with the importers' stable
//! codes and leave the store unchanged; rejections and templates download as workbooks.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Reader, Xlsx};
use hub::auth::Role;
use importers::{ReadOptions, SourceKind};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::{Value, json};

use crate::fixtures::{fixture_bytes, fixture_files, import, rows_of};
use crate::helpers::{Part, TestApp, TestDatabase, TestResponse, spawn_app, spawn_app_with};

/// Rows of the tables an upload writes to: what "the store is unchanged" compares.
pub(crate) async fn store_counts(db: &DatabaseConnection) -> Vec<u64> {
    vec![
        rows_of::<entity::upload::Entity>(db).await,
        rows_of::<entity::source_row::Entity>(db).await,
        rows_of::<entity::person::Entity>(db).await,
        rows_of::<entity::movement::Entity>(db).await,
        rows_of::<entity::affiliation::Entity>(db).await,
        rows_of::<entity::organization::Entity>(db).await,
    ]
}

/// The report selection of the GraphQL mutation, every field.
const REPORT: &str = "file unit kind status uploadId
    rows { data accepted rejected warnings }
    rejections { sheet row column value code reason }
    error { code message }";

/// A GraphQL report in the shape of `hub import --json` (snake_case, lower-case status,
/// numeric upload id).
fn as_cli_json(report: &Value) -> Value {
    let mut cli = json!({
        "file": report["file"],
        "unit": report["unit"],
        "kind": report["kind"],
        "status": report["status"].as_str().map(str::to_lowercase),
        "upload_id": report["uploadId"].as_str().and_then(|id| id.parse::<i64>().ok()),
        "rows": report["rows"],
        "rejections": report["rejections"],
    });
    if !report["error"].is_null() {
        cli["error"] = report["error"].clone();
    }
    cli
}

/// An uploader token per unit of the fixtures.
pub(crate) async fn uploader_tokens(app: &TestApp) -> std::collections::HashMap<String, String> {
    let units: std::collections::BTreeSet<String> = fixture_files()
        .into_iter()
        .map(|(_, unit, _)| unit)
        .collect();
    let mut tokens = std::collections::HashMap::new();
    for unit in units {
        let token = app.token(&unit, Role::Uploader).await;
        tokens.insert(unit, token);
    }
    tokens
}

/// The police visa list fixture.
const POLICE_VISAS: &str = "police_visas.xlsx";

/// Uploads the police visa list fixture with `token`.
async fn upload_police_visas(app: &TestApp, token: &str) -> TestResponse {
    let bytes = fixture_bytes(POLICE_VISAS);
    app.upload_file(token, &[], POLICE_VISAS, &bytes).await
}

/// A report without the instant of a list that states no date of its own: the upload time,
/// which differs between two stores.
fn without_upload_time(mut report: serde_json::Value) -> serde_json::Value {
    if report["stated_date"].is_null()
        && let Some(fields) = report.as_object_mut()
    {
        fields.remove("as_of");
        if let Some(roster) = fields.get_mut("roster").and_then(|r| r.as_object_mut()) {
            roster.remove("as_of");
        }
    }
    report
}

#[tokio::test]
async fn every_fixture_uploads_with_the_report_of_the_cli() {
    // The reference: import_file straight into a store of its own.
    let reference_db = TestDatabase::new().await;
    let reference = reference_db.connect_migrated().await;
    let mut want = Vec::new();
    for (name, unit, _) in fixture_files() {
        let report = import(&reference, &name, &unit).await;
        want.push(without_upload_time(
            serde_json::to_value(&report).expect("report JSON"),
        ));
    }

    let http = spawn_app().await;
    let tokens = uploader_tokens(&http).await;
    for ((name, unit, _), want) in fixture_files().iter().zip(&want) {
        let bytes = fixture_bytes(name);
        let response = http.upload_file(&tokens[unit], &[], name, &bytes).await;
        assert_eq!(response.status, StatusCode::OK, "{name}: {}", response.body);
        assert_eq!(
            &without_upload_time(response.json()),
            want,
            "{name} over HTTP"
        );
    }
    // The same file again: a duplicate naming the earlier upload; nothing changes.
    let before = store_counts(&http.db).await;
    let (name, unit, _) = &fixture_files()[0];
    let again = http
        .upload_file(&tokens[unit], &[], name, &fixture_bytes(name))
        .await
        .json();
    assert_eq!(again["status"], "duplicate");
    assert_eq!(again["upload_id"], want[0]["upload_id"]);
    assert_eq!(store_counts(&http.db).await, before);

    let graphql = spawn_app().await;
    let tokens = uploader_tokens(&graphql).await;
    for ((name, unit, kind), want) in fixture_files().iter().zip(&want) {
        let bytes = fixture_bytes(name);
        let arguments = format!("kind: \"{}\"", kind.as_str());
        let response = graphql
            .graphql_upload_as(Some(&tokens[unit]), name, &bytes, &arguments, REPORT)
            .await;
        assert_eq!(response.status, StatusCode::OK, "{name}: {}", response.body);
        let body = response.json();
        assert!(body["errors"].is_null(), "{name}: {body}");
        // The fields the query selects are those of the CLI's report.
        let got = as_cli_json(&body["data"]["upload"]);
        let selected: serde_json::Map<String, Value> = want
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, _)| got.get(key.as_str()).is_some())
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        assert_eq!(got, Value::Object(selected), "{name} over GraphQL");
    }
}

#[tokio::test]
async fn a_dry_run_reports_and_stores_nothing() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    let bytes = fixture_bytes(POLICE_VISAS);
    let before = store_counts(&app.db).await;
    let fields = [("kind", "visa_registry"), ("dry_run", "true")];
    let response = app
        .upload_file(&police, &fields, POLICE_VISAS, &bytes)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let report = response.json();
    assert_eq!(report["status"], "dry_run");
    assert_eq!(report["rows"]["rejected"], 2);
    assert_eq!(store_counts(&app.db).await, before);
    let graphql = app
        .graphql_upload_as(
            Some(&police),
            POLICE_VISAS,
            &bytes,
            "dryRun: true",
            "status",
        )
        .await
        .json();
    assert_eq!(graphql["data"]["upload"]["status"], "DRY_RUN", "{graphql}");
    assert_eq!(store_counts(&app.db).await, before);
}

#[tokio::test]
async fn an_uploader_cannot_upload_as_another_unit() {
    let app = spawn_app().await;
    let nepu = app.token("nepu", Role::Uploader).await;
    let bytes = fixture_bytes(POLICE_VISAS);
    let before = store_counts(&app.db).await;
    let as_police = [("unit", "police")];
    let refused = app
        .upload_file(&nepu, &as_police, POLICE_VISAS, &bytes)
        .await;
    refused.assert_error(StatusCode::FORBIDDEN, "FORBIDDEN", "as another unit");
    let graphql = app
        .graphql_upload_as(
            Some(&nepu),
            POLICE_VISAS,
            &bytes,
            "unit: \"police\"",
            "status",
        )
        .await
        .json();
    assert_eq!(
        graphql["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{graphql}"
    );
    assert_eq!(
        store_counts(&app.db).await,
        before,
        "nothing imported as its own either"
    );

    // Naming its own unit is fine; an admin may name any unit.
    let roster = fixture_bytes("nepu_roster.xlsx");
    let own = app
        .upload_file(&nepu, &[("unit", "nepu")], "nepu_roster.xlsx", &roster)
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let by_admin = app
        .upload_file(&app.admin_token, &as_police, POLICE_VISAS, &bytes)
        .await;
    assert_eq!(by_admin.status, StatusCode::OK, "{}", by_admin.body);
    assert_eq!(by_admin.json()["unit"], "police");
    let analyst = app.token("fao", Role::Analyst).await;
    let not_an_uploader = app.upload_file(&analyst, &[], POLICE_VISAS, &bytes).await;
    assert_eq!(not_an_uploader.status, StatusCode::FORBIDDEN);
}

/// The first half of a real xlsx: a zip cut short.
fn truncated_xlsx() -> Vec<u8> {
    let bytes = fixture_bytes(POLICE_VISAS);
    bytes[..bytes.len() / 2].to_vec()
}

/// Bytes that are no spreadsheet at all (a fixed pseudo-random sequence).
fn random_bytes(n: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[tokio::test]
async fn hostile_files_are_refused_with_stable_codes_and_store_nothing() {
    let app = spawn_app_with(|s| s.http.max_body_bytes = 256 * 1024).await;
    let police = app.token("police", Role::Uploader).await;
    import(&app.db, "nepu_roster.xlsx", "nepu").await;
    let before = store_counts(&app.db).await;
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec();
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("empty.xlsx", Vec::new(), &["EMPTY_FILE"]),
        ("truncated.xlsx", truncated_xlsx(), &["CORRUPT_FILE"]),
        (
            "random.xlsx",
            random_bytes(4096),
            &["UNSUPPORTED_FORMAT", "CORRUPT_FILE", "BINARY_CONTENT"],
        ),
        (
            "random.csv",
            random_bytes(4096),
            &["BINARY_CONTENT", "UNSUPPORTED_FORMAT"],
        ),
        ("report.pdf", pdf, &["UNSUPPORTED_FORMAT", "BINARY_CONTENT"]),
    ];
    for (name, bytes, codes) in cases {
        let response = app.upload_file(&police, &[], name, &bytes).await;
        assert_eq!(
            response.status,
            StatusCode::BAD_REQUEST,
            "{name}: {}",
            response.body
        );
        let body = response.json();
        assert_eq!(body["status"], "failed", "{name}: {body}");
        let code = body["error"]["code"].as_str().unwrap_or_default();
        assert!(codes.contains(&code), "{name}: {code}");
        assert!(
            !body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
        let graphql = app
            .graphql_upload_as(Some(&police), name, &bytes, "", "status error { code }")
            .await
            .json();
        assert_eq!(
            graphql["data"]["upload"]["status"], "FAILED",
            "{name}: {graphql}"
        );
        assert!(
            codes.contains(
                &graphql["data"]["upload"]["error"]["code"]
                    .as_str()
                    .unwrap_or_default()
            )
        );
    }
    let oversized = random_bytes(300 * 1024);
    let response = app.upload_file(&police, &[], "big.xlsx", &oversized).await;
    response.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", "upload");
    let graphql = app
        .graphql_upload_as(Some(&police), "big.xlsx", &oversized, "", "status")
        .await;
    graphql.assert_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        "GraphQL",
    );

    for (parts, what) in [
        (vec![Part::Text("kind", "visa_registry")], "no file"),
        (
            vec![
                Part::Text("colour", "red"),
                Part::File("file", "a.csv", b"x"),
            ],
            "an unknown field",
        ),
        (
            vec![
                Part::Text("kind", "nonsense"),
                Part::File("file", "a.csv", b"x"),
            ],
            "an unknown kind",
        ),
    ] {
        let response = app.upload_as(Some(&police), &parts).await;
        response.assert_error(StatusCode::BAD_REQUEST, "BAD_INPUT", what);
    }
    let not_multipart = app
        .request_as(
            Some(&police),
            axum::http::Method::POST,
            "/api/uploads",
            "application/json",
            "{}",
        )
        .await;
    not_multipart.assert_error(StatusCode::BAD_REQUEST, "BAD_INPUT", "not multipart");
    assert_eq!(
        store_counts(&app.db).await,
        before,
        "hostile files changed the store"
    );
}

/// A workbook-looking zip whose one sheet expands to `bytes` zeros: a small zip bomb.
fn zip_bomb(bytes: usize) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer
        .start_file("xl/workbook.xml", options)
        .expect("entry");
    writer.write_all(b"<workbook/>").expect("write");
    writer
        .start_file("xl/worksheets/sheet1.xml", options)
        .expect("entry");
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..bytes / zeros.len() {
        writer.write_all(&zeros).expect("write");
    }
    writer.finish().expect("zip").into_inner()
}

/// A password-protected OOXML package as Excel writes it: a compound file with
/// `EncryptionInfo` and `EncryptedPackage` streams.
fn encrypted_workbook() -> Vec<u8> {
    use std::io::Write;
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("cfb");
    for (name, content) in [
        ("/EncryptionInfo", &b"\x04\x00\x04\x00\x40\x00\x00\x00"[..]),
        ("/EncryptedPackage", &[7u8; 4096][..]),
    ] {
        let mut stream = file.create_stream(name).expect("stream");
        stream.write_all(content).expect("write");
    }
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

#[tokio::test]
async fn zip_bombs_and_encrypted_workbooks_are_refused() {
    let app = spawn_app_with(|s| s.uploads.max_uncompressed_bytes = 1024 * 1024).await;
    let police = app.token("police", Role::Uploader).await;
    let before = store_counts(&app.db).await;
    let bomb = zip_bomb(8 * 1024 * 1024);
    assert!(
        bomb.len() < 256 * 1024,
        "a small file: {} bytes",
        bomb.len()
    );
    for (name, bytes, code) in [
        ("bomb.xlsx", bomb, "ZIP_BOMB"),
        ("locked.xlsx", encrypted_workbook(), "ENCRYPTED_FILE"),
    ] {
        let response = app.upload_file(&police, &[], name, &bytes).await;
        response.assert_error(StatusCode::BAD_REQUEST, code, name);
    }
    assert_eq!(store_counts(&app.db).await, before);
}

#[tokio::test]
async fn row_caps_refuse_a_file_too_long() {
    let app = spawn_app_with(|s| s.uploads.max_rows = 20).await;
    let police = app.token("police", Role::Uploader).await;
    let response = upload_police_visas(&app, &police).await;
    response.assert_error(StatusCode::BAD_REQUEST, "TOO_MANY_ROWS", POLICE_VISAS);
}

/// The rows of the first sheet of a workbook, as text.
fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx");
    let sheet = workbook.sheet_names().first().cloned().expect("a sheet");
    let range = workbook.worksheet_range(&sheet).expect("the sheet");
    range
        .rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn rejections_and_templates_download_as_workbooks() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    let report = upload_police_visas(&app, &police).await.json();
    let id = report["upload_id"].as_i64().expect("stored");
    let download = app
        .get_as(Some(&police), &format!("/api/uploads/{id}/rejections.xlsx"))
        .await;
    assert_eq!(download.status, StatusCode::OK, "{}", download.body);
    assert_eq!(
        download.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = download.headers["content-disposition"]
        .to_str()
        .unwrap_or_default();
    assert!(
        disposition.contains("filename*=UTF-8''police_visas"),
        "{disposition}"
    );
    let rows = sheet_rows(&download.bytes);
    assert_eq!(
        rows.len(),
        3,
        "a header and the two rejected rows: {rows:?}"
    );
    assert!(rows[0].iter().any(|h| h == importers::REASON_HEADER));
    let missing = app
        .get_as(Some(&police), "/api/uploads/999999/rejections.xlsx")
        .await;
    missing.assert_error(StatusCode::NOT_FOUND, "NOT_FOUND", "an unknown upload");

    for kind in SourceKind::ALL {
        let template = app
            .get_as(
                Some(&police),
                &format!("/api/templates/{}.xlsx", kind.as_str()),
            )
            .await;
        assert_eq!(template.status, StatusCode::OK, "{kind:?}");
        let read = importers::read_upload(
            &template.bytes,
            "template.xlsx",
            None,
            &ReadOptions::default(),
        )
        .expect("a template reads back");
        assert_eq!(read.kind, kind);
        assert!(read.rows.is_empty());
    }
    let unknown = app
        .get_as(Some(&police), "/api/templates/nonsense.xlsx")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let anonymous = app.get_as(None, "/api/templates/visa_registry.xlsx").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_graphql_request_carries_one_file_at_most() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    let operations = json!({
        "query": "mutation($a: Upload!, $b: Upload!) { a: upload(file: $a, dryRun: true) { status } b: upload(file: $b, dryRun: true) { status } }",
        "variables": { "a": null, "b": null },
    })
    .to_string();
    let bytes = fixture_bytes("airport_passengers.csv");
    let (content_type, body) = crate::helpers::multipart(&[
        Part::Text("operations", &operations),
        Part::Text("map", r#"{ "0": ["variables.a"], "1": ["variables.b"] }"#),
        Part::File("0", "a.csv", &bytes),
        Part::File("1", "b.csv", &bytes),
    ]);
    let response = app
        .request_as(
            Some(&police),
            axum::http::Method::POST,
            "/graphql",
            &content_type,
            body,
        )
        .await;
    response.assert_error(StatusCode::BAD_REQUEST, "BAD_INPUT", "two files");
}

#[tokio::test]
async fn an_over_long_name_or_unit_rejects_its_row_and_the_others_land() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    // 3,000 characters that do not compress: beyond PostgreSQL's btree entry limit for the
    // indexed name and unit.
    let letters = random_bytes(3_000);
    let long_name: String = letters.iter().map(|b| char::from(b'A' + b % 26)).collect();
    let long_unit: String = letters
        .iter()
        .map(|b| char::from_u32(0x4E00 + u32::from(*b) * 37).unwrap_or('大'))
        .collect();
    let csv = format!(
        "姓名,国籍,护照号码,签证种类,工作单位\n\
         KIM MINSU,韩国,M10000001,Z,大庆油田\n\
         {long_name},韩国,M10000002,Z,大庆油田\n\
         LEE JIHO,韩国,M10000003,Z,{long_unit}\n\
         PARK SEO,韩国,M10000004,Z,大庆石化\n"
    );
    let before = store_counts(&app.db).await;
    let response = app
        .upload_file(
            &police,
            &[("kind", "visa_registry")],
            "long.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let report = response.json();
    assert_eq!(report["status"], "imported", "{report}");
    assert_eq!(report["rows"]["accepted"], 2, "{report}");
    assert_eq!(report["rows"]["rejected"], 2, "{report}");
    let rejections = report["rejections"].as_array().cloned().unwrap_or_default();
    let too_long: Vec<&Value> = rejections
        .iter()
        .filter(|r| r["code"] == "VALUE_TOO_LONG")
        .collect();
    assert_eq!(too_long.len(), 2, "{report}");
    assert!(
        too_long.iter().any(|r| r["column"] == "姓名")
            && too_long.iter().any(|r| r["column"] == "工作单位"),
        "{report}"
    );
    let after = store_counts(&app.db).await;
    assert_eq!(after[2], before[2] + 2, "two people landed");
}

/// The police list (inline strings) with a shared-string table beside its workbook part that
/// declares 10^15 strings, in single quotes after a 5,000-character attribute.
pub(crate) fn hostile_shared_strings() -> Vec<u8> {
    use std::io::{Read, Write};
    let bytes = fixture_bytes(POLICE_VISAS);
    let mut src = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).expect("fixture zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..src.len() {
        let mut entry = src.by_index(i).expect("entry");
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("inflate");
        out.start_file(name, options).expect("start");
        out.write_all(&data).expect("write");
    }
    let pad = "x".repeat(5_000);
    let sst = format!(
        "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" pad='{pad}' uniqueCount='1000000000000000'><si><t>x</t></si></sst>"
    );
    out.start_file("xl/sharedStrings.xml", options)
        .expect("start");
    out.write_all(sst.as_bytes()).expect("write");
    out.finish().expect("finish").into_inner()
}

#[tokio::test]
async fn a_shared_string_count_that_would_exhaust_memory_is_refused_and_the_server_answers() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    let bytes = hostile_shared_strings();
    let before = store_counts(&app.db).await;
    for dry_run in ["false", "true"] {
        let response = app
            .upload_file(&police, &[("dry_run", dry_run)], POLICE_VISAS, &bytes)
            .await;
        response.assert_error(StatusCode::BAD_REQUEST, "TOO_MANY_CELLS", dry_run);
    }
    let graphql = app
        .graphql_upload_as(
            Some(&police),
            POLICE_VISAS,
            &bytes,
            "",
            "status error { code }",
        )
        .await
        .json();
    assert_eq!(
        graphql["data"]["upload"]["error"]["code"], "TOO_MANY_CELLS",
        "{graphql}"
    );
    assert_eq!(store_counts(&app.db).await, before);
    // Each refusal is audited with its code.
    let audited: Vec<entity::audit_log::Model> = entity::audit_log::Entity::find()
        .all(&app.db)
        .await
        .expect("audit log");
    let refused = audited
        .iter()
        .filter(|a| a.action == "upload" && a.detail["error"] == "TOO_MANY_CELLS")
        .count();
    assert_eq!(refused, 3, "{audited:?}");
    // Still serving: the genuine file is imported afterwards.
    let good = upload_police_visas(&app, &police).await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.body);
}
