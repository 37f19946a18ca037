//! The analyst's view of a person's facts over HTTP with real tokens: the warnings of
//! accepted rows on the upload and on the person, one entry per fact however many sources
//! gave it, a visa's own number apart from its passport's, and a person's values and facts
//! as the uploads landed by a time gave them.

use crate::analyst::known_at;
use crate::fixtures::import;
use crate::helpers::{Part, TestApp, items_where, spawn_app};
use axum::http::StatusCode;
use hub::auth::Role;
use migration::{MigrationTrait, SchemaManager};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

/// Uploads a CSV as `unit`'s uploader, as `kind`; the report.
async fn upload_csv(app: &TestApp, unit: &str, kind: &str, name: &str, text: &str) -> Value {
    let token = app.token(unit, Role::Uploader).await;
    let answer = app
        .upload_as(
            Some(&token),
            &[
                Part::File("file", name, text.as_bytes()),
                Part::Text("kind", kind),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let report = answer.json();
    assert_eq!(report["status"], "imported", "{report}");
    report
}

const VISA_HEADER: &str = "姓名,国籍,护照号码,性别,出生日期,签证种类,签证有效期至,工作/学习单位\n";

#[tokio::test]
async fn warnings_of_accepted_rows_are_on_the_upload_and_on_the_person() {
    let app = spawn_app().await;
    let file = format!(
        "{VISA_HEADER}\
         PARK JIWOO,韩国,M55501234,X,1990-01-02,Z,2020-06-30,大庆油田\n\
         LEE MINHO,韩国,M55505678,男,03/04/1991,X1,2020-07-31,东北石油大学\n\
         KIM SORA,韩国,M55509012,女,1992-05-06,X1,2020-07-31,东北石油大学\n"
    );
    let report = upload_csv(&app, "police", "visa_registry", "visas.csv", &file).await;
    // The upload's report lists what it counts.
    let listed = report["row_warnings"].as_array().expect("row_warnings");
    let codes: Vec<&str> = listed.iter().filter_map(|w| w["code"].as_str()).collect();
    assert_eq!(codes, ["INVALID_SEX", "AMBIGUOUS_DATE"], "{report}");
    assert_eq!(report["rows"]["warnings"], 2);
    assert_eq!(listed[1]["value"], "03/04/1991");
    assert_eq!(listed[1]["column"], "出生日期");
    let first_row = listed[0]["row"].as_i64().expect("row");

    // The stored upload gives the same warnings, a page at a time.
    let analyst = app.token("fao", Role::Analyst).await;
    let page = "query($first: Int!, $offset: Int!) { uploads { rows { warnings }
        rowWarnings(first: $first, offset: $offset) { total nodes { sheet row column value code message } } } }";
    let one = app
        .data_as(&analyst, page, json!({ "first": 1, "offset": 0 }))
        .await;
    let upload = &one["uploads"][0];
    assert_eq!(upload["rowWarnings"]["total"], 2);
    let nodes = upload["rowWarnings"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0]["code"], "INVALID_SEX");
    assert_eq!(nodes[0]["row"].as_i64(), Some(first_row));
    assert_eq!(nodes[0]["value"], "X");
    assert!(
        nodes[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("性别")),
        "{one}"
    );
    let next = app
        .data_as(&analyst, page, json!({ "first": 10, "offset": 1 }))
        .await;
    let nodes = next["uploads"][0]["rowWarnings"]["nodes"]
        .as_array()
        .expect("nodes");
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0]["code"], "AMBIGUOUS_DATE");

    // The person the row names carries the warning, with its row.
    let person = "query($n: String!) { person(documentNumber: $n, nationality: \"KOR\") {
        id warnings { column value code message source { fileName row } } } }";
    let lee = app
        .data_as(&analyst, person, json!({ "n": "M55505678" }))
        .await;
    let warnings = lee["person"]["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{lee}");
    assert_eq!(warnings[0]["code"], "AMBIGUOUS_DATE");
    assert_eq!(warnings[0]["value"], "03/04/1991");
    assert_eq!(warnings[0]["source"]["fileName"], "visas.csv");
    let kim = app
        .data_as(&analyst, person, json!({ "n": "M55509012" }))
        .await;
    assert_eq!(kim["person"]["warnings"], json!([]));

    // Leaders see the warning but not the value as written, nor the upload's rows.
    let leader = app.token("fao", Role::Leader).await;
    let masked = app
        .data_as(
            &leader,
            "query($id: ID!) { person(id: $id) { warnings { code value } } }",
            json!({ "id": lee["person"]["id"] }),
        )
        .await;
    assert_eq!(masked["person"]["warnings"][0]["code"], "AMBIGUOUS_DATE");
    assert_eq!(masked["person"]["warnings"][0]["value"], Value::Null);
    let refused = app
        .graphql_as(Some(&leader), page, json!({ "first": 1, "offset": 0 }))
        .await
        .json();
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
}

#[tokio::test]
async fn a_fact_several_sources_give_is_one_entry_with_every_source() {
    let app = spawn_app().await;
    let first =
        format!("{VISA_HEADER}PARK JIWOO,韩国,M55501234,男,1990-01-02,Z,2020-06-30,大庆油田\n");
    let second = format!(
        "{VISA_HEADER}PARK JIWOO,韩国,M55501234,男,1990-01-02,Z,2020-06-30,大庆油田\n\
         KIM SORA,韩国,M55509012,女,1992-05-06,X1,2020-07-31,东北石油大学\n"
    );
    upload_csv(&app, "police", "visa_registry", "visas-0201.csv", &first).await;
    upload_csv(&app, "police", "visa_registry", "visas-0202.csv", &second).await;
    let lodging = "姓名,国籍,护照号码,酒店/景区,入住日期,离店日期\n\
                   PARK JIWOO,韩国,M55501234,大庆宾馆,2020-02-01,2020-02-03\n";
    upload_csv(&app, "tourism", "lodging_register", "guests-a.csv", lodging).await;
    let again = format!("{lodging}KIM SORA,韩国,M55509012,大庆宾馆,2020-02-02,\n");
    upload_csv(&app, "tourism", "lodging_register", "guests-b.csv", &again).await;

    let analyst = app.token("fao", Role::Analyst).await;
    let data = app
        .data_as(
            &analyst,
            "{ person(documentNumber: \"M55501234\", nationality: \"KOR\", asOf: \"2020-03-01T00:00:00Z\") {
            sources { fileName }
            affiliations { role organization { name } source { fileName } sources { fileName row unitCode } }
            documents { kind category validUntil sources { fileName } }
            stays { checkIn checkOut hotel { name } sources { fileName } } } }",
            Value::Null,
        )
        .await;
    let person = &data["person"];
    let files = |list: &Value| -> Vec<String> {
        let mut names: Vec<String> = list
            .as_array()
            .expect("sources")
            .iter()
            .filter_map(|s| s["fileName"].as_str().map(str::to_owned))
            .collect();
        names.sort();
        names
    };
    assert_eq!(person["sources"].as_array().map(Vec::len), Some(4));
    let affiliations = person["affiliations"].as_array().expect("affiliations");
    assert_eq!(
        affiliations.len(),
        1,
        "one affiliation, two sources: {data}"
    );
    assert_eq!(
        files(&affiliations[0]["sources"]),
        ["visas-0201.csv", "visas-0202.csv"]
    );
    assert_eq!(affiliations[0]["sources"][0]["unitCode"], "police");
    assert_eq!(affiliations[0]["source"]["fileName"], "visas-0201.csv");
    let visas = items_where(&person["documents"], "kind", "visa");
    assert_eq!(visas.len(), 1, "{data}");
    assert_eq!(
        files(&visas[0]["sources"]),
        ["visas-0201.csv", "visas-0202.csv"]
    );
    let passport = items_where(&person["documents"], "kind", "passport");
    assert_eq!(passport.len(), 1);
    assert_eq!(passport[0]["sources"].as_array().map(Vec::len), Some(4));
    let stays = person["stays"].as_array().expect("stays");
    assert_eq!(stays.len(), 1, "{data}");
    assert_eq!(
        files(&stays[0]["sources"]),
        ["guests-a.csv", "guests-b.csv"]
    );
}

/// The values of `column` of the store's visas, in id order.
async fn stored_visas(db: &DatabaseConnection, column: &str) -> Vec<Option<String>> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT {column} AS v FROM identity_document WHERE kind = 'visa' ORDER BY id"),
        ))
        .await
        .expect("visas");
    rows.iter()
        .map(|r| r.try_get::<Option<String>>("", "v").expect("a text"))
        .collect()
}

#[tokio::test]
async fn a_visa_has_its_own_number_and_names_the_passport_it_is_in() {
    let app = spawn_app().await;
    import(&app.db, "police_visas.xlsx", "police").await;
    let analyst = app.token("fao", Role::Analyst).await;
    let query = "{ people(first: 500, filter: { present: null }) { edges { node {
        documentNumber documents { kind number passportNumber category } } } } }";
    let check = |data: &Value| {
        let mut visas = 0;
        for edge in data["people"]["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            for doc in node["documents"].as_array().expect("documents") {
                match doc["kind"].as_str() {
                    Some("visa") => {
                        visas += 1;
                        assert_eq!(doc["number"], Value::Null, "{node}");
                        assert_eq!(doc["passportNumber"], node["documentNumber"], "{node}");
                    }
                    Some("passport") => {
                        assert_eq!(doc["number"], node["documentNumber"]);
                        assert_eq!(doc["passportNumber"], Value::Null);
                    }
                    _ => {}
                }
            }
        }
        visas
    };
    let data = app.data_as(&analyst, query, Value::Null).await;
    let visas = check(&data);
    assert!(visas > 100, "the visa list gives visas: {visas}");

    // Visas stored the earlier way (the passport number as their number) are put right by
    // the migration.
    let migration = migration::m20261201_000601_visa_number::Migration;
    let step = SchemaManager::new(&app.db).begin().await.expect("begin");
    migration.down(&step).await.expect("down");
    step.commit().await.expect("commit");
    let before = stored_visas(&app.db, "number").await;
    assert!(before.iter().all(Option::is_some), "stored the earlier way");
    let step = SchemaManager::new(&app.db).begin().await.expect("begin");
    migration.up(&step).await.expect("up");
    step.commit().await.expect("commit");
    assert!(
        stored_visas(&app.db, "number")
            .await
            .iter()
            .all(Option::is_none)
    );
    assert_eq!(stored_visas(&app.db, "passport_number").await, before);
    // A migrated store answers as a new one, and people are still found by their number.
    let again = app.data_as(&analyst, query, Value::Null).await;
    assert_eq!(check(&again), visas);
    for edge in data["people"]["edges"].as_array().expect("edges") {
        let number = &edge["node"]["documentNumber"];
        let holders = data["people"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter(|e| e["node"]["documentNumber"] == *number)
            .count();
        let found = app
            .data_as(
                &analyst,
                "query($n: String!) {
                people(filter: { present: null, documentNumber: { eq: $n } }) { totalCount }
                inPassport: people(filter: { present: null, document: { passportNumber: { eq: $n } } }) { totalCount }
                asOwn: people(filter: { present: null, document: { kind: { eq: \"visa\" }, number: { eq: $n } } }) { totalCount } }",
                json!({ "n": number }),
            )
            .await;
        assert_eq!(found["people"]["totalCount"], json!(holders), "{number}");
        let with_visa = data["people"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter(|e| e["node"]["documentNumber"] == *number)
            .filter(|e| {
                e["node"]["documents"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["kind"] == "visa"))
            })
            .count();
        assert_eq!(
            found["inPassport"]["totalCount"],
            json!(with_visa),
            "{number}"
        );
        assert_eq!(found["asOwn"]["totalCount"], 0, "{number}");
    }
}

/// What a person shows, without the ids that differ between stores.
fn facts_of(node: &Value) -> Value {
    let mut node = node.clone();
    for list in [
        "documents",
        "affiliations",
        "stays",
        "movements",
        "healthChecks",
    ] {
        if let Some(items) = node[list].as_array_mut() {
            for item in items {
                if let Some(object) = item.as_object_mut() {
                    object.remove("endedByUploadId");
                }
            }
        }
    }
    node
}

#[tokio::test]
async fn a_list_known_at_a_time_shows_the_names_and_facts_landed_by_then() {
    let (only, only_analyst, app, analyst, then) = known_at().await;
    let sources = "sources { fileName sheet row }";
    let fields = format!(
        "documentNumber name chineseName sex birthDate hasConflicts present visaStatus
         documents {{ kind number passportNumber category validUntil {sources} }}
         affiliations {{ role since until active endedByUploadId organization {{ name }} {sources} }}
         stays {{ checkIn checkOut hotel {{ name }} {sources} }}
         movements {{ direction occurredAt source {{ fileName row }} }}
         healthChecks {{ checkedAt temperature source {{ fileName row }} }}
         conflicts {{ attribute values {{ value shown }} }}
         warnings {{ code }}
         {sources}"
    );
    let list = format!(
        "query($k: DateTime) {{ people(first: 500, knownAt: $k, asOf: \"2020-02-17T12:00:00+08:00\",
            filter: {{ present: null }}) {{ edges {{ node {{ {fields} }} }} }} }}"
    );
    let by_number = |data: &Value| -> std::collections::BTreeMap<String, Value> {
        data["people"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| {
                (
                    e["node"]["documentNumber"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                    facts_of(&e["node"]),
                )
            })
            .collect()
    };
    let original = by_number(
        &only
            .data_as(&only_analyst, &list, json!({ "k": Value::Null }))
            .await,
    );
    let reproduced = by_number(
        &app.data_as(&analyst, &list, json!({ "k": then.to_rfc3339() }))
            .await,
    );
    let today = by_number(
        &app.data_as(&analyst, &list, json!({ "k": Value::Null }))
            .await,
    );
    assert!(original.len() > 100);
    assert_eq!(
        reproduced.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>()
    );
    for (number, person) in &original {
        assert_eq!(&reproduced[number], person, "{number} as known then");
    }
    assert!(
        original
            .iter()
            .any(|(number, person)| today[number] != *person),
        "later uploads changed someone"
    );

    // One person known at a time: as the list shows them; before any upload named them,
    // none.
    let (number, person) = original
        .iter()
        .find(|(number, person)| today[*number] != **person)
        .expect("someone changed");
    let nationality = only
        .data_as(
            &only_analyst,
            "query($n: String!) { people(filter: { present: null, documentNumber: { eq: $n } }) {
            edges { node { nationality { code } } } } }",
            json!({ "n": number }),
        )
        .await["people"]["edges"][0]["node"]["nationality"]["code"]
        .clone();
    let one = format!(
        "query($n: String!, $c: String!, $k: DateTime) {{ person(documentNumber: $n, nationality: $c,
            knownAt: $k, asOf: \"2020-02-17T12:00:00+08:00\") {{ {fields} }} }}"
    );
    let known = app
        .data_as(
            &analyst,
            &one,
            json!({ "n": number, "c": nationality, "k": then.to_rfc3339() }),
        )
        .await;
    assert_eq!(&facts_of(&known["person"]), person);
    let unknown = app
        .data_as(
            &analyst,
            &one,
            json!({ "n": number, "c": nationality, "k": "2000-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(unknown["person"], Value::Null);
}
