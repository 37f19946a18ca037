//! Eight member units uploading at once while analysts query: every accepted row is
//! stored, the city comes out as the office reported it, nothing fails with "database is
//! locked" (SQLite), and two uploads of the same roster never interleave.

use axum::http::StatusCode;
use entity::{source_row, upload};
use hub::auth::Role;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::task::JoinHandle;

use crate::fixtures::{expected, fixture_bytes, fixture_files, report_time};
use crate::helpers::{Part, TestApp, TestResponse, spawn_app, spawn_app_with};

/// A daily report of the eighth unit, as a CSV.
const DAILY_REPORT_CSV: &str =
    "报告日期,新增人数,离开人数,异常情况,备注\n2020-02-16,0,0,,\n2020-02-17,2,1,,两名学生返校\n";

/// Fails on any answer that is not a success, naming locks specially.
fn check_ok(what: &str, response: &TestResponse) {
    assert!(
        !response.body.to_lowercase().contains("locked"),
        "{what}: {}",
        response.body
    );
    assert_eq!(response.status, StatusCode::OK, "{what}: {}", response.body);
}

/// Runs queries as an analyst until `done`; returns how many ran.
async fn query_until(app: Arc<TestApp>, token: String, done: Arc<AtomicBool>) -> usize {
    let queries = [
        "{ overview { knownPeople presentPeople } }",
        "{ people(first: 50, orderBy: NAME) { totalCount edges { node { name documents { number } } } } }",
        "{ countsBy(dimension: NATIONALITY) { key count } uploads { id rows { accepted } } }",
    ];
    let mut ran = 0;
    while !done.load(Ordering::SeqCst) {
        for query in queries {
            let response = app.graphql_as(Some(&token), query, Value::Null).await;
            check_ok(query, &response);
            let body = response.json();
            assert!(body["errors"].is_null(), "{query}: {body}");
            ran += 1;
        }
    }
    ran
}

/// Starts an upload of `name` holding `bytes` by a new uploader of `unit`; the task answers
/// the uploader's token and the response.
async fn start_upload(
    app: &Arc<TestApp>,
    unit: &str,
    name: String,
    bytes: Vec<u8>,
) -> JoinHandle<(String, String, TestResponse)> {
    let token = app.token(unit, Role::Uploader).await;
    let app = app.clone();
    tokio::spawn(async move {
        let response = app.upload_file(&token, &[], &name, &bytes).await;
        (name, token, response)
    })
}

/// What each task answered, in order.
async fn joined<T>(tasks: Vec<JoinHandle<T>>) -> Vec<T> {
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("a task"));
    }
    answers
}

/// How many rows of the upload `id` are stored as accepted.
async fn accepted_rows(db: &DatabaseConnection, id: i64) -> u64 {
    source_row::Entity::find()
        .filter(source_row::Column::UploadId.eq(id))
        .filter(source_row::Column::Status.eq("accepted"))
        .count(db)
        .await
        .expect("count")
}

/// Two analysts querying until stopped.
struct Readers {
    done: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<usize>>,
}

impl Readers {
    /// Starts two readers with a new analyst token, which it also answers.
    async fn start(app: &Arc<TestApp>) -> (Self, String) {
        let token = app.token("fao", Role::Analyst).await;
        let done = Arc::new(AtomicBool::new(false));
        let tasks = (0..2)
            .map(|_| tokio::spawn(query_until(app.clone(), token.clone(), done.clone())))
            .collect();
        (Self { done, tasks }, token)
    }

    /// Stops them; how many queries ran (each one answered without an error).
    async fn stop(self) -> usize {
        self.done.store(true, Ordering::SeqCst);
        let mut ran = 0;
        for task in self.tasks {
            ran += task.await.expect("query task");
        }
        ran
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_units_upload_at_once_while_queries_run() {
    let app = Arc::new(spawn_app().await);
    let mut uploads = Vec::new();
    for (name, unit, _) in fixture_files() {
        uploads.push((unit, name.clone(), fixture_bytes(&name)));
    }
    uploads.push((
        "dqnu".to_owned(),
        "dqnu_daily.csv".to_owned(),
        DAILY_REPORT_CSV.as_bytes().to_vec(),
    ));
    let units: std::collections::BTreeSet<&str> =
        uploads.iter().map(|(u, _, _)| u.as_str()).collect();
    assert_eq!(units.len(), 8, "eight units");

    let (readers, analyst) = Readers::start(&app).await;
    let mut tasks = Vec::new();
    for (unit, name, bytes) in uploads {
        tasks.push(start_upload(&app, &unit, name, bytes).await);
    }
    let answers = joined(tasks).await;
    assert!(readers.stop().await > 0);

    for (name, _, response) in &answers {
        check_ok(name, response);
        let report = response.json();
        assert_eq!(report["status"], "imported", "{name}: {report}");
        let id = report["upload_id"].as_i64().expect("upload id");
        let stored = upload::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("the upload is stored");
        assert_eq!(
            i64::from(stored.accepted_rows),
            report["rows"]["accepted"].as_i64().unwrap_or(-1)
        );
        assert_eq!(
            accepted_rows(&app.db, id).await,
            report["rows"]["accepted"].as_u64().unwrap_or(0),
            "{name}: every accepted row is stored"
        );
    }
    let expected = expected();
    let at = report_time().to_rfc3339();
    let overview = app
        .graphql_as(
            Some(&analyst),
            "query($at: DateTime) { overview(asOf: $at) { knownPeople presentPeople countries managingUnits } }",
            serde_json::json!({ "at": at }),
        )
        .await
        .json();
    let o = &overview["data"]["overview"];
    assert_eq!(o["knownPeople"], expected["known_people"], "{overview}");
    assert_eq!(o["presentPeople"], expected["present_people"]);
    assert_eq!(o["countries"], expected["present_countries"]);
    assert_eq!(o["managingUnits"], expected["managing_units"]);
    let status = app
        .graphql_as(
            Some(&analyst),
            r#"{ dailyReportStatus(date: "2020-02-17") { reported { unit { code } arrivals } } }"#,
            Value::Null,
        )
        .await
        .json();
    let reported = status["data"]["dailyReportStatus"]["reported"].to_string();
    assert!(reported.contains("dqnu"), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_uploads_of_the_same_roster_do_not_interleave() {
    let app = Arc::new(spawn_app().await);
    let token = app.token("police", Role::Uploader).await;
    let bytes = fixture_bytes("police_visas.xlsx");
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let (app, token, bytes) = (app.clone(), token.clone(), bytes.clone());
        tasks.push(tokio::spawn(async move {
            app.upload_file(&token, &[], "police_visas.xlsx", &bytes)
                .await
                .json()
        }));
    }
    let mut statuses = Vec::new();
    let mut ids = Vec::new();
    for report in joined(tasks).await {
        statuses.push(report["status"].as_str().unwrap_or_default().to_owned());
        ids.push(report["upload_id"].clone());
    }
    statuses.sort();
    assert_eq!(statuses, ["duplicate", "imported"]);
    assert_eq!(ids[0], ids[1], "the duplicate names the one upload");
    assert_eq!(
        upload::Entity::find().count(&app.db).await.expect("count"),
        1
    );
}

/// Polls an upload's ticket until it has finished; the ticket as last seen.
async fn follow_ticket(app: &TestApp, token: &str, ticket: &str) -> Value {
    let path = format!("/api/uploads/tickets/{ticket}");
    for _ in 0..1200 {
        let response = app.get_as(Some(token), &path).await;
        check_ok(&path, &response);
        let body = response.json();
        if body["status"] == "landed" || body["status"] == "failed" {
            return body;
        }
        assert!(
            body["status"] == "queued" || body["status"] == "landing",
            "{body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("ticket {ticket} did not finish");
}

/// Rows of each generated file of the large concurrent upload test
/// (`HUB_TEST_LARGE_UPLOAD_ROWS`; the office's attack used 100,000, which a release build
/// lands in about a second each: run it so with `cargo test --release`).
fn large_upload_rows() -> usize {
    std::env::var("HUB_TEST_LARGE_UPLOAD_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_units_upload_large_files_at_once_and_none_is_lost() {
    // The analysts query back to back for as long as the landings take: no rate limit (0).
    let app = Arc::new(spawn_app_with(|s| s.http.rate_limit_per_minute = 0).await);
    let rows = large_upload_rows();
    let units = [
        "police",
        "education",
        "nepu",
        "dqnu",
        "hitech",
        "oilfield",
        "airport",
        "tourism",
    ];
    // The workbooks are generated side by side first, then uploaded all at once.
    let generated = (1..=units.len() as u64).map(|seed| {
        tokio::task::spawn_blocking(move || {
            devtools::sample::visa_registry_xlsx(rows, seed * 7919).expect("a workbook")
        })
    });
    let workbooks = joined(generated.collect()).await;
    let (readers, _) = Readers::start(&app).await;
    let mut tasks = Vec::new();
    for (unit, bytes) in units.into_iter().zip(workbooks) {
        tasks.push(start_upload(&app, unit, format!("{unit}-visas.xlsx"), bytes).await);
    }
    let answers = joined(tasks).await;
    let mut reports = Vec::new();
    for (name, token, response) in answers {
        assert!(!response.body.to_lowercase().contains("locked"), "{name}");
        let report = match response.status {
            StatusCode::OK => response.json(),
            StatusCode::ACCEPTED => {
                let ticket = response.json()["ticket"]
                    .as_str()
                    .expect("a ticket")
                    .to_owned();
                let finished = follow_ticket(&app, &token, &ticket).await;
                assert_eq!(finished["status"], "landed", "{name}: {finished}");
                finished["report"].clone()
            }
            other => panic!("{name}: {other} {}", response.body),
        };
        reports.push((name, report));
    }
    assert!(readers.stop().await > 0, "reads ran meanwhile");
    for (name, report) in &reports {
        assert_eq!(report["status"], "imported", "{name}: {report}");
        let accepted = report["rows"]["accepted"].as_u64().unwrap_or(0);
        assert!(accepted > 0, "{name}: {report}");
        let id = report["upload_id"].as_i64().expect("upload id");
        let stored = accepted_rows(&app.db, id).await;
        assert_eq!(stored, accepted, "{name}: every accepted row is stored");
    }
    assert_eq!(
        upload::Entity::find().count(&app.db).await.expect("count"),
        units.len() as u64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn uploads_past_the_queue_wait_are_answered_queued_and_land_one_at_a_time() {
    // No wait at all: every upload is answered 202 with a ticket and lands in the background.
    let app = Arc::new(spawn_app_with(|s| s.uploads.queue_wait_ms = 0).await);
    let mut uploads: Vec<(String, String, Vec<u8>)> = fixture_files()
        .into_iter()
        .map(|(name, unit, _)| (unit, name.clone(), fixture_bytes(&name)))
        .collect();
    for seed in 1..=4u64 {
        let bytes = devtools::sample::visa_registry_xlsx(500, seed).expect("a workbook");
        uploads.push(("police".to_owned(), format!("visas-{seed}.xlsx"), bytes));
    }
    let (readers, _) = Readers::start(&app).await;
    let mut tasks = Vec::new();
    let mut units = Vec::new();
    for (unit, name, bytes) in uploads {
        tasks.push(start_upload(&app, &unit, name, bytes).await);
        units.push(unit);
    }
    let answers = joined(tasks).await;
    let mut finished = Vec::new();
    for ((name, token, response), unit) in answers.into_iter().zip(units) {
        assert!(!response.body.to_lowercase().contains("locked"), "{name}");
        assert_eq!(
            response.status,
            StatusCode::ACCEPTED,
            "{name}: {}",
            response.body
        );
        let queued = response.json();
        assert_eq!(queued["status"], "queued", "{name}: {queued}");
        let ticket = queued["ticket"].as_str().expect("a ticket").to_owned();
        let landed = follow_ticket(&app, &token, &ticket).await;
        finished.push((name, token, ticket, landed, unit));
    }
    assert!(readers.stop().await > 0);
    for (name, _, _, ticket, _) in &finished {
        assert_eq!(ticket["status"], "landed", "{name}: {ticket}");
        let report = &ticket["report"];
        assert_eq!(report["status"], "imported", "{name}: {report}");
        let id = report["upload_id"].as_i64().expect("upload id");
        assert_eq!(
            accepted_rows(&app.db, id).await,
            report["rows"]["accepted"].as_u64().unwrap_or(0),
            "{name}"
        );
    }
    assert_eq!(
        upload::Entity::find().count(&app.db).await.expect("count"),
        finished.len() as u64
    );

    // A ticket is its uploader's: another unit's uploader does not see it; the owner also
    // reads it through GraphQL.
    let (_, token, ticket, _, unit) = &finished[0];
    let other_unit = if unit == "nepu" { "police" } else { "nepu" };
    let stranger = app.token(other_unit, Role::Uploader).await;
    let path = format!("/api/uploads/tickets/{ticket}");
    let other = app.get_as(Some(&stranger), &path).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.body);
    let seen = app
        .graphql_as(
            Some(token),
            "query($t: ID!) { uploadTicket(ticket: $t) { status report { status uploadId } } }",
            serde_json::json!({ "t": ticket }),
        )
        .await
        .json();
    assert_eq!(seen["data"]["uploadTicket"]["status"], "LANDED", "{seen}");
    assert_eq!(
        seen["data"]["uploadTicket"]["report"]["status"], "IMPORTED",
        "{seen}"
    );
}

#[tokio::test]
async fn a_graphql_upload_past_the_queue_wait_is_queued_and_a_dry_run_never_is() {
    let app = spawn_app_with(|s| s.uploads.queue_wait_ms = 0).await;
    let token = app.token("police", Role::Uploader).await;
    let name = "police_visas.xlsx";
    let bytes = fixture_bytes(name);
    let dry = app
        .upload_as(
            Some(&token),
            &[
                Part::File("file", name, &bytes),
                Part::Text("dry_run", "true"),
            ],
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(dry.json()["status"], "dry_run");
    let queued = app
        .graphql_upload_as(Some(&token), name, &bytes, "", "status unit ticket")
        .await
        .json();
    let report = &queued["data"]["upload"];
    assert_eq!(report["status"], "QUEUED", "{queued}");
    assert_eq!(report["unit"], "police", "{queued}");
    let ticket = report["ticket"].as_str().expect("a ticket");
    let landed = follow_ticket(&app, &token, ticket).await;
    assert_eq!(landed["report"]["status"], "imported", "{landed}");
    assert_eq!(
        upload::Entity::find().count(&app.db).await.expect("count"),
        1
    );
}
