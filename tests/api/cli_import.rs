//! `hub import`, `hub template` and `hub rejections`, run as a user would, on the backend
//! the tests are configured for.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use entity::upload;
use importers::{ReadOptions, SourceKind};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

use crate::cli::{CliStore, hub, text};
use crate::fixtures::{expected, fixture_files};
use crate::helpers::TestDatabase;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/daqing-2020-02");

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// The JSON Lines of `hub import --json`.
fn reports(stdout: &[u8]) -> Vec<Value> {
    text(stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// `hub --database-url URL import --unit UNIT --json EXTRA… FILES…` against `cli`'s store.
async fn import_json(
    cli: &CliStore,
    unit: &str,
    extra: &[&str],
    files: &[String],
) -> std::process::Output {
    let mut args = vec!["import", "--unit", unit, "--json"];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(String::as_str));
    cli.hub(&args).await
}

async fn upload_count(database: &TestDatabase) -> u64 {
    let db = database.connect().await;
    let count = upload::Entity::find().count(&db).await.expect("count");
    db.close().await.expect("close");
    count
}

#[tokio::test]
async fn import_json_matches_expected_and_a_second_run_is_duplicate() {
    let cli = CliStore::new().await;
    let expected = expected();
    let mut by_unit: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, unit, _) in fixture_files() {
        by_unit.entry(unit).or_default().push(name);
    }
    for round in ["imported", "duplicate"] {
        for (unit, names) in &by_unit {
            let paths: Vec<String> = names.iter().map(|n| fixture(n)).collect();
            let out = import_json(&cli, unit, &[], &paths).await;
            assert!(out.status.success(), "{unit}: {}", text(&out.stderr));
            let reports = reports(&out.stdout);
            assert_eq!(reports.len(), names.len(), "one line per file");
            for (name, report) in names.iter().zip(&reports) {
                let want = &expected["files"][name];
                assert_eq!(report["status"], round, "{name}: {report}");
                assert_eq!(report["unit"], unit.as_str());
                assert_eq!(report["kind"], want["kind"], "{name}");
                assert!(report["file"].as_str().is_some_and(|f| f.ends_with(name)));
                assert!(report["upload_id"].is_i64(), "{name}: {report}");
                let rejected = want["rejected"].as_array().expect("rejected");
                assert_eq!(report["rows"]["data"], want["data_rows"], "{name}");
                assert_eq!(report["rows"]["accepted"], want["accepted"], "{name}");
                assert_eq!(report["rows"]["rejected"], rejected.len(), "{name}");
                let rows: Vec<&Value> = report["rejections"]
                    .as_array()
                    .expect("rejections")
                    .iter()
                    .map(|r| &r["row"])
                    .collect();
                let want_rows: Vec<&Value> = rejected.iter().map(|r| &r["row"]).collect();
                assert_eq!(rows, want_rows, "{name}");
            }
        }
    }
    assert_eq!(upload_count(&cli.database).await, 8);
}

#[tokio::test]
async fn a_dry_run_stores_nothing_and_the_summary_lists_rejections() {
    let cli = CliStore::new().await;
    let visas = fixture("police_visas.xlsx");
    let out = import_json(
        &cli,
        "police",
        &["--dry-run", "--kind", "visa_registry"],
        std::slice::from_ref(&visas),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let reports = reports(&out.stdout);
    assert_eq!(reports[0]["status"], "dry_run");
    assert_eq!(reports[0]["upload_id"], Value::Null);
    assert_eq!(reports[0]["rows"]["accepted"], 154);
    assert_eq!(upload_count(&cli.database).await, 0);

    let out = cli
        .hub(&["import", "--unit", "police", "--dry-run", &visas])
        .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.contains("dry run"), "{summary}");
    assert!(summary.contains("rejected 2"), "{summary}");
    assert!(
        summary.contains("!20 国籍 火星 — UNKNOWN_NATIONALITY"),
        "{summary}"
    );
    assert!(summary.contains("!58 护照号码"), "{summary}");
    assert!(
        !text(&out.stderr).contains('\u{1b}'),
        "no progress bar without a terminal"
    );
    assert_eq!(upload_count(&cli.database).await, 0);
}

#[tokio::test]
async fn unreadable_files_fail_with_a_code_and_exit_2() {
    let cli = CliStore::new().await;
    let noise: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let junk = cli.path().join("noise.xlsx");
    std::fs::write(&junk, noise).expect("write noise");
    let missing = cli.path().join("missing.xlsx");
    let files = [
        junk.display().to_string(),
        missing.display().to_string(),
        fixture("police_health_checks.xlsx"),
    ];
    let out = import_json(&cli, "police", &[], &files).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let reports = reports(&out.stdout);
    assert_eq!(reports.len(), 3);
    for report in &reports[..2] {
        assert_eq!(report["status"], "failed", "{report}");
        assert!(
            report["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
        );
        assert!(
            report["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert_eq!(report["upload_id"], Value::Null);
    }
    assert_eq!(reports[1]["error"]["code"], "FILE_NOT_READABLE");
    assert_eq!(
        reports[2]["status"], "imported",
        "the other files still import"
    );
    assert_eq!(upload_count(&cli.database).await, 1);

    let out = import_json(&cli, "nope", &[], &files[2..]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nope"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
}

#[tokio::test]
async fn a_template_reads_back_as_its_kind_with_no_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hub(
        dir.path(),
        &["template", "visa_registry", "-o", "blank.xlsx"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(dir.path().join("blank.xlsx")).expect("template written");
    let parsed = importers::read_upload(&bytes, "blank.xlsx", None, &ReadOptions::default())
        .expect("the template reads");
    assert_eq!(parsed.kind, SourceKind::VisaRegistry);
    assert_eq!(parsed.data_rows(), 0);

    let out = hub(dir.path(), &["template", "--list"]).await;
    assert!(out.status.success());
    let list = text(&out.stdout);
    assert_eq!(list.lines().count(), SourceKind::ALL.len(), "{list}");
    assert!(list.contains("passenger_flow") && list.contains("旅客进出港"));
    let out = hub(dir.path(), &["template"]).await;
    assert_eq!(text(&out.stdout), list);

    let out = hub(dir.path(), &["template", "no_such_kind", "-o", "x.xlsx"]).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("visa_registry"));
    assert!(!dir.path().join("x.xlsx").exists());
}

/// Every row of the first sheet of an xlsx, as text.
fn sheet_rows(path: &Path) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = calamine::open_workbook(path).expect("open the xlsx");
    let range = workbook
        .worksheet_range_at(0)
        .expect("a first sheet")
        .expect("readable");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn rejections_writes_the_bad_rows_with_their_reasons() {
    let cli = CliStore::new().await;
    let files = [
        fixture("police_visas.xlsx"),
        fixture("police_health_checks.xlsx"),
    ];
    let out = import_json(&cli, "police", &[], &files).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let reports = reports(&out.stdout);
    let visas_id = reports[0]["upload_id"]
        .as_i64()
        .expect("upload id")
        .to_string();
    let checks_id = reports[1]["upload_id"]
        .as_i64()
        .expect("upload id")
        .to_string();

    let out = cli
        .hub(&["rejections", &visas_id, "-o", "bad-rows.xlsx"])
        .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = sheet_rows(&cli.path().join("bad-rows.xlsx"));
    assert_eq!(rows.len(), 3, "a header and 2 data rows: {rows:?}");
    let header = &rows[0];
    let reason_col = header.len() - 1;
    assert_eq!(header[reason_col], importers::REASON_HEADER);
    assert_eq!(header[reason_col - 1], importers::ROW_NUMBER_HEADER);
    let nationality = header
        .iter()
        .position(|h| h == "国籍")
        .expect("国籍 column");
    assert_eq!(rows[1][reason_col - 1], "20");
    assert_eq!(rows[1][nationality], "火星");
    assert!(rows[1][reason_col].contains("国籍"), "{:?}", rows[1]);
    assert_eq!(rows[2][reason_col - 1], "58");
    assert!(!rows[2][reason_col].is_empty());

    let out = cli
        .hub(&["rejections", &checks_id, "-o", "none.xlsx"])
        .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("no rejected rows"));
    assert!(!cli.path().join("none.xlsx").exists());

    let out = cli.hub(&["rejections", "987654", "-o", "x.xlsx"]).await;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("not found") && stderr.contains("987654"),
        "{stderr}"
    );
    assert!(!cli.path().join("x.xlsx").exists());
}

#[tokio::test]
async fn import_is_audited_as_the_local_user_and_applies_the_configured_limits() {
    let cli = CliStore::new().await;
    let (name, unit, _) = fixture_files().into_iter().next().expect("a fixture");
    let out = import_json(&cli, &unit, &[], &[fixture(&name)]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = &reports(&out.stdout)[0];
    let id = report["upload_id"].as_i64().expect("upload id");
    let db = cli.database.connect().await;
    let entries = entity::audit_log::Entity::find()
        .all(&db)
        .await
        .expect("audit log");
    db.close().await.expect("close");
    let landed: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "upload" && e.target == format!("upload:{id}"))
        .collect();
    assert_eq!(landed.len(), 1, "{entries:?}");
    assert!(landed[0].actor.starts_with("cli:"), "{:?}", landed[0]);
    assert_eq!(landed[0].detail["status"], "imported");

    // A settings file limiting sheets to one row: the same file is now refused.
    std::fs::write(cli.path().join("hub.toml"), "[uploads]\nmax_rows = 1\n").expect("hub.toml");
    let limited = import_json(&cli, &unit, &["--dry-run"], &[fixture(&name)]).await;
    let report = &reports(&limited.stdout)[0];
    assert_eq!(report["status"], "failed", "{report}");
    assert_eq!(report["error"]["code"], "TOO_MANY_ROWS", "{report}");
    assert_eq!(upload_count(&cli.database).await, 1);
}

#[tokio::test]
async fn a_column_fixed_with_map_is_saved_listed_and_deleted() {
    let cli = CliStore::new().await;
    let path = cli.path().join("staff.csv");
    std::fs::write(
        &path,
        "甲方,姓名,国籍,护照号码,职务\n大庆油田有限责任公司,PARK JIWOO,韩国,M55501234,工程师\n中国石油大庆炼化公司,SILVA ANA,巴西,FB1234567,顾问\n",
    )
    .expect("write");
    let file = path.display().to_string();
    // Unconfirmed: the column is reported, with what its values look like.
    let out = import_json(&cli, "hitech", &["--dry-run"], std::slice::from_ref(&file)).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = &reports(&out.stdout)[0];
    assert_eq!(report["warnings"][0]["code"], "UNMAPPED_COLUMN", "{report}");
    assert_eq!(
        report["warnings"][0]["likely"], "LIKELY_EMPLOYER",
        "{report}"
    );
    // A target no field of the kind has is refused, naming the fields.
    let out = import_json(
        &cli,
        "hitech",
        &["--map", "甲方=no_such_field"],
        std::slice::from_ref(&file),
    )
    .await;
    let report = &reports(&out.stdout)[0];
    assert_eq!(report["error"]["code"], "INVALID_MAPPING", "{report}");
    // Fixed and landed: saved for the unit.
    let out = import_json(&cli, "hitech", &["--map", "甲方=employer"], &[file]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = &reports(&out.stdout)[0];
    assert_eq!(report["status"], "imported", "{report}");
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    let list = ["mappings", "list", "--json"];
    let listed = cli.hub(&list).await;
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let mappings = reports(&listed.stdout);
    assert_eq!(mappings.len(), 1, "{}", text(&listed.stdout));
    assert_eq!(mappings[0]["unit"], "hitech");
    assert_eq!(mappings[0]["kind"], "employment_roster");
    assert_eq!(
        mappings[0]["columns"],
        serde_json::json!([{ "header": "甲方", "field": "employer" }])
    );
    let id = mappings[0]["id"].as_i64().expect("id").to_string();
    let deleted = cli.hub(&["mappings", "delete", &id]).await;
    assert!(deleted.status.success(), "{}", text(&deleted.stderr));
    let listed = cli.hub(&list).await;
    assert!(reports(&listed.stdout).is_empty());
}

#[tokio::test]
async fn a_workbook_whose_shared_strings_would_exhaust_memory_fails_with_a_code() {
    let cli = CliStore::new().await;
    let hostile = cli.path().join("police_visas.xlsx");
    std::fs::write(&hostile, crate::uploads::hostile_shared_strings()).expect("write");
    let files = [
        hostile.display().to_string(),
        fixture("police_health_checks.xlsx"),
    ];
    for extra in [&[][..], &["--dry-run"][..]] {
        let out = import_json(&cli, "police", extra, &files).await;
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        let reports = reports(&out.stdout);
        assert_eq!(reports.len(), 2, "{extra:?}");
        assert_eq!(reports[0]["error"]["code"], "TOO_MANY_CELLS", "{extra:?}");
        assert_ne!(
            reports[1]["status"], "failed",
            "the next file is still read"
        );
    }
}
