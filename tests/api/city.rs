//! The GraphQL API over the imported fixtures: overview, people pages with nested facts in
//! a fixed number of statements, one person with every fact and its source, counts,
//! trend, merges, and the exported SDL.

use crate::fixtures::{expected, fixture_files, import, report_time};
use crate::helpers::{TestDatabase, texts_of};
use async_graphql::{Request, Variables};
use hub::auth::{Principal, Role, UnitRef};
use hub::graphql::{DefaultAsOf, HubSchema, build_schema};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A store with every fixture imported, the schema over it, and a statement counter.
struct City {
    _db: TestDatabase,
    schema: HubSchema,
    statements: Arc<AtomicUsize>,
}

async fn city() -> City {
    let test_db = TestDatabase::new().await;
    let mut db: DatabaseConnection = test_db.connect_migrated().await;
    for (name, unit, _) in fixture_files() {
        import(&db, &name, &unit).await;
    }
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    City {
        schema: build_schema(db, Default::default()),
        _db: test_db,
        statements,
    }
}

impl City {
    /// Runs a query as of the report time from the command line; returns `data`, panicking
    /// on errors.
    async fn run(&self, query: &str, variables: Value) -> Value {
        let response = self.try_run(query, variables, Principal::cli("test")).await;
        assert!(response["errors"].is_null(), "{response}");
        response["data"].clone()
    }

    async fn try_run(&self, query: &str, variables: Value, principal: Principal) -> Value {
        let request = Request::new(query)
            .variables(Variables::from_json(variables))
            .data(principal)
            .data(DefaultAsOf(report_time()));
        serde_json::to_value(self.schema.execute(request).await).expect("response is JSON")
    }

    /// Statements a query runs.
    async fn statements_of(&self, query: &str, variables: Value) -> usize {
        let before = self.statements.load(Ordering::SeqCst);
        self.run(query, variables).await;
        self.statements.load(Ordering::SeqCst) - before
    }
}

#[tokio::test]
async fn overview_and_counts_give_the_report_figures() {
    let city = city().await;
    let expected = expected();
    let data = city
        .run(
            "{ overview { knownPeople presentPeople countries managingUnits expiredVisas } }",
            json!({}),
        )
        .await;
    assert_eq!(data["overview"]["knownPeople"], expected["known_people"]);
    assert_eq!(
        data["overview"]["presentPeople"],
        expected["present_people"]
    );
    assert_eq!(data["overview"]["countries"], expected["present_countries"]);
    assert_eq!(
        data["overview"]["managingUnits"],
        expected["managing_units"]
    );
    assert_eq!(data["overview"]["expiredVisas"], json!(1));

    let data = city
        .run(
            "{ countsBy(dimension: NATIONALITY) { key label count } }",
            json!({}),
        )
        .await;
    let rows = data["countsBy"].as_array().expect("list");
    assert_eq!(
        rows.len(),
        expected["by_nationality"].as_object().expect("map").len()
    );
    for row in rows {
        assert_eq!(
            row["count"],
            expected["by_nationality"][row["key"].as_str().expect("key")],
            "{row}"
        );
    }
    let korea = rows.iter().find(|r| r["key"] == "KOR").expect("KOR");
    assert_eq!(korea["label"], "韩国");

    let data = city
        .run(
            "{ countsBy(dimension: MANAGING_UNIT) { label count } }",
            json!({}),
        )
        .await;
    for row in data["countsBy"].as_array().expect("list") {
        assert_eq!(
            row["count"],
            expected["by_managing_unit"][row["label"].as_str().expect("label")],
            "{row}"
        );
    }
    let data = city
        .run(
            "query($f: PersonFilter) { countsBy(dimension: VISA_STATUS, filter: $f) { key count } }",
            json!({ "f": { "nationality": ["ZAF"] } }),
        )
        .await;
    let expired = data["countsBy"]
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["key"] == "EXPIRED")
        .cloned();
    assert_eq!(expired.map(|r| r["count"].clone()), Some(json!(1)));
}

const PAGE: &str = "query($first: Int!) {
  people(first: $first, orderBy: NAME, filter: { present: null }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      documentNumber name nationality { code nameZh } present visaStatus
      managingUnit { name }
      documents { kind number validUntil source { fileName row } }
      affiliations { role active organization { name } source { unitCode fileName row } }
    } }
  }
}";

#[tokio::test]
async fn a_page_costs_the_same_statements_whatever_its_size() {
    let city = city().await;
    // The list's total is counted by the first page and then kept until the store
    // changes: the first page costs one statement more, and both sizes are compared with
    // the total known.
    let first = city.statements_of(PAGE, json!({ "first": 5 })).await;
    let small = city.statements_of(PAGE, json!({ "first": 5 })).await;
    assert_eq!(first, small + 1, "later pages reuse the counted total");
    let large = city.statements_of(PAGE, json!({ "first": 100 })).await;
    assert_eq!(
        small, large,
        "statements of a 5-person page and a 100-person page"
    );
    assert!(large <= 12, "{large} statements for a page");

    let data = city.run(PAGE, json!({ "first": 100 })).await;
    let people = &data["people"];
    assert_eq!(people["totalCount"], expected()["known_people"]);
    assert_eq!(people["pageInfo"]["hasNextPage"], json!(true));
    let cursor = people["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let next = city
        .run(
            "query($after: String) { people(first: 100, orderBy: NAME, after: $after, filter: { present: null }) { edges { node { documentNumber } } pageInfo { hasNextPage } } }",
            json!({ "after": cursor }),
        )
        .await;
    assert_eq!(next["people"]["edges"].as_array().expect("edges").len(), 80);
    assert_eq!(next["people"]["pageInfo"]["hasNextPage"], json!(false));
}

#[tokio::test]
async fn a_person_shows_every_fact_with_its_source() {
    let city = city().await;
    let overstayer = &expected()["overstayer"];
    let data = city
        .run(
            "query($n: String!, $c: String!) { person(documentNumber: $n, nationality: $c) {
                name present visaStatus managingUnit { name }
                healthChecks { temperature source { fileName unitCode row } }
                documents { kind category validUntil }
                sources { fileName unitCode kind row }
            } }",
            json!({ "n": overstayer["passport"], "c": "南非" }),
        )
        .await;
    let person = &data["person"];
    assert_eq!(person["visaStatus"], "EXPIRED");
    assert_eq!(person["managingUnit"]["name"], overstayer["managing_unit"]);
    let checks = person["healthChecks"].as_array().expect("checks");
    assert_eq!(
        checks.len() as u64,
        overstayer["health_checks"].as_u64().unwrap_or(0)
    );
    assert!(
        checks
            .iter()
            .all(|c| c["source"]["fileName"] == "police_health_checks.xlsx")
    );
    let visa = person["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["kind"] == "visa")
        .cloned();
    assert_eq!(
        visa.map(|v| v["validUntil"].clone()),
        Some(overstayer["visa_expired"].clone())
    );
    let files = texts_of(&person["sources"], "fileName");
    assert!(
        files.contains(&"police_visas.xlsx") && files.contains(&"police_health_checks.xlsx"),
        "{files:?}"
    );

    let missing = city
        .try_run(
            "{ person(id: \"1\", documentNumber: \"X\") { name } }",
            json!({}),
            Principal::cli("test"),
        )
        .await;
    assert_eq!(missing["errors"][0]["extensions"]["code"], "BAD_INPUT");
}

#[tokio::test]
async fn the_trend_has_one_point_per_day() {
    let city = city().await;
    let data = city
        .run(
            "{ presentTrend(from: \"2020-02-10\", to: \"2020-02-17\") { day present } }",
            json!({}),
        )
        .await;
    let points = data["presentTrend"].as_array().expect("points");
    assert_eq!(points.len(), 8);
    assert_eq!(points[0]["day"], "2020-02-10");
    let too_long = city
        .try_run(
            "{ presentTrend(from: \"2019-01-01\", to: \"2020-02-17\") { day } }",
            json!({}),
            Principal::cli("test"),
        )
        .await;
    assert_eq!(too_long["errors"][0]["extensions"]["code"], "BAD_INPUT");
}

/// A token principal of the coordinating office with `role` (not stored: the schema trusts
/// the principal it is given).
fn office(role: Role) -> Principal {
    Principal::token(
        1,
        format!("fao {role}"),
        role,
        UnitRef {
            id: 1,
            code: "fao".to_owned(),
        },
    )
}

#[tokio::test]
async fn merges_are_decided_by_analysts_and_admins_only() {
    let city = city().await;
    let data = city
        .run(
            "{ pendingMerges { id reason person { name } candidate { name } } }",
            json!({}),
        )
        .await;
    let merges = data["pendingMerges"].as_array().expect("list").clone();
    for merge in &merges {
        assert_eq!(
            merge["person"]["name"], merge["candidate"]["name"],
            "{merge}"
        );
    }
    let Some(first) = merges.first() else { return };
    let id = first["id"].clone();
    let forbidden = city
        .try_run(
            "mutation($id: ID!) { resolveMerge(id: $id, accept: true) { status } }",
            json!({ "id": id }),
            office(Role::Leader),
        )
        .await;
    assert_eq!(forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let before = city.run("{ overview { knownPeople } }", json!({})).await;
    let done = city
        .run(
            "mutation($id: ID!) { resolveMerge(id: $id, accept: true) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(done["resolveMerge"]["status"], "accepted");
    let after = city.run("{ overview { knownPeople } }", json!({})).await;
    assert_eq!(
        after["overview"]["knownPeople"].as_i64().unwrap_or(0),
        before["overview"]["knownPeople"].as_i64().unwrap_or(0) - 1,
        "an accepted merge makes two records one person"
    );
    let again = city
        .try_run(
            "mutation($id: ID!) { resolveMerge(id: $id, accept: false) { status } }",
            json!({ "id": id }),
            Principal::cli("test"),
        )
        .await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "BAD_INPUT");
}

#[tokio::test]
async fn member_units_show_what_they_sent() {
    let city = city().await;
    let data = city.run("{ memberUnits { code uploads peopleReported lastUploadAt } uploads(unit: \"police\") { fileName rows { rejected } rejections { row code } } }", json!({})).await;
    let police = data["memberUnits"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["code"] == "police")
        .cloned()
        .expect("police");
    assert_eq!(police["uploads"], json!(2));
    assert!(police["peopleReported"].as_i64().unwrap_or(0) > 150);
    let visas = data["uploads"]
        .as_array()
        .expect("uploads")
        .iter()
        .find(|u| u["fileName"] == "police_visas.xlsx")
        .cloned()
        .expect("visa upload");
    assert_eq!(visas["rows"]["rejected"], json!(2));
    assert_eq!(visas["rejections"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn the_exported_sdl_is_the_schema() {
    let schema = build_schema(sea_orm::DatabaseConnection::default(), Default::default());
    let sdl = schema.sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &sdl).expect("write schema.graphql");
    }
    let exported = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        exported == sdl,
        "schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test --test api sdl` and commit it"
    );
}

#[tokio::test]
async fn city_figures_follow_every_new_upload() {
    let test_db = TestDatabase::new().await;
    let db: DatabaseConnection = test_db.connect_migrated().await;
    let files = fixture_files();
    let (movements, rest): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|(_, _, kind)| *kind == importers::SourceKind::PassengerFlow);
    for (name, unit, _) in &rest {
        import(&db, name, unit).await;
    }
    let schema = build_schema(db.clone(), Default::default());
    let ask = |query: &'static str| {
        let schema = schema.clone();
        async move {
            let request = Request::new(query)
                .data(Principal::cli("test"))
                .data(DefaultAsOf(report_time()));
            serde_json::to_value(schema.execute(request).await).expect("response is JSON")["data"]
                .clone()
        }
    };
    let query =
        "{ overview { presentPeople knownPeople } countsBy(dimension: NATIONALITY) { key count }
        absent: people(filter: { present: false }) { totalCount }
        everyone: people(filter: { present: null }) { totalCount } }";
    let before = ask(query).await;
    assert_eq!(
        ask(query).await,
        before,
        "the same question twice gives the same answer"
    );
    for (name, unit, _) in &movements {
        import(&db, name, unit).await;
    }
    let after = ask(query).await;
    assert_eq!(
        after["overview"]["presentPeople"],
        expected()["present_people"],
        "departures count at once"
    );
    assert_ne!(after["countsBy"], before["countsBy"]);
    assert_eq!(
        after["absent"]["totalCount"],
        json!(
            after["overview"]["knownPeople"].as_i64().unwrap_or(0)
                - after["overview"]["presentPeople"].as_i64().unwrap_or(0)
        ),
        "a list's total follows the upload"
    );
    assert_ne!(
        after["absent"]["totalCount"],
        before["absent"]["totalCount"]
    );
    assert_eq!(
        after["everyone"]["totalCount"],
        after["overview"]["knownPeople"]
    );
}

#[tokio::test]
async fn a_persons_nested_facts_are_those_that_had_happened_by_as_of() {
    let city = city().await;
    let overstayer = &expected()["overstayer"];
    let at = overstayer["health_checks_at"]
        .as_object()
        .expect("health_checks_at");
    assert!(!at.is_empty());
    for (time, want) in at {
        let data = city
            .run(
                "query($n: String!, $c: String!, $t: DateTime!) {
                    person(documentNumber: $n, nationality: $c, asOf: $t) {
                        healthChecks { checkedAt } movements { occurredAt }
                        affiliations { since until active }
                    } }",
                json!({ "n": overstayer["passport"], "c": overstayer["nationality"], "t": time }),
            )
            .await;
        let person = &data["person"];
        let checks = person["healthChecks"].as_array().expect("checks");
        assert_eq!(Some(checks.len() as u64), want.as_u64(), "as of {time}");
        let limit = chrono::DateTime::parse_from_rfc3339(time).expect("time");
        let moments = checks.iter().map(|c| &c["checkedAt"]).chain(
            person["movements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| &m["occurredAt"]),
        );
        for moment in moments {
            let moment = chrono::DateTime::parse_from_rfc3339(moment.as_str().expect("a time"))
                .expect("RFC 3339");
            assert!(moment <= limit, "{moment} after {time}");
        }
    }
}

#[tokio::test]
async fn a_date_range_open_at_one_end_filters_like_a_bounded_one() {
    let city = city().await;
    let count = |filter: &str| {
        let query = format!("{{ people(first: 5, filter: {{ {filter} }}) {{ totalCount }} }}");
        let city = &city;
        async move { city.run(&query, json!({})).await["people"]["totalCount"].clone() }
    };
    let from = r#"arrivedFrom: "2020-01-01T00:00:00Z""#;
    let bounded = count(&format!(r#"{from}, arrivedTo: "2030-01-01T00:00:00Z""#)).await;
    assert!(bounded.as_i64().is_some_and(|n| n > 0), "{bounded}");
    assert_eq!(count(from).await, bounded, "start only");
    let to = r#"departedTo: "2020-02-17T04:00:00Z""#;
    let bounded = count(&format!(r#"departedFrom: "2000-01-01T00:00:00Z", {to}"#)).await;
    assert!(bounded.as_i64().is_some_and(|n| n > 0), "{bounded}");
    assert_eq!(count(to).await, bounded, "end only");
}
