//! Undoing a merge gives back everything the absorbed record had: the facts that landed
//! after the merge under its document number, and its other candidate matches the merge
//! removed; the audit log says what was given back.

use crate::fixtures::{fixture_files, import};
use crate::helpers::{Part, TestApp, spawn_app};
use axum::http::StatusCode;
use hub::auth::Role;
use serde_json::{Value, json};

/// Uploads a student roster (csv) as the education bureau.
async fn roster(app: &TestApp, token: &str, name: &str, csv: &str) {
    let upload = app
        .upload_as(
            Some(token),
            &[
                Part::File("file", name, csv.as_bytes()),
                Part::Text("kind", "student_roster"),
            ],
        )
        .await;
    assert_eq!(upload.status, StatusCode::OK, "{}", upload.body);
}

/// The file names of a person's sources (all times).
async fn source_files(app: &TestApp, token: &str, id: &Value) -> Vec<String> {
    let data = app
        .data_as(
            token,
            "query($p: ID!) { person(id: $p, asOf: \"2100-01-01T00:00:00Z\") { sources { fileName } } }",
            json!({ "p": id }),
        )
        .await;
    data["person"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["fileName"].as_str().map(str::to_owned))
        .collect()
}

/// The candidate pairs with `status`, as (id, person's number, candidate's number).
async fn pairs(app: &TestApp, token: &str, status: &str) -> Vec<(Value, String, String)> {
    let data = app
        .data_as(
            token,
            "query($s: String!) { pendingMerges(status: $s) { id
            person { documentNumber } candidate { documentNumber } } }",
            json!({ "s": status }),
        )
        .await;
    data["pendingMerges"]
        .as_array()
        .expect("merges")
        .iter()
        .map(|m| {
            (
                m["id"].clone(),
                m["person"]["documentNumber"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
                m["candidate"]["documentNumber"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn undoing_a_merge_gives_back_later_facts_under_its_number_and_its_other_candidates() {
    let app = spawn_app().await;
    for (name, unit, _) in fixture_files() {
        import(&app.db, &name, &unit).await;
    }
    let analyst = app.token("fao", Role::Analyst).await;
    let education = app.token("education", Role::Uploader).await;
    let known = app
        .data_as(
            &analyst,
            "{ people(first: 1, filter: { present: null, birthDate: { isNull: false }, name: { isNull: false } }) {
            edges { node { id name birthDate documentNumber nationality { code } } } } }",
            Value::Null,
        )
        .await;
    let someone = known["people"]["edges"][0]["node"].clone();
    assert!(someone.is_object(), "{known}");
    let (name, code, birth) = (
        someone["name"].as_str().unwrap_or(""),
        someone["nationality"]["code"].as_str().unwrap_or(""),
        someone["birthDate"].as_str().unwrap_or(""),
    );
    let own_number = someone["documentNumber"].as_str().unwrap_or("").to_owned();
    // Two more records of the same person under other numbers: three candidate pairs.
    let (first, second) = ("ZQ7391046", "ZQ7391047");
    roster(
        &app,
        &education,
        "two_rows.csv",
        &format!("姓名,国籍,护照号码,出生日期\n{name},{code},{first},{birth}\n{name},{code},{second},{birth}\n"),
    )
    .await;
    let pending = pairs(&app, &analyst, "pending").await;
    let merge = pending
        .iter()
        .find(|(_, p, c)| *p == own_number && c == first)
        .map(|(id, _, _)| id.clone())
        .expect("the known record and the first new one are a candidate pair");
    let other = pending
        .iter()
        .find(|(_, p, c)| p == first && c == second)
        .map(|(id, _, _)| id.clone())
        .expect("the two new records are a candidate pair");
    let absorbed = app
        .data_as(
            &analyst,
            "query($n: String!, $c: String!) { person(documentNumber: $n, nationality: $c) { id } }",
            json!({ "n": first, "c": code }),
        )
        .await["person"]["id"]
        .clone();
    let survivor = someone["id"].clone();

    let accept = app
        .data_as(
            &analyst,
            "mutation($id: ID!) { resolveMerge(id: $id, accept: true) { status } }",
            json!({ "id": merge }),
        )
        .await;
    assert_eq!(accept["resolveMerge"]["status"], "accepted");
    // The absorbed record's other pair went with it.
    assert!(
        !pairs(&app, &analyst, "pending")
            .await
            .iter()
            .any(|(id, _, _)| *id == other)
    );

    // After the merge a unit reports the absorbed record's number again: the row finds
    // the survivor (the merge's second passport).
    roster(
        &app,
        &education,
        "later.csv",
        &format!("姓名,国籍,护照号码,出生日期\n{name},{code},{first},{birth}\n"),
    )
    .await;
    assert!(
        source_files(&app, &analyst, &survivor)
            .await
            .contains(&"later.csv".to_owned())
    );

    let undone = app
        .data_as(
            &analyst,
            "mutation($id: ID!) { undoMerge(id: $id) { status } }",
            json!({ "id": merge }),
        )
        .await;
    assert_eq!(undone["undoMerge"]["status"], "undone");
    // The later row named the absorbed record: its facts are the absorbed record's again.
    let absorbed_files = source_files(&app, &analyst, &absorbed).await;
    assert!(
        absorbed_files.contains(&"later.csv".to_owned()),
        "{absorbed_files:?}"
    );
    let survivor_files = source_files(&app, &analyst, &survivor).await;
    assert!(
        !survivor_files.contains(&"later.csv".to_owned())
            && !survivor_files.contains(&"two_rows.csv".to_owned()),
        "{survivor_files:?}"
    );
    // The other pair is back, as it was (pending, its id kept).
    let back = pairs(&app, &analyst, "pending").await;
    assert!(
        back.iter()
            .any(|(id, p, c)| *id == other && p == first && c == second),
        "{back:?}"
    );

    // The audit log says what the undo gave back.
    let log = app
        .graphql(r#"{ auditLog(first: 100) { action target detail } }"#)
        .await
        .json();
    let target = format!("pending_merge:{}", merge.as_str().unwrap_or(""));
    let entry = log["data"]["auditLog"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["action"] == "undo_merge" && e["target"] == json!(target))
        .cloned()
        .unwrap_or(Value::Null);
    let returned = entry["detail"]["returned_facts"]["person_source"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(returned, 1, "{entry}");
    let other_id: i64 = other.as_str().and_then(|s| s.parse().ok()).unwrap_or(-1);
    assert_eq!(
        entry["detail"]["candidates_restored"],
        json!([other_id]),
        "{entry}"
    );
}
