//! The GraphQL schema, executed in-process.

use serde_json::Value;

use crate::helpers::{execute, schema, strings_of};

fn names(response: &Value) -> Vec<String> {
    response["data"]["organizations"]
        .as_array()
        .unwrap_or_else(|| panic!("no organizations: {response}"))
        .iter()
        .filter_map(|o| o["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn member_units_have_code_name_and_kind() {
    let (schema, _db) = schema().await;
    let response = execute(&schema, "{ memberUnits { code name kind active } }").await;
    let units = response["data"]["memberUnits"].as_array().expect("a list");
    assert_eq!(units.len(), 31);
    let police = units
        .iter()
        .find(|u| u["code"] == "police")
        .expect("the police unit");
    assert_eq!(police["name"], "大庆市公安局出入境管理局");
    assert_eq!(police["kind"], "police");
    assert_eq!(police["active"], true);
}

#[tokio::test]
async fn organization_search_finds_a_chinese_alias() {
    let (schema, _db) = schema().await;
    let response = execute(
        &schema,
        r#"{ organizations(search: "哈医大") { name aliases kind verified } }"#,
    )
    .await;
    let orgs = response["data"]["organizations"]
        .as_array()
        .expect("a list");
    let hmu = orgs
        .iter()
        .find(|o| o["name"] == "哈尔滨医科大学大庆校区")
        .unwrap_or_else(|| panic!("哈医大 must find 哈尔滨医科大学大庆校区: {response}"));
    let aliases = strings_of(&hmu["aliases"]);
    assert!(aliases.contains(&"哈医大大庆校区"), "{aliases:?}");
    assert_eq!(hmu["verified"], true);
}

#[tokio::test]
async fn organization_search_is_case_insensitive_on_names_and_aliases() {
    let (schema, _db) = schema().await;
    let nepu = execute(&schema, r#"{ organizations(search: "nepu") { name } }"#).await;
    assert!(names(&nepu).contains(&"东北石油大学".to_owned()), "{nepu}");

    let harbin = execute(
        &schema,
        r#"{ organizations(search: "HARBIN medical") { name } }"#,
    )
    .await;
    assert_eq!(names(&harbin), ["哈尔滨医科大学大庆校区"]);

    let by_name = execute(&schema, r#"{ organizations(search: "万达嘉华") { name } }"#).await;
    assert_eq!(names(&by_name), ["大庆万达嘉华酒店"]);

    let full_width = execute(&schema, r#"{ organizations(search: "ＮＥＰＵ") { name } }"#).await;
    assert_eq!(names(&full_width), ["东北石油大学"]);

    let brackets = execute(
        &schema,
        r#"{ organizations(search: "Harbin Medical University（Daqing）") { name } }"#,
    )
    .await;
    assert_eq!(names(&brackets), ["哈尔滨医科大学大庆校区"]);

    let wildcard = execute(&schema, r#"{ organizations(search: "%") { name } }"#).await;
    assert!(
        names(&wildcard).is_empty(),
        "% is not a wildcard: {wildcard}"
    );
}

#[tokio::test]
async fn organizations_without_search_list_the_registry() {
    let (schema, _db) = schema().await;
    let all = execute(&schema, "{ organizations { name aliases } }").await;
    let all = names(&all);
    for expected in [
        "哈尔滨医科大学大庆校区",
        "飞龙温泉景区",
        "大庆龙唐世纪酒店",
        "中国石油大庆炼化公司",
    ] {
        assert!(all.contains(&expected.to_owned()), "missing {expected}");
    }
}

#[tokio::test]
async fn variables_work_like_literals() {
    let (schema, _db) = schema().await;
    let request =
        async_graphql::Request::new("query($q: String) { organizations(search: $q) { name } }")
            .variables(async_graphql::Variables::from_json(
                serde_json::json!({ "q": "大庆医专" }),
            ))
            .data(hub::auth::Principal::cli("test"));
    let response = serde_json::to_value(schema.execute(request).await).expect("json");
    assert_eq!(names(&response), ["大庆医学高等专科学校"]);
}

#[tokio::test]
async fn the_depth_limit_rejects_an_over_deep_query() {
    let (schema, _db) = schema().await;
    let mut query = String::from("{ __schema { types { fields { type { ");
    for _ in 0..14 {
        query.push_str("ofType { ");
    }
    query.push_str("name ");
    query.push_str(&"} ".repeat(14 + 4));
    query.push('}');
    let response = execute(&schema, &query).await;
    assert!(response["data"].is_null(), "{response}");
    let error = &response["errors"][0];
    assert!(
        error["message"].as_str().unwrap_or("").contains("too deep"),
        "{response}"
    );
    assert_eq!(error["extensions"]["code"], "BAD_INPUT");
}

#[tokio::test]
async fn graphiqls_introspection_query_fits_the_default_limits() {
    let (schema, _db) = schema().await;
    let response = execute(&schema, INTROSPECTION).await;
    assert!(response.get("errors").is_none(), "{response}");
    assert!(response["data"]["__schema"]["types"].is_array());
}

#[tokio::test]
async fn errors_carry_a_public_code() {
    let (schema, _db) = schema().await;
    let response = execute(&schema, "{ noSuchField }").await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "BAD_INPUT");
    let response = execute(&schema, "{ memberUnits { code ").await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "BAD_INPUT");
}

/// A query of `levels` fragments, each spreading the one below twice: 3 × 2^levels fields
/// once expanded, in about 45 bytes a level.
pub fn fan_out(levels: usize) -> String {
    let mut query = String::from("fragment F0 on MemberUnit { code name kind }\n");
    for i in 1..=levels {
        query.push_str(&format!(
            "fragment F{i} on MemberUnit {{ ...F{p} ...F{p} }}\n",
            p = i - 1
        ));
    }
    query.push_str(&format!("{{ memberUnits {{ ...F{levels} }} }}"));
    query
}

/// The schema over a fresh database with `limits`, in the given mode's manner.
async fn schema_with(
    limits: hub::config::GraphqlLimits,
    suggestions: bool,
) -> (hub::HubSchema, crate::helpers::TestDatabase) {
    let database = crate::helpers::TestDatabase::new().await;
    let db = database.connect_migrated().await;
    let config = hub::graphql::SchemaConfig {
        limits,
        suggestions,
        ..Default::default()
    };
    (hub::build_schema(db, config), database)
}

#[tokio::test]
async fn a_fragment_fan_out_is_refused_before_it_runs() {
    let (schema, _db) = schema().await;
    let query = fan_out(25);
    assert!(query.len() < 1300, "{} bytes", query.len());
    let response = execute(&schema, &query).await;
    assert!(response["data"].is_null(), "{response}");
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "QUERY_TOO_LARGE",
        "{response}"
    );
}

#[tokio::test]
async fn the_field_limit_counts_expanded_fragments() {
    let limits = hub::config::GraphqlLimits {
        max_fields: 25,
        ..Default::default()
    };
    let (schema, _db) = schema_with(limits, true).await;
    // 1 + 3 × 2^3 = 25 fields: at the limit.
    let within = execute(&schema, &fan_out(3)).await;
    assert!(within.get("errors").is_none(), "{within}");
    assert_eq!(
        within["data"]["memberUnits"][0]["code"]
            .as_str()
            .map(str::is_empty),
        Some(false)
    );
    let over = execute(&schema, &fan_out(4)).await;
    assert_eq!(
        over["errors"][0]["extensions"]["code"], "QUERY_TOO_LARGE",
        "{over}"
    );
    let plain = execute(
        &schema,
        "{ a: memberUnits { code name } b: memberUnits { code name } }",
    )
    .await;
    assert!(plain.get("errors").is_none(), "{plain}");
}

#[tokio::test]
async fn hundreds_of_aliased_counts_exceed_the_complexity_limit() {
    let (schema, _db) = schema().await;
    // 450 × 2 fields: under the limit if every field counted 1.
    let mut query = String::from("{");
    for i in 0..450 {
        query.push_str(&format!(
            " c{i}: countsBy(dimension: NATIONALITY, asOf: \"2020-01-01T00:{:02}:{:02}Z\") {{ key }}",
            i / 60,
            i % 60
        ));
    }
    query.push('}');
    let response = execute(&schema, &query).await;
    assert!(response["data"].is_null(), "{response}");
    let error = &response["errors"][0];
    assert!(
        error["message"]
            .as_str()
            .unwrap_or("")
            .contains("too complex"),
        "{response}"
    );
    assert_eq!(error["extensions"]["code"], "BAD_INPUT");

    // The dashboard's figures: an overview, three groupings and the trend fit.
    let dashboard = r#"{
      overview { asOf knownPeople presentPeople countries managingUnits arrivals departures expiringVisas expiredVisas }
      byCountry: countsBy(dimension: NATIONALITY) { key label count }
      byManaging: countsBy(dimension: MANAGING_UNIT) { key label count }
      byReporting: countsBy(dimension: REPORTING_UNIT) { key label count }
      trend: presentTrend(from: "2020-01-18", to: "2020-02-17") { day present }
      uploads(first: 8) { id unitName kind fileName uploadedAt status rows { accepted rejected } }
    }"#;
    let response = execute(&schema, dashboard).await;
    assert!(response.get("errors").is_none(), "{response}");
}

#[tokio::test]
async fn production_errors_suggest_no_names() {
    let typos = [
        "{ memberUnit { code } }",
        "{ memberUnits { cod } }",
        r#"{ organizations(serch: "x") { name } }"#,
    ];
    let (dev, _dev_db) = schema_with(Default::default(), true).await;
    let (production, _production_db) = schema_with(Default::default(), false).await;
    for typo in typos {
        let response = execute(&dev, typo).await;
        assert!(
            response["errors"].to_string().contains("Did you mean"),
            "dev: {response}"
        );
        let response = execute(&production, typo).await;
        let errors = response["errors"].to_string();
        assert!(!errors.contains("Did you mean"), "production: {response}");
        assert_eq!(
            response["errors"][0]["extensions"]["code"], "BAD_INPUT",
            "{response}"
        );
    }
}

/// The introspection query GraphiQL sends (graphql-js `getIntrospectionQuery`, with a type
/// depth of 9 as in graphql-js 17).
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description
  type { ...TypeRef }
  defaultValue
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name
    ofType { kind name
      ofType { kind name
        ofType { kind name
          ofType { kind name
            ofType { kind name
              ofType { kind name
                ofType { kind name
                  ofType { kind name }
                }
              }
            }
          }
        }
      }
    }
  }
}
"#;
