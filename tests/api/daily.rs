//! Daily reports (日报告和零报告): submitted through GraphQL and uploaded as a file; the
//! status of a day lists who reported, who sent a zero report, and who is missing.

use hub::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{Part, spawn_app};

const SUBMIT: &str = "mutation($date: NaiveDate!, $zero: Boolean, $arrivals: Int, $departures: Int, $anomalies: String, $unit: String) {
    submitDailyReport(date: $date, zero: $zero, arrivals: $arrivals, departures: $departures, anomalies: $anomalies, unit: $unit) {
        id unit { code } date zero arrivals departures anomalies submittedBy
    } }";

const STATUS: &str = r#"{ dailyReportStatus(date: "2020-02-17") {
    date expected
    reported { unit { code } zero arrivals departures source { fileName } }
    zeroReported { unit { code } }
    missing { code } } }"#;

fn codes(list: &Value, path: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("no list: {list}"))
        .iter()
        .filter_map(|e| {
            let code = if path.is_empty() {
                &e["code"]
            } else {
                &e[path]["code"]
            };
            code.as_str().map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn units_report_daily_and_the_office_sees_who_is_missing() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    let nepu = app.token("nepu", Role::Uploader).await;
    let hitech = app.token("hitech", Role::Uploader).await;
    let leader = app.token("fao", Role::Leader).await;

    let zero = app
        .graphql_as(
            Some(&police),
            SUBMIT,
            json!({ "date": "2020-02-17", "zero": true }),
        )
        .await
        .json();
    assert!(zero["errors"].is_null(), "{zero}");
    assert_eq!(zero["data"]["submitDailyReport"]["unit"]["code"], "police");
    assert_eq!(zero["data"]["submitDailyReport"]["zero"], true);
    let changes = app
        .graphql_as(
            Some(&nepu),
            SUBMIT,
            json!({ "date": "2020-02-17", "arrivals": 3, "departures": 1, "anomalies": "一名学生发热，已就医" }),
        )
        .await
        .json();
    assert!(changes["errors"].is_null(), "{changes}");
    let csv = "报告日期,新增人数,离开人数,异常情况,备注\n2020-02-17,0,2,,\n";
    let uploaded = app
        .upload_as(
            Some(&hitech),
            &[
                Part::Text("kind", "daily_report"),
                Part::File("file", "日报.csv", csv.as_bytes()),
            ],
        )
        .await;
    assert_eq!(
        uploaded.status,
        axum::http::StatusCode::OK,
        "{}",
        uploaded.body
    );

    let status = app
        .graphql_as(Some(&leader), STATUS, Value::Null)
        .await
        .json();
    assert!(status["errors"].is_null(), "{status}");
    let day = &status["data"]["dailyReportStatus"];
    assert_eq!(day["expected"], 31);
    let reported = codes(&day["reported"], "unit");
    assert!(
        reported.contains(&"nepu".to_owned()) && reported.contains(&"hitech".to_owned()),
        "{day}"
    );
    assert_eq!(codes(&day["zeroReported"], "unit"), ["police"]);
    let missing = codes(&day["missing"], "");
    assert_eq!(missing.len(), 28, "{missing:?}");
    assert!(!missing.contains(&"police".to_owned()));
    let hitech_report = day["reported"]
        .as_array()
        .expect("reported")
        .iter()
        .find(|r| r["unit"]["code"] == "hitech")
        .cloned()
        .expect("hitech");
    assert_eq!(hitech_report["source"]["fileName"], "日报.csv");

    // A later report of the day supersedes the zero report.
    let later = app
        .graphql_as(
            Some(&police),
            SUBMIT,
            json!({ "date": "2020-02-17", "arrivals": 1 }),
        )
        .await
        .json();
    assert!(later["errors"].is_null(), "{later}");
    let status = app
        .graphql_as(Some(&leader), STATUS, Value::Null)
        .await
        .json();
    let day = &status["data"]["dailyReportStatus"];
    assert!(codes(&day["reported"], "unit").contains(&"police".to_owned()));
    assert!(codes(&day["zeroReported"], "unit").is_empty());

    // An uploader lists its own reports only.
    let own = app
        .graphql_as(
            Some(&police),
            r#"{ dailyReports(from: "2020-02-01", to: "2020-02-29") { unit { code } zero } }"#,
            Value::Null,
        )
        .await
        .json();
    let own = own["data"]["dailyReports"]
        .as_array()
        .expect("reports")
        .clone();
    assert_eq!(own.len(), 2);
    assert!(own.iter().all(|r| r["unit"]["code"] == "police"));
}

#[tokio::test]
async fn bad_reports_are_refused() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    let leader = app.token("fao", Role::Leader).await;
    for (variables, code) in [
        (
            json!({ "date": "2020-02-17", "zero": true, "arrivals": 2 }),
            "BAD_INPUT",
        ),
        (
            json!({ "date": "2020-02-17", "departures": -1 }),
            "BAD_INPUT",
        ),
        (json!({ "date": "2999-01-01", "zero": true }), "BAD_INPUT"),
        (
            json!({ "date": "2020-02-17", "zero": true, "unit": "nepu" }),
            "FORBIDDEN",
        ),
    ] {
        let body = app
            .graphql_as(Some(&police), SUBMIT, variables.clone())
            .await
            .json();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "{variables}: {body}"
        );
    }
    let body = app
        .graphql_as(
            Some(&leader),
            SUBMIT,
            json!({ "date": "2020-02-17", "zero": true }),
        )
        .await
        .json();
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let by_admin = app
        .graphql_as(
            Some(&app.admin_token),
            SUBMIT,
            json!({ "date": "2020-02-17", "zero": true, "unit": "nepu" }),
        )
        .await
        .json();
    assert_eq!(
        by_admin["data"]["submitDailyReport"]["unit"]["code"], "nepu",
        "{by_admin}"
    );
}

#[tokio::test]
async fn leaders_see_document_numbers_in_report_text_masked() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    let leader = app.token("fao", Role::Leader).await;
    let analyst = app.token("fao", Role::Analyst).await;
    let submitted = app
        .graphql_as(
            Some(&police),
            "mutation($anomalies: String, $note: String) {
                submitDailyReport(date: \"2020-02-17\", arrivals: 1, anomalies: $anomalies, note: $note) { anomalies note } }",
            json!({ "anomalies": "学生E12345678发热，已就医", "note": "护照号 G1234567 待核实" }),
        )
        .await
        .json();
    assert_eq!(
        submitted["data"]["submitDailyReport"]["anomalies"], "学生E12345678发热，已就医",
        "the submitter sees what it wrote: {submitted}"
    );
    let list = r#"{ dailyReports(from: "2020-02-01", to: "2020-02-29") { anomalies note } }"#;
    let status = r#"{ dailyReportStatus(date: "2020-02-17") { reported { anomalies note } } }"#;

    let as_leader = app
        .graphql_as(Some(&leader), list, Value::Null)
        .await
        .json();
    let report = &as_leader["data"]["dailyReports"][0];
    assert_eq!(
        report["anomalies"], "学生E12****78发热，已就医",
        "{as_leader}"
    );
    assert_eq!(report["note"], "护照号 G12****67 待核实", "{as_leader}");
    let day = app
        .graphql_as(Some(&leader), status, Value::Null)
        .await
        .json();
    let report = &day["data"]["dailyReportStatus"]["reported"][0];
    assert_eq!(report["anomalies"], "学生E12****78发热，已就医", "{day}");
    assert!(!day.to_string().contains("G1234567"), "{day}");

    let as_analyst = app
        .graphql_as(Some(&analyst), list, Value::Null)
        .await
        .json();
    assert_eq!(
        as_analyst["data"]["dailyReports"][0]["anomalies"], "学生E12345678发热，已就医",
        "{as_analyst}"
    );
}

#[tokio::test]
async fn a_missing_unit_shows_whom_to_call_and_when_it_last_reported() {
    let app = spawn_app().await;
    let set = app
        .graphql_as(
            Some(&app.admin_token.clone()),
            r#"mutation { updateMemberUnit(code: "byau", contactName: " 张伟（外事科） ", contactPhone: "0459-6781234") {
                code name contact { name phone } } }"#,
            Value::Null,
        )
        .await
        .json();
    assert!(set["errors"].is_null(), "{set}");
    assert_eq!(
        set["data"]["updateMemberUnit"]["contact"]["name"],
        "张伟（外事科）"
    );
    assert_eq!(
        set["data"]["updateMemberUnit"]["name"], "黑龙江八一农垦大学",
        "the name is kept"
    );

    // Only the phone changes: the name stays.
    let phone = app
        .graphql(r#"mutation { updateMemberUnit(code: "byau", contactPhone: "13800000000") { contact { name phone } } }"#)
        .await
        .json();
    assert_eq!(
        phone["data"]["updateMemberUnit"]["contact"]["name"],
        "张伟（外事科）"
    );
    assert_eq!(
        phone["data"]["updateMemberUnit"]["contact"]["phone"],
        "13800000000"
    );

    let long = "长".repeat(101);
    let refused = app
        .graphql_as(
            Some(&app.admin_token.clone()),
            "mutation($n: String) { updateMemberUnit(code: \"byau\", contactName: $n) { code } }",
            json!({ "n": long }),
        )
        .await
        .json();
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_INPUT");

    let analyst = app.token("fao", Role::Analyst).await;
    let uploader = app.token("byau", Role::Uploader).await;
    let refused = app
        .graphql_as(
            Some(&uploader),
            r#"mutation { updateMemberUnit(code: "byau", contactPhone: "1") { code } }"#,
            Value::Null,
        )
        .await
        .json();
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let sent = app
        .graphql_as(
            Some(&uploader),
            SUBMIT,
            json!({ "date": "2020-02-16", "zero": true }),
        )
        .await
        .json();
    assert!(sent["errors"].is_null(), "{sent}");
    let status = app
        .graphql_as(
            Some(&analyst),
            r#"{ dailyReportStatus(date: "2020-02-17") {
                missing { code lastReportDate lastReportAt contact { name phone } } } }"#,
            Value::Null,
        )
        .await
        .json();
    let missing = status["data"]["dailyReportStatus"]["missing"]
        .as_array()
        .unwrap_or_else(|| panic!("{status}"));
    let byau = missing
        .iter()
        .find(|u| u["code"] == "byau")
        .unwrap_or_else(|| panic!("byau is missing on the 17th: {status}"));
    assert_eq!(byau["lastReportDate"], "2020-02-16");
    assert!(byau["lastReportAt"].is_string());
    assert_eq!(byau["contact"]["phone"], "13800000000");
    let police = missing
        .iter()
        .find(|u| u["code"] == "police")
        .unwrap_or_else(|| panic!("{status}"));
    assert!(police["lastReportDate"].is_null() && police["contact"].is_null());
}
