//! Issue 6 surfaces: the embedded web pages, the people export (in-process, over HTTP
//! with each role, and on the command line) and `hub demo`.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use chrono::{TimeZone, Utc};
use hub::auth::Principal;
use hub::auth::Role;
use hub::export::ExportFilter;
use hub::service::people::{ExportRequest, People};
use serde_json::Value;

use crate::cli::{hub, hub_on, text};
use crate::fixtures::{fixture_files, import, imported_city};
use crate::helpers::{spawn_app, strings_of, texts_of};

/// 2020-02-17 12:00 in Daqing: the time of the office's report.
fn report_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 2, 17, 4, 0, 0)
        .single()
        .expect("a time")
}

/// The sheets of a workbook as rows of cell texts.
pub fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("a sheet");
            let rows = range
                .rows()
                .map(|row| {
                    row.iter()
                        .map(|cell| match cell {
                            Data::Empty => String::new(),
                            Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// The value next to `label` on the summary sheet.
fn summary_value(rows: &[Vec<String>], label: &str) -> String {
    rows.iter()
        .find(|r| r.first().map(String::as_str) == Some(label))
        .and_then(|r| r.get(1).cloned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_people_export_lists_the_filtered_people_with_the_overview() {
    let (_test_db, db) = imported_city().await;
    let tz = chrono_tz::Asia::Shanghai;
    let request = ExportRequest {
        filter: ExportFilter {
            as_of: Some(report_time().to_rfc3339()),
            present: Some("true".into()),
            ..ExportFilter::default()
        },
        masked: false,
    };
    let people = People::new(&db, tz);
    let cli = Principal::cli("test");
    let bytes = people
        .export(&cli, &request)
        .await
        .expect("an export")
        .bytes;
    let book = sheets(&bytes);
    assert_eq!(book[0].0, "人员名单");
    assert_eq!(book[1].0, "统计概况");
    let list = &book[0].1;
    assert_eq!(list[0][0], "序号");
    assert!(list[0].contains(&"出生日期".to_owned()));
    assert!(list[0].contains(&"具体负责管理单位".to_owned()));
    assert_eq!(list.len() - 1, 175, "the 175 people present on 17 Feb 2020");
    let summary = &book[1].1;
    assert_eq!(summary_value(summary, "在庆人数"), "175");
    assert_eq!(summary_value(summary, "国家和地区数"), "40");
    assert_eq!(summary_value(summary, "具体负责管理单位数"), "51");
    assert_eq!(summary_value(summary, "名单人数"), "175");
    assert_eq!(summary_value(summary, "统计时间"), "2020-02-17 12:00");

    let masked = people
        .export(
            &cli,
            &ExportRequest {
                masked: true,
                filter: ExportFilter {
                    present: Some("all".into()),
                    ..request.filter.clone()
                },
            },
        )
        .await
        .expect("a masked export")
        .bytes;
    let list = &sheets(&masked)[0].1;
    assert!(!list[0].contains(&"出生日期".to_owned()));
    let number = list[0]
        .iter()
        .position(|h| h == "护照号码")
        .expect("a number column");
    assert_eq!(list.len() - 1, 180, "every known person");
    assert!(list[1..].iter().all(|row| row[number].contains("****")));
}

#[tokio::test]
async fn the_pages_and_their_assets_are_served_from_the_binary() {
    let app = spawn_app().await;
    let page = app.get_as(None, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"));
    assert!(page.body.contains("大庆市外籍人员信息汇总平台"));
    for path in [
        "/assets/app.js",
        "/assets/pages/dashboard.js",
        "/assets/style.css",
        "/assets/vendor/echarts/echarts.min.js",
        "/assets/vendor/echarts/LICENSE",
    ] {
        let asset = app.get_as(None, path).await;
        assert_eq!(asset.status, StatusCode::OK, "{path}");
        assert!(!asset.bytes.is_empty(), "{path}");
    }
    let outside = app.get_as(None, "/assets/../Cargo.toml").await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    assert!(outside.content_type().starts_with("application/json"));
}

#[tokio::test]
async fn the_people_export_over_http_follows_each_role() {
    let app = spawn_app().await;
    let db = app._database.connect().await;
    for (name, unit, _) in fixture_files() {
        import(&db, &name, &unit).await;
    }
    let analyst = app.token("fao", Role::Analyst).await;
    let leader = app.token("fao", Role::Leader).await;
    let uploader = app.token("nepu", Role::Uploader).await;
    let path = "/api/exports/people.xlsx?asOf=2020-02-17T12:00:00%2B08:00&present=true";

    let anonymous = app.get_as(None, path).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.content_type().starts_with("application/json"));

    let full = app.get_as(Some(&analyst), path).await;
    assert_eq!(full.status, StatusCode::OK);
    assert!(full.content_type().contains("spreadsheetml"));
    let book = sheets(&full.bytes);
    assert_eq!(book[0].1.len() - 1, 175);
    assert!(book[0].1[0].contains(&"出生日期".to_owned()));

    let masked = app.get_as(Some(&leader), path).await;
    assert_eq!(masked.status, StatusCode::OK);
    let list = &sheets(&masked.bytes)[0].1;
    assert!(!list[0].contains(&"出生日期".to_owned()));
    let number = list[0]
        .iter()
        .position(|h| h == "护照号码")
        .expect("column");
    assert!(list[1..].iter().all(|row| row[number].contains("****")));

    let searched = app
        .get_as(Some(&leader), &format!("{path}&search=KIM"))
        .await;
    assert_eq!(
        searched.status,
        StatusCode::FORBIDDEN,
        "leaders may not search"
    );

    let own = app.get_as(Some(&uploader), path).await;
    assert_eq!(own.status, StatusCode::OK);
    let book = sheets(&own.bytes);
    let list = &book[0].1;
    assert!(list.len() > 1 && list.len() - 1 < 175, "only nepu's people");
    let reporter = list[0]
        .iter()
        .position(|h| h == "报送单位")
        .expect("column");
    assert!(list[1..].iter().all(|row| row[reporter] == "东北石油大学"));
    assert_eq!(summary_value(&book[1].1, "全市统计"), "当前角色无权查看");

    // The education bureau's rows give no birth dates: its export shows none, not even
    // those the police gave of the same students.
    let education = app.token("education", Role::Uploader).await;
    let education_export = app.get_as(Some(&education), path).await;
    assert_eq!(education_export.status, StatusCode::OK);
    let own = &sheets(&education_export.bytes)[0].1;
    let all = &sheets(&app.get_as(Some(&analyst), path).await.bytes)[0].1;
    let column = |list: &Vec<Vec<String>>, name: &str| {
        list[0].iter().position(|h| h == name).expect("column")
    };
    let (number, born) = (column(own, "护照号码"), column(own, "出生日期"));
    let (all_number, all_born) = (column(all, "护照号码"), column(all, "出生日期"));
    assert!(own.len() > 1);
    assert!(own[1..].iter().all(|row| row[born].is_empty()));
    let police_given = own[1..]
        .iter()
        .filter(|row| {
            all[1..]
                .iter()
                .any(|a| a[all_number] == row[number] && !a[all_born].is_empty())
        })
        .count();
    assert!(
        police_given > 0,
        "the police give birth dates of some students"
    );

    let viewer = "{ viewer { role unitCode allowed } }";
    let seen = app.data_as(&leader, viewer, Value::Null).await["viewer"].clone();
    assert_eq!(seen["role"], "LEADER");
    assert_eq!(seen["unitCode"], "fao");
    let allowed = strings_of(&seen["allowed"]);
    assert!(allowed.contains(&"ReadFigures") && !allowed.contains(&"Upload"));
    let seen = app.data_as(&uploader, viewer, Value::Null).await["viewer"].clone();
    assert_eq!(seen["role"], "UPLOADER");
    assert!(!seen["allowed"].to_string().contains("ReadFigures"));

    let unknown = app
        .get_as(Some(&analyst), "/api/exports/people.xlsx?visaStatus=SOON")
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn hub_export_people_writes_the_workbook() {
    let (test_db, _db) = imported_city().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hub_on(
        dir.path(),
        &test_db.url,
        &[
            "export",
            "people",
            "-o",
            "list.xlsx",
            "--nationality",
            "KOR,RUS",
            "--as-of",
            "2020-02-17T12:00:00+08:00",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(dir.path().join("list.xlsx")).expect("the file");
    let list = &sheets(&bytes)[0].1;
    let code = list[0]
        .iter()
        .position(|h| h == "国籍代码")
        .expect("column");
    assert!(list.len() > 1);
    assert!(
        list[1..]
            .iter()
            .all(|r| r[code] == "KOR" || r[code] == "RUS")
    );
}

#[tokio::test]
async fn hub_demo_makes_a_new_store_imports_every_kind_and_prints_tokens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hub(
        dir.path(),
        &[
            "demo",
            "--dir",
            "city",
            "--people",
            "300",
            "--days",
            "14",
            "--no-serve",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("visa_registry"), "{stdout}");
    let info: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("city/demo.json")).expect("demo.json"),
    )
    .expect("JSON");
    let roles = texts_of(&info["tokens"], "role");
    assert_eq!(roles, ["uploader", "analyst", "leader", "admin"]);
    for token in info["tokens"].as_array().expect("tokens") {
        assert!(stdout.contains(token["token"].as_str().expect("a token")));
    }
    let url = format!("sqlite://{}", dir.path().join("city/hub.db").display());
    let query = "{ overview { knownPeople } uploads(first: 100) { kind rows { rejected } } }";
    let out = hub_on(dir.path(), &url, &["query", query]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let known = json["data"]["overview"]["knownPeople"]
        .as_i64()
        .unwrap_or(0);
    assert!(
        (300..=306).contains(&known),
        "300 people and a few renewed passports: {known}"
    );
    let uploads = json["data"]["uploads"].as_array().expect("uploads");
    let mut kinds: Vec<&str> = uploads.iter().filter_map(|u| u["kind"].as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(
        kinds.len(),
        importers::SourceKind::ALL.len(),
        "every source kind: {kinds:?}"
    );
    let rejected: i64 = uploads
        .iter()
        .filter_map(|u| u["rows"]["rejected"].as_i64())
        .sum();
    assert!(rejected >= 5, "the hostile rows are rejected");

    let again = hub(dir.path(), &["demo", "--dir", "city", "--no-serve"]).await;
    assert!(
        !again.status.success(),
        "an existing store is never touched"
    );
}
