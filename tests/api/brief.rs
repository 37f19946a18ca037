//! The daily brief (每日情况报告): over HTTP as JSON and .docx for each role, and on the
//! command line; its figures are those of the dashboard's GraphQL fields at the same time.

use std::io::{Cursor, Read};

use axum::http::{Method, StatusCode};
use hub::auth::Role;
use serde_json::{Value, json};

use crate::cli::{hub_on, text};
use crate::fixtures::{fixture_files, import, imported_city};
use crate::helpers::{TestApp, create_token, spawn_app};

const AS_OF: &str = "2020-02-17T12:00:00+08:00";
const BRIEF: &str = "/api/brief?asOf=2020-02-17T12:00:00%2B08:00";

/// The text of a .docx's main part.
pub(crate) fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut xml)
        .expect("text");
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

async fn dashboard(app: &TestApp, token: &str) -> Value {
    let response = app
        .graphql_as(
            Some(token),
            "query($t: DateTime) { overview(asOf: $t) { presentPeople countries managingUnits expiredVisas expiringVisas }
               countsBy(dimension: NATIONALITY, asOf: $t) { key count } }",
            json!({ "t": AS_OF }),
        )
        .await
        .json();
    response["data"].clone()
}

async fn city() -> TestApp {
    let app = spawn_app().await;
    for (name, unit, _) in fixture_files() {
        import(&app.db, &name, &unit).await;
    }
    app
}

#[tokio::test]
async fn the_brief_states_the_dashboards_figures_for_each_role() {
    let app = city().await;
    let analyst = create_token(&app.db, "fao", Role::Analyst).await;
    let leader = create_token(&app.db, "fao", Role::Leader).await;
    let uploader = create_token(&app.db, "police", Role::Uploader).await;
    let figures = dashboard(&app, &analyst).await;
    let o = &figures["overview"];

    let response = app
        .request_as(Some(&analyst), Method::GET, BRIEF, "", "")
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let brief = response.json();
    assert_eq!(
        brief["headline"],
        format!(
            "截至2月17日中午12:00时，在庆外国人共计{}人，来自{}个国家和地区，{}家单位具体负责管理。",
            o["presentPeople"], o["countries"], o["managingUnits"]
        )
    );
    assert!(o["presentPeople"].as_i64().unwrap_or(0) > 0);
    for entry in figures["countsBy"].as_array().expect("counts") {
        let row = brief["byCountry"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["key"] == entry["key"])
            .unwrap_or_else(|| panic!("{} in the brief", entry["key"]));
        assert_eq!(row["count"], entry["count"]);
    }
    assert_eq!(brief["overstays"]["total"], o["expiredVisas"]);
    assert_eq!(brief["expiring"]["total"], o["expiringVisas"]);
    let overstays = brief["overstays"]["people"].as_array().expect("people");
    assert_eq!(
        overstays.len() as i64,
        o["expiredVisas"].as_i64().unwrap_or(-1)
    );
    assert!(
        overstays.iter().all(|p| p["managingUnit"].is_string()),
        "{overstays:?}"
    );
    assert!(
        !overstays
            .iter()
            .any(|p| p["documentNumber"].as_str().unwrap_or("").contains('*'))
    );
    assert_eq!(brief["masked"], false);
    assert!(
        brief["changes"]["lines"]
            .as_array()
            .is_some_and(|l| !l.is_empty())
    );
    let units = brief["reports"]["missing"].as_array().map_or(0, Vec::len)
        + brief["reports"]["reported"].as_array().map_or(0, Vec::len)
        + brief["reports"]["zeroReported"]
            .as_array()
            .map_or(0, Vec::len);
    assert!(units >= 31, "every active member unit is in one list");

    // A leader's brief has the same figures with masked document numbers.
    let leaders = app
        .request_as(Some(&leader), Method::GET, BRIEF, "", "")
        .await
        .json();
    assert_eq!(leaders["headline"], brief["headline"]);
    assert_eq!(leaders["masked"], true);
    assert!(
        leaders["overstays"]["people"]
            .as_array()
            .expect("people")
            .iter()
            .all(|p| p["documentNumber"].as_str().unwrap_or("").contains('*'))
    );

    let refused = app
        .request_as(Some(&uploader), Method::GET, BRIEF, "", "")
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = app
        .request_as(Some(&analyst), Method::GET, "/api/brief?asOf=soon", "", "")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let docx = app
        .request_as(
            Some(&leader),
            Method::GET,
            "/api/brief.docx?asOf=2020-02-17%2012:00",
            "",
            "",
        )
        .await;
    assert_eq!(docx.status, StatusCode::OK);
    let kind = docx
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(kind.contains("wordprocessingml"), "{kind}");
    let words = docx_text(&docx.bytes);
    assert!(
        words.contains(brief["headline"].as_str().unwrap_or("?")),
        "{words}"
    );
    assert!(words.contains("特殊情况") && words.contains("成员单位日报告情况"));
}

#[tokio::test]
async fn hub_brief_writes_the_same_brief_as_a_word_file() {
    let (test_db, _db) = imported_city().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = test_db.url.as_str();
    let out = hub_on(
        dir.path(),
        url,
        &["brief", "--as-of", "2020-02-17 12:00", "-o", "brief.docx"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let headline = text(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        headline.starts_with("截至2月17日中午12:00时，在庆外国人共计"),
        "{headline}"
    );
    let bytes = std::fs::read(dir.path().join("brief.docx")).expect("the file");
    assert!(docx_text(&bytes).contains(&headline));

    let refused = hub_on(
        dir.path(),
        url,
        &["brief", "--as-of", "soon", "-o", "x.docx"],
    )
    .await;
    assert!(!refused.status.success());
    assert!(!dir.path().join("x.docx").exists());
}
