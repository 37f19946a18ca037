//! Tokens, roles and the access policy over real HTTP: every role against every operation
//! of the policy table, 401 without a token, masking for leaders, an uploader's unit
//! scope, the audit log, introspection by setting, and the per-token rate limit.

use axum::http::StatusCode;
use hub::auth::{Access, Operation, Role};
use serde_json::{Value, json};

use crate::fixtures::{fixture_bytes, import};
use crate::helpers::{
    Part, TestApp, TestResponse, items_where, spawn_app, spawn_app_with, texts_of,
};

/// What became of a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The operation ran (its answer may still be NOT_FOUND for a made-up id).
    Allowed,
    /// 403 / `FORBIDDEN`.
    Forbidden,
    /// 401 / `UNAUTHENTICATED`.
    Unauthenticated,
}

/// The outcome of a GraphQL answer.
fn graphql_outcome(response: &TestResponse) -> Outcome {
    if response.status == StatusCode::UNAUTHORIZED {
        assert_eq!(response.json()["error"]["code"], "UNAUTHENTICATED");
        return Outcome::Unauthenticated;
    }
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let body = response.json();
    match body["errors"][0]["extensions"]["code"].as_str() {
        Some("FORBIDDEN") => Outcome::Forbidden,
        Some("NOT_FOUND") | None => Outcome::Allowed,
        Some(other) => panic!("unexpected error {other}: {body}"),
    }
}

/// The outcome of a plain HTTP answer.
fn http_outcome(response: &TestResponse) -> Outcome {
    match response.status {
        StatusCode::UNAUTHORIZED => {
            assert_eq!(response.json()["error"]["code"], "UNAUTHENTICATED");
            Outcome::Unauthenticated
        }
        StatusCode::FORBIDDEN => {
            assert_eq!(response.json()["error"]["code"], "FORBIDDEN");
            Outcome::Forbidden
        }
        s if s.is_success() => Outcome::Allowed,
        other => panic!("unexpected status {other}: {}", response.body),
    }
}

/// A server with the police visa list and the NEPU roster imported, and one token per
/// role: the uploader is the police's, the others the office's.
struct World {
    app: TestApp,
    /// The police visa upload (it has two rejected rows).
    police_upload: i64,
    tokens: Vec<(Role, String)>,
}

async fn world() -> World {
    let app = spawn_app().await;
    let police = import(&app.db, "police_visas.xlsx", "police").await;
    import(&app.db, "nepu_roster.xlsx", "nepu").await;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let unit = if role == Role::Uploader {
            "police"
        } else {
            "fao"
        };
        tokens.push((role, app.token(unit, role).await));
    }
    World {
        police_upload: police.upload_id.expect("stored"),
        app,
        tokens,
    }
}

/// Performs `operation` once with `token` and says what became of it.
async fn probe(world: &World, operation: Operation, token: Option<&str>) -> Outcome {
    let app = &world.app;
    let gql = |query: &'static str| async move {
        graphql_outcome(&app.graphql_as(token, query, Value::Null).await)
    };
    match operation {
        Operation::ReadRegistry => gql("{ memberUnits { code } organizations { id } }").await,
        Operation::ReadFigures => gql("{ overview { knownPeople } }").await,
        Operation::ReadCounts => gql("{ countsBy(dimension: NATIONALITY) { key count } }").await,
        Operation::ReadPeople => {
            gql("{ people(first: 5) { totalCount edges { node { documentNumber } } } }").await
        }
        Operation::SearchPeople => {
            gql(r#"{ people(first: 5, filter: { search: "A" }) { totalCount } }"#).await
        }
        Operation::ReadUploads => gql("{ uploads { id fileName } }").await,
        Operation::ReadRejections => {
            let path = format!("/api/uploads/{}/rejections.xlsx", world.police_upload);
            http_outcome(&app.get_as(token, &path).await)
        }
        Operation::Upload => {
            let bytes = fixture_bytes("airport_passengers.csv");
            let parts = [
                Part::File("file", "airport_passengers.csv", &bytes),
                Part::Text("dry_run", "true"),
            ];
            http_outcome(&app.upload_as(token, &parts).await)
        }
        Operation::DownloadTemplate => {
            http_outcome(&app.get_as(token, "/api/templates/visa_registry.xlsx").await)
        }
        Operation::SubmitDailyReport => {
            gql(r#"mutation { submitDailyReport(date: "2020-02-17", zero: true) { id } }"#).await
        }
        Operation::ReadDailyReports => {
            gql(r#"{ dailyReports(from: "2020-02-01", to: "2020-02-17") { id } }"#).await
        }
        Operation::ReadDailyReportStatus => {
            gql(r#"{ dailyReportStatus(date: "2020-02-17") { expected } }"#).await
        }
        Operation::ReadMerges => gql("{ pendingMerges { id } }").await,
        Operation::ResolveMerge => {
            gql(r#"mutation { resolveMerge(id: "999999", accept: false) { id } }"#).await
        }
        Operation::MergeOrganizations => {
            gql(r#"mutation { mergeOrganizations(keep: "999998", merge: "999999") { id } }"#).await
        }
        Operation::ManageUnits => {
            gql(r#"mutation { updateMemberUnit(code: "no_such_unit", active: true) { code } }"#)
                .await
        }
        Operation::ManageOrganizations => {
            gql(r#"mutation { updateOrganization(id: "999999", verified: true) { id } }"#).await
        }
        Operation::ManageTokens => gql("{ apiTokens { id } }").await,
        Operation::ReadAuditLog => gql("{ auditLog(first: 5) { id } }").await,
        Operation::ManageColumnMappings => gql("{ columnMappings { id } }").await,
        Operation::ReadSupplies => gql("{ supplies { donations { count } } }").await,
        Operation::ManageSupplyCatalogue => {
            gql(r#"mutation { addSupplyItemUnit(item: "no_such_item", unit: "箱") { code } }"#)
                .await
        }
    }
}

#[tokio::test]
async fn every_role_against_every_operation_follows_the_policy_table() {
    let world = world().await;
    let mut mismatches = Vec::new();
    for operation in Operation::ALL {
        let outcome = probe(&world, operation, None).await;
        if outcome != Outcome::Unauthenticated {
            mismatches.push(format!("{operation:?} without a token: {outcome:?}"));
        }
        for (role, token) in &world.tokens {
            let want = match operation.access(*role) {
                Access::Denied => Outcome::Forbidden,
                _ => Outcome::Allowed,
            };
            let got = probe(&world, operation, Some(token)).await;
            if got != want {
                mismatches.push(format!("{operation:?} as {role}: {got:?}, want {want:?}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[tokio::test]
async fn unknown_malformed_and_revoked_tokens_are_401() {
    let world = world().await;
    let app = &world.app;
    for token in ["hub_0000", "not a token", ""] {
        let response = app
            .graphql_as(Some(token), "{ memberUnits { code } }", Value::Null)
            .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{token}");
        assert_eq!(response.headers["www-authenticate"], "Bearer");
    }
    let analyst = app.token("fao", Role::Analyst).await;
    let query = "{ memberUnits { code } }";
    assert_eq!(
        app.graphql_as(Some(&analyst), query, Value::Null)
            .await
            .status,
        StatusCode::OK
    );
    let tokens = app
        .graphql("{ apiTokens { id name role active } }")
        .await
        .json();
    let id = tokens["data"]["apiTokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .rfind(|t| t["role"] == "ANALYST")
        .map(|t| t["id"].clone())
        .expect("the newest analyst token");
    let revoked = app
        .graphql_as(
            Some(&app.admin_token),
            "mutation($id: ID!) { revokeApiToken(id: $id) { active revokedAt } }",
            json!({ "id": id }),
        )
        .await
        .json();
    assert_eq!(
        revoked["data"]["revokeApiToken"]["active"], false,
        "{revoked}"
    );
    let after = app.graphql_as(Some(&analyst), query, Value::Null).await;
    assert_eq!(
        after.status,
        StatusCode::UNAUTHORIZED,
        "revoked tokens stop at once"
    );
}

/// `M12****78`: three characters, the mask, two characters.
fn is_masked(number: &str) -> bool {
    let chars: Vec<char> = number.chars().collect();
    chars.len() == 9 && chars[3..7].iter().all(|c| *c == '*') && !chars[..3].contains(&'*')
}

#[tokio::test]
async fn leaders_see_masked_numbers_and_no_birth_dates() {
    let world = world().await;
    let app = &world.app;
    let leader = app.token("fao", Role::Leader).await;
    let query = "{ people(first: 100) { totalCount edges { node {
        documentNumber birthDate name documents { kind number passportNumber }
        conflicts { attribute values { value } } } } } }";
    let body = app
        .graphql_as(Some(&leader), query, Value::Null)
        .await
        .json();
    assert!(body["errors"].is_null(), "{body}");
    let edges = body["data"]["people"]["edges"].as_array().expect("edges");
    assert!(!edges.is_empty());
    for edge in edges {
        let node = &edge["node"];
        let number = node["documentNumber"].as_str().expect("number");
        assert!(is_masked(number), "{number}");
        assert!(node["birthDate"].is_null(), "{node}");
        assert!(node["name"].is_string(), "names are shown: {node}");
        for document in node["documents"].as_array().expect("documents") {
            // A visa may have no number of its own; every number shown is masked.
            let numbers: Vec<&str> = ["number", "passportNumber"]
                .iter()
                .filter_map(|field| document[*field].as_str())
                .collect();
            assert!(!numbers.is_empty(), "{document}");
            assert!(numbers.iter().all(|n| n.contains("****")), "{document}");
        }
        for conflict in node["conflicts"].as_array().expect("conflicts") {
            assert_ne!(conflict["attribute"], "birth_date");
        }
    }
    let analyst = app.token("fao", Role::Analyst).await;
    let body = app
        .graphql_as(Some(&analyst), query, Value::Null)
        .await
        .json();
    let first = &body["data"]["people"]["edges"][0]["node"];
    assert!(
        !first["documentNumber"]
            .as_str()
            .unwrap_or("*")
            .contains('*')
    );

    let by_number = app
        .graphql_as(
            Some(&leader),
            r#"{ person(documentNumber: "M12345678", nationality: "KOR") { name } }"#,
            Value::Null,
        )
        .await
        .json();
    assert_eq!(by_number["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[tokio::test]
async fn an_uploader_sees_its_own_unit_only() {
    let world = world().await;
    let app = &world.app;
    let nepu = app.token("nepu", Role::Uploader).await;
    let expected = crate::fixtures::expected();
    let body = app
        .graphql_as(
            Some(&nepu),
            "{ people(first: 100) { totalCount edges { node { id
                sources { unitCode } documents { source { unitCode } } } } }
               uploads { unitCode } }",
            Value::Null,
        )
        .await
        .json();
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(
        body["data"]["people"]["totalCount"],
        expected["files"]["nepu_roster.xlsx"]["accepted"]
    );
    for edge in body["data"]["people"]["edges"].as_array().expect("edges") {
        for source in edge["node"]["sources"].as_array().expect("sources") {
            assert_eq!(source["unitCode"], "nepu", "only its own unit's facts");
        }
        for document in edge["node"]["documents"].as_array().expect("documents") {
            assert_eq!(document["source"]["unitCode"], "nepu");
        }
    }
    let uploads = body["data"]["uploads"].as_array().expect("uploads");
    assert!(!uploads.is_empty() && uploads.iter().all(|u| u["unitCode"] == "nepu"));

    // A police-only person (the overstayer) is unknown to NEPU.
    let overstayer = &expected["overstayer"];
    let analyst = app.token("fao", Role::Analyst).await;
    let found = app
        .graphql_as(
            Some(&analyst),
            "query($n: String!, $c: String!) { person(documentNumber: $n, nationality: $c) { id } }",
            json!({ "n": overstayer["passport"], "c": overstayer["nationality"] }),
        )
        .await
        .json();
    let id = found["data"]["person"]["id"].clone();
    assert!(id.is_string(), "{found}");
    let hidden = app
        .graphql_as(
            Some(&nepu),
            "query($id: ID) { person(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await
        .json();
    assert!(hidden["data"]["person"].is_null(), "{hidden}");

    // Another unit's uploads and rejections are refused.
    let other = app
        .graphql_as(
            Some(&nepu),
            r#"{ uploads(unit: "police") { id } }"#,
            Value::Null,
        )
        .await
        .json();
    assert_eq!(other["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let path = format!("/api/uploads/{}/rejections.xlsx", world.police_upload);
    let refused = app.get_as(Some(&nepu), &path).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.json()["error"]["code"], "FORBIDDEN");
    let rejections = app
        .graphql_as(
            Some(&nepu),
            "{ uploads { id rejections { row } } }",
            Value::Null,
        )
        .await
        .json();
    assert!(
        rejections["errors"].is_null(),
        "its own rejections: {rejections}"
    );
    // Counts are of its own people only.
    let counts = app
        .graphql_as(
            Some(&nepu),
            "{ countsBy(dimension: REPORTING_UNIT) { key count } }",
            Value::Null,
        )
        .await
        .json();
    let keys = texts_of(&counts["data"]["countsBy"], "key");
    assert!(keys.contains(&"nepu"), "{counts}");
}

#[tokio::test]
async fn the_audit_log_records_uploads_reads_and_admin_actions() {
    let world = world().await;
    let app = &world.app;
    let (_, uploader) = world
        .tokens
        .iter()
        .find(|(r, _)| *r == Role::Uploader)
        .expect("uploader");
    let bytes = fixture_bytes("police_health_checks.xlsx");
    let upload = app
        .upload_as(
            Some(uploader),
            &[Part::File("file", "police_health_checks.xlsx", &bytes)],
        )
        .await;
    assert_eq!(upload.status, StatusCode::OK, "{}", upload.body);
    let upload_id = upload.json()["upload_id"].as_i64().expect("id");
    let (_, analyst) = world
        .tokens
        .iter()
        .find(|(r, _)| *r == Role::Analyst)
        .expect("analyst");
    let person = app
        .graphql_as(
            Some(analyst),
            "{ people(first: 1) { edges { node { id } } } }",
            Value::Null,
        )
        .await
        .json();
    let person_id = person["data"]["people"]["edges"][0]["node"]["id"].clone();
    app.graphql_as(
        Some(analyst),
        "query($id: ID) { person(id: $id) { name } }",
        json!({ "id": person_id }),
    )
    .await;
    let path = format!("/api/uploads/{}/rejections.xlsx", world.police_upload);
    assert_eq!(
        app.get_as(Some(analyst), &path).await.status,
        StatusCode::OK
    );

    let log = app
        .graphql("{ auditLog(first: 100) { actor unitCode action target detail at } }")
        .await
        .json();
    let entries = log["data"]["auditLog"].as_array().expect("entries").clone();
    let has = |action: &str, target: &str| {
        entries
            .iter()
            .any(|e| e["action"] == action && e["target"].as_str() == Some(target))
    };
    assert!(has("upload", &format!("upload:{upload_id}")), "{log}");
    assert!(
        has(
            "read_person",
            &format!("person:{}", person_id.as_str().unwrap_or_default())
        ),
        "{log}"
    );
    assert!(has("read_people", "people"), "{log}");
    assert!(
        has(
            "read_rejections",
            &format!("upload:{}", world.police_upload)
        ),
        "{log}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "upload" && e["unitCode"] == "police")
    );
    let text = log.to_string();
    for (_, token) in &world.tokens {
        assert!(!text.contains(token.as_str()), "no token in the audit log");
    }
    let only_uploads = app
        .graphql(r#"{ auditLog(action: "upload", unit: "police") { action unitCode } }"#)
        .await
        .json();
    let uploads = only_uploads["data"]["auditLog"]
        .as_array()
        .expect("entries");
    assert!(!uploads.is_empty());
    assert!(
        uploads
            .iter()
            .all(|e| e["action"] == "upload" && e["unitCode"] == "police")
    );
}

#[tokio::test]
async fn admins_manage_units_organisations_and_tokens() {
    let app = spawn_app().await;
    let created = app
        .graphql(
            r#"mutation { createApiToken(unit: "nepu", role: UPLOADER, name: "nepu office") {
                token apiToken { id name role unit { code } active } } }"#,
        )
        .await
        .json();
    let token = created["data"]["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert!(token.starts_with("hub_"));
    assert_eq!(
        created["data"]["createApiToken"]["apiToken"]["unit"]["code"],
        "nepu"
    );
    let listed = app.graphql("{ apiTokens { name } }").await.body;
    assert!(!listed.contains(&token), "a token is shown once only");
    let me = app
        .graphql_as(Some(&token), "{ uploads { id } }", Value::Null)
        .await;
    assert_eq!(me.status, StatusCode::OK);

    let unit = app
        .graphql(
            r#"mutation { addMemberUnit(code: "daqing_bank", name: "大庆银行", kind: "enterprise") { code active } }"#,
        )
        .await
        .json();
    assert_eq!(
        unit["data"]["addMemberUnit"]["code"], "daqing_bank",
        "{unit}"
    );
    let off = app
        .graphql(r#"mutation { updateMemberUnit(code: "daqing_bank", active: false) { active } }"#)
        .await
        .json();
    assert_eq!(off["data"]["updateMemberUnit"]["active"], false, "{off}");
    let org = app
        .graphql(r#"mutation { addOrganization(name: "大庆测试科技有限公司", kind: "enterprise") { id verified } }"#)
        .await
        .json();
    let id = org["data"]["addOrganization"]["id"].clone();
    let renamed = app
        .graphql_as(
            Some(&app.admin_token),
            r#"mutation($id: ID!) { a: addOrganizationAlias(id: $id, alias: "测试科技") { id }
                 b: updateOrganization(id: $id, name: "大庆测试科技（集团）有限公司") { name } }"#,
            json!({ "id": id }),
        )
        .await
        .json();
    assert!(renamed["errors"].is_null(), "{renamed}");
    let found = app
        .graphql(r#"{ organizations(search: "测试科技") { name aliases } }"#)
        .await
        .json();
    let orgs = found["data"]["organizations"].as_array().expect("orgs");
    assert_eq!(orgs.len(), 1, "{found}");
    assert_eq!(orgs[0]["name"], "大庆测试科技（集团）有限公司");
    let aliases = orgs[0]["aliases"].to_string();
    assert!(
        aliases.contains("测试科技") && aliases.contains("大庆测试科技有限公司"),
        "{aliases}"
    );
    let duplicate = app
        .graphql(r#"mutation { addOrganization(name: "大庆测试科技有限公司", kind: "enterprise") { id } }"#)
        .await
        .json();
    assert_eq!(duplicate["errors"][0]["extensions"]["code"], "BAD_INPUT");
    let actions: Vec<String> =
        app.graphql("{ auditLog { action } }").await.json()["data"]["auditLog"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["action"].as_str().map(str::to_owned))
            .collect();
    for action in [
        "token_create",
        "unit_add",
        "unit_update",
        "organization_add",
        "organization_alias",
        "organization_update",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn introspection_and_graphiql_follow_the_setting() {
    let query = "{ __schema { queryType { name } } }";
    let dev = spawn_app().await;
    let body = dev.graphql(query).await.json();
    assert_eq!(
        body["data"]["__schema"]["queryType"]["name"], "Query",
        "{body}"
    );
    assert_eq!(dev.get("/graphql").await.status, StatusCode::OK);

    let production = spawn_app_with(|s| s.mode = hub::config::Mode::Production).await;
    let body = production.graphql(query).await.json();
    assert!(body["data"]["__schema"].is_null(), "{body}");
    assert_eq!(
        production.get("/graphql").await.status,
        StatusCode::NOT_FOUND
    );
    let normal = production.graphql("{ memberUnits { code } }").await.json();
    assert!(normal["errors"].is_null(), "{normal}");

    let opened = spawn_app_with(|s| {
        s.mode = hub::config::Mode::Production;
        s.graphql.introspection = Some(true);
    })
    .await;
    let body = opened.graphql(query).await.json();
    assert_eq!(
        body["data"]["__schema"]["queryType"]["name"], "Query",
        "{body}"
    );
}

#[tokio::test]
async fn a_token_over_its_rate_limit_gets_429() {
    let app = spawn_app_with(|s| s.http.rate_limit_per_minute = 3).await;
    let token = app.token("fao", Role::Analyst).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = app
            .graphql_as(Some(&token), "{ memberUnits { code } }", Value::Null)
            .await;
        if response.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(response.json()["error"]["code"], "RATE_LIMITED");
        }
        statuses.push(response.status);
    }
    assert_eq!(&statuses[..3], [StatusCode::OK; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
    let other = app.graphql("{ memberUnits { code } }").await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "tokens are limited separately"
    );
}

/// A server with the police visa list, the education bureau's students and the airport's
/// passengers imported (some students are on all three), with an education uploader's
/// token and an analyst's.
async fn three_units() -> (TestApp, String, String) {
    let app = spawn_app().await;
    import(&app.db, "police_visas.xlsx", "police").await;
    import(&app.db, "education_students.xlsx", "education").await;
    import(&app.db, "airport_passengers.csv", "airport").await;
    let education = app.token("education", Role::Uploader).await;
    let analyst = app.token("fao", Role::Analyst).await;
    (app, education, analyst)
}

/// What the rows of `unit`'s uploads gave of each person: id → (attribute → values).
async fn given_by(
    db: &sea_orm::DatabaseConnection,
    unit: &str,
) -> std::collections::HashMap<String, std::collections::HashMap<&'static str, Vec<Value>>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let unit = entity::member_unit::Entity::find()
        .filter(entity::member_unit::Column::Code.eq(unit))
        .one(db)
        .await
        .expect("units")
        .expect("the unit");
    let rows = entity::person_source::Entity::find()
        .filter(entity::person_source::Column::MemberUnitId.eq(unit.id))
        .all(db)
        .await
        .expect("sources");
    let mut given: std::collections::HashMap<_, std::collections::HashMap<_, Vec<Value>>> =
        Default::default();
    for row in rows {
        let values = given.entry(row.person_id.to_string()).or_default();
        for (attribute, value) in [
            ("name", row.latin_name.map(Value::from)),
            ("chineseName", row.chinese_name.map(Value::from)),
            ("sex", row.sex.map(Value::from)),
            (
                "birthDate",
                row.birth_date.map(|d| Value::from(d.to_string())),
            ),
        ] {
            values.entry(attribute).or_default().extend(value);
        }
    }
    given
}

#[tokio::test]
async fn an_uploader_sees_only_the_values_its_own_rows_gave() {
    let (app, education, analyst) = three_units().await;
    let query = r#"{ people(first: 100, filter: { reportedBy: ["education"] }) {
        totalCount edges { node { id name chineseName sex birthDate } } } }"#;
    let own = app.data_as(&education, query, Value::Null).await;
    let all = app.data_as(&analyst, query, Value::Null).await;
    assert_eq!(own["people"]["totalCount"], all["people"]["totalCount"]);
    let given = given_by(&app.db, "education").await;
    let mut hidden_birth_dates = 0;
    for (mine, everyone) in own["people"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .zip(all["people"]["edges"].as_array().expect("edges"))
    {
        let (mine, everyone) = (&mine["node"], &everyone["node"]);
        assert_eq!(mine["id"], everyone["id"]);
        let id = mine["id"].as_str().expect("an id");
        for attribute in ["name", "chineseName", "sex", "birthDate"] {
            let values = given
                .get(id)
                .and_then(|g| g.get(attribute))
                .cloned()
                .unwrap_or_default();
            if values.is_empty() {
                assert!(mine[attribute].is_null(), "{attribute} of {mine}");
            } else {
                assert!(values.contains(&mine[attribute]), "{attribute} of {mine}");
            }
        }
        if mine["birthDate"].is_null() && everyone["birthDate"].is_string() {
            hidden_birth_dates += 1;
        }
    }
    assert!(
        hidden_birth_dates > 0,
        "some students have a birth date only the police gave"
    );
}

#[tokio::test]
async fn an_uploaders_filters_and_counts_read_only_its_own_facts() {
    let (app, education, analyst) = three_units().await;
    let total = |data: &Value| data["people"]["totalCount"].as_i64().expect("a total");
    let query = "query($f: PersonFilter) { people(first: 1, filter: $f) { totalCount } }";
    let filters = [
        json!({ "reportedBy": ["police"] }),
        json!({ "reportedBy": ["airport"] }),
        json!({ "arrivedFrom": "2000-01-01T00:00:00Z", "arrivedTo": "2100-01-01T00:00:00Z" }),
        json!({ "or": [{ "departedFrom": "2000-01-01T00:00:00Z" }, { "reportedBy": ["police"] }] }),
    ];
    for filter in filters {
        // Of the students, the other units' facts match some…
        let scoped = json!({ "and": [filter, { "reportedBy": ["education"] }] });
        let everyone = app.data_as(&analyst, query, json!({ "f": scoped })).await;
        assert!(total(&everyone) > 0, "{filter}: {everyone}");
        // …but not for the education bureau, whose rows give none of them.
        let own = app.data_as(&education, query, json!({ "f": filter })).await;
        assert_eq!(total(&own), 0, "{filter}: {own}");
    }
    let counts = app
        .data_as(
            &education,
            "{ countsBy(dimension: REPORTING_UNIT) { key count } }",
            Value::Null,
        )
        .await;
    let keys = texts_of(&counts["countsBy"], "key");
    assert_eq!(keys, ["education"], "{counts}");
    let all = app
        .data_as(
            &analyst,
            r#"{ countsBy(dimension: REPORTING_UNIT, filter: { reportedBy: ["education"] }) { key } }"#,
            Value::Null,
        )
        .await;
    assert!(
        all["countsBy"].as_array().expect("counts").len() > 1,
        "{all}"
    );
}

#[tokio::test]
async fn a_one_row_upload_does_not_open_another_units_record() {
    let (app, education, analyst) = three_units().await;
    let overstayer = &crate::fixtures::expected()["overstayer"];
    let (number, nationality) = (
        overstayer["passport"].as_str().expect("a number"),
        overstayer["nationality"].as_str().expect("a nationality"),
    );
    let by_number =
        "query($n: String!, $c: String!) { person(documentNumber: $n, nationality: $c) {
        name sex birthDate healthChecks { checkedAt } documents { kind source { unitCode } }
        sources { unitCode } } }";
    let vars = json!({ "n": number, "c": nationality });
    let police = app.data_as(&analyst, by_number, vars.clone()).await;
    let name = police["person"]["name"]
        .as_str()
        .expect("the police give a name");
    assert!(police["person"]["birthDate"].is_string(), "{police}");
    let before = app.data_as(&education, by_number, vars.clone()).await;
    assert!(before["person"].is_null(), "{before}");

    let file = format!("护照号码,国籍\n{number},{nationality}\n");
    let upload = app
        .upload_as(
            Some(&education),
            &[
                Part::File("file", "one_row.csv", file.as_bytes()),
                Part::Text("kind", "student_roster"),
            ],
        )
        .await;
    assert_eq!(upload.status, StatusCode::OK, "{}", upload.body);

    let after = app.data_as(&education, by_number, vars).await;
    let person = &after["person"];
    for attribute in ["name", "sex", "birthDate"] {
        assert!(person[attribute].is_null(), "{attribute}: {after}");
    }
    assert_eq!(person["healthChecks"], json!([]), "{after}");
    for list in ["documents", "sources"] {
        for item in person[list].as_array().expect("a list") {
            let unit = item["unitCode"]
                .as_str()
                .or(item["source"]["unitCode"].as_str());
            assert_eq!(unit, Some("education"), "{after}");
        }
    }
    let search = "query($s: String!) { people(first: 5, filter: { search: $s }) {
        totalCount edges { node { name birthDate } } } }";
    let found = app
        .data_as(&education, search, json!({ "s": number }))
        .await;
    assert_eq!(found["people"]["totalCount"], 1, "{found}");
    assert!(
        found["people"]["edges"][0]["node"]["name"].is_null(),
        "{found}"
    );
    let by_name = app.data_as(&education, search, json!({ "s": name })).await;
    assert_eq!(by_name["people"]["totalCount"], 0, "{by_name}");
}

#[tokio::test]
async fn an_exports_searched_number_is_masked_in_the_audit_log() {
    let (app, education, analyst) = three_units().await;
    let number = crate::fixtures::expected()["overstayer"]["passport"]
        .as_str()
        .expect("a number")
        .to_owned();
    for token in [&analyst, &education] {
        let path = format!("/api/exports/people.xlsx?search={number}");
        let export = app.get_as(Some(token), &path).await;
        assert_eq!(export.status, StatusCode::OK, "{}", export.body);
    }
    let log = app
        .graphql(r#"{ auditLog(first: 100, action: "read_people") { target detail } }"#)
        .await
        .json();
    let exports = items_where(&log["data"]["auditLog"], "target", "export:people");
    assert_eq!(exports.len(), 2, "{log}");
    let masked = hub::auth::masking::document_number(&number);
    for entry in exports {
        let text = entry["detail"].to_string();
        assert!(!text.contains(&number), "{text}");
        assert!(text.contains(&masked), "{text}");
    }
}

#[tokio::test]
async fn requests_without_a_live_token_are_limited_per_address() {
    let app = spawn_app_with(|s| s.http.failed_auth_per_minute = 3).await;
    let query = "{ memberUnits { code } }";
    let mut statuses = Vec::new();
    for token in [
        Some("hub_0000"),
        None,
        Some("not a token"),
        Some("hub_1111"),
        None,
    ] {
        let response = app.graphql_as(token, query, Value::Null).await;
        if response.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(response.json()["error"]["code"], "RATE_LIMITED");
        }
        statuses.push(response.status);
    }
    assert_eq!(&statuses[..3], [StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(&statuses[3..], [StatusCode::TOO_MANY_REQUESTS; 2]);
    let upload = app
        .upload_as(Some("hub_2222"), &[Part::Text("kind", "visa_registry")])
        .await;
    assert_eq!(
        upload.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        upload.body
    );

    let unlimited = spawn_app_with(|s| s.http.failed_auth_per_minute = 0).await;
    for _ in 0..5 {
        let response = unlimited
            .graphql_as(Some("hub_0000"), query, Value::Null)
            .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    }
}
