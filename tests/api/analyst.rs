//! The analyst's API over HTTP with real tokens: answers right at every time
//! `expected.json` names, typed filters with operators, the presence every list, count and
//! export covers, cross counts, filtered trends, and unknown parameters refused.

use crate::fixtures::{expected, fixture_files, import};
use crate::helpers::{TestApp, spawn_app};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use hub::auth::Role;
use serde_json::{Value, json};

/// A server with every fixture imported, and an analyst's token.
async fn city() -> (TestApp, String) {
    let app = spawn_app().await;
    for (name, unit, _) in fixture_files() {
        import(&app.db, &name, &unit).await;
    }
    let analyst = app.token("fao", Role::Analyst).await;
    (app, analyst)
}

/// The first error's code of an answer expected to fail.
async fn error_as(app: &TestApp, token: &str, query: &str, variables: Value) -> String {
    let body = app.graphql_as(Some(token), query, variables).await.json();
    assert!(body["errors"].is_array(), "{body}");
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

fn sum(list: &Value) -> i64 {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|c| c["count"].as_i64().expect("a count"))
        .sum()
}

#[tokio::test]
async fn lists_counts_and_cross_counts_agree_at_every_time_expected_json_names() {
    let (app, analyst) = city().await;
    let expected = expected();
    let known = expected["known_people"].as_i64().expect("known");
    let present_at = expected["present_at"].as_object().expect("present_at");
    assert!(present_at.len() >= 4);
    for (time, want) in present_at {
        let data = app
            .data_as(
                &analyst,
                "query($t: DateTime!) {
                overview(asOf: $t) { presentPeople knownPeople }
                present: people(first: 1, asOf: $t) { totalCount present }
                everyone: people(first: 1, asOf: $t, filter: { present: null }) { totalCount present }
                away: people(first: 1, asOf: $t, filter: { present: false }) { totalCount present }
                byNationality: countsBy(dimension: NATIONALITY, asOf: $t) { count }
                awayByNationality: countsBy(dimension: NATIONALITY, asOf: $t, filter: { present: false }) { count }
                cells: crossCounts(rows: NATIONALITY, columns: MANAGING_UNIT, asOf: $t) { row column count }
                }",
                json!({ "t": time }),
            )
            .await;
        let want = want.as_i64().expect("a count");
        assert_eq!(data["overview"]["presentPeople"], json!(want), "{time}");
        assert_eq!(data["present"]["totalCount"], json!(want), "{time}");
        assert_eq!(data["present"]["present"], json!(true), "lists state it");
        assert_eq!(data["everyone"]["totalCount"], json!(known), "{time}");
        assert_eq!(data["everyone"]["present"], Value::Null);
        assert_eq!(data["away"]["totalCount"], json!(known - want), "{time}");
        assert_eq!(sum(&data["byNationality"]), want, "{time}");
        assert_eq!(sum(&data["awayByNationality"]), known - want, "{time}");
        assert_eq!(sum(&data["cells"]), want, "cross counts sum at {time}");
    }
}

#[tokio::test]
async fn the_overstayers_nested_checks_in_a_list_are_those_made_by_as_of() {
    let (app, analyst) = city().await;
    let overstayer = &expected()["overstayer"];
    for (time, want) in overstayer["health_checks_at"]
        .as_object()
        .expect("health_checks_at")
    {
        let data = app
            .data_as(
                &analyst,
                "query($n: String!, $t: DateTime!) {
                people(asOf: $t, filter: { present: null, documentNumber: { eq: $n } }) {
                    edges { node { healthChecks { checkedAt } } } } }",
                json!({ "n": overstayer["passport"], "t": time }),
            )
            .await;
        let edges = data["people"]["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), 1, "{data}");
        let checks = edges[0]["node"]["healthChecks"].as_array().expect("checks");
        assert_eq!(Some(checks.len() as u64), want.as_u64(), "as of {time}");
    }
}

#[tokio::test]
async fn typed_filters_hold_for_every_person_they_return() {
    let (app, analyst) = city().await;
    let everyone = |data: &Value| data["people"]["totalCount"].as_i64().expect("a total");
    let query =
        "query($f: PersonFilter) { people(first: 500, filter: $f) { totalCount edges { node {
        name sex affiliations { role active organization { name kind } }
        healthChecks { temperature } documents { kind validUntil } } } } }";
    let list = |data: &Value| -> Vec<Value> {
        data["people"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"].clone())
            .collect()
    };

    // An affiliation as a student at a university, in force.
    let students = app
        .data_as(
            &analyst,
            query,
            json!({ "f": { "present": null, "affiliation": {
                "role": { "eq": "STUDENT" }, "organizationKind": { "in": ["university"] }, "active": true } } }),
        )
        .await;
    assert!(everyone(&students) > 0, "{students}");
    for person in list(&students) {
        let holds = person["affiliations"]
            .as_array()
            .expect("affs")
            .iter()
            .any(|a| {
                a["role"] == "student"
                    && a["active"] == true
                    && a["organization"]["kind"] == "university"
            });
        assert!(holds, "{person}");
    }
    // Operators narrow: a visa expiring before a day is a subset of visas known at all.
    let known_visa = everyone(
        &app.data_as(
            &analyst,
            query,
            json!({ "f": { "present": null, "visaValidUntil": { "isNull": false } } }),
        )
        .await,
    );
    let early = app
        .data_as(
            &analyst,
            query,
            json!({ "f": { "present": null, "document": { "kind": { "eq": "visa" }, "validUntil": { "lte": "2020-02-16" } } } }),
        )
        .await;
    assert!(
        everyone(&early) > 0 && everyone(&early) < known_visa,
        "{early}"
    );
    for person in list(&early) {
        let holds = person["documents"]
            .as_array()
            .expect("docs")
            .iter()
            .any(|d| {
                d["kind"] == "visa" && d["validUntil"].as_str().is_some_and(|v| v <= "2020-02-16")
            });
        assert!(holds, "{person}");
    }
    // Checks, counted sources and names: each answer checked against what it returns.
    let checked = app
        .data_as(
            &analyst,
            query,
            json!({ "f": { "present": null, "healthCheck": { "temperature": { "gte": 30.0 } } } }),
        )
        .await;
    assert!(everyone(&checked) > 0, "{checked}");
    for person in list(&checked) {
        assert!(
            person["healthChecks"]
                .as_array()
                .expect("checks")
                .iter()
                .any(|c| c["temperature"].as_f64().is_some_and(|t| t >= 30.0)),
            "{person}"
        );
    }
    let many = everyone(
        &app.data_as(
            &analyst,
            query,
            json!({ "f": { "present": null, "reportingUnits": { "gte": 2 } } }),
        )
        .await,
    );
    let one = everyone(
        &app.data_as(
            &analyst,
            query,
            json!({ "f": { "present": null, "reportingUnits": { "lte": 1 } } }),
        )
        .await,
    );
    assert!(many > 0 && one > 0, "{many} {one}");
    assert_eq!(
        many + one,
        expected()["known_people"].as_i64().expect("known")
    );
    let women = app
        .data_as(
            &analyst,
            query,
            json!({ "f": { "present": null, "sex": { "eq": "f" }, "name": { "isNull": false } } }),
        )
        .await;
    assert!(everyone(&women) > 0);
    assert!(
        list(&women)
            .iter()
            .all(|p| p["sex"] == "F" && p["name"].is_string())
    );

    // A misspelt condition or operator is an error, not everyone.
    for bad in [
        json!({ "affiliation": { "rol": { "eq": "student" } } }),
        json!({ "sex": { "equals": "F" } }),
        json!({ "nationalty": ["KOR"] }),
        json!({ "stay": { "hotel": { "eq": "not-an-id" } } }),
    ] {
        let code = error_as(&app, &analyst, query, json!({ "f": bad })).await;
        assert!(!code.is_empty(), "{bad}");
    }
}

#[tokio::test]
async fn uploaders_filter_and_cross_count_through_their_own_facts_and_leaders_do_not_search() {
    let (app, analyst) = city().await;
    let education = app.token("education", Role::Uploader).await;
    let leader = app.token("fao", Role::Leader).await;
    // Police checks are no fact of the education bureau's uploads.
    let query = r#"{ people(filter: { present: null, healthCheck: { checkedAt: { isNull: false } } }) { totalCount } }"#;
    let all = app.data_as(&analyst, query, Value::Null).await;
    assert!(all["people"]["totalCount"].as_i64().is_some_and(|n| n > 0));
    let own = app.data_as(&education, query, Value::Null).await;
    assert_eq!(own["people"]["totalCount"], 0, "{own}");
    let cells = app
        .data_as(
            &education,
            "{ crossCounts(rows: REPORTING_UNIT, columns: NATIONALITY) { row } }",
            Value::Null,
        )
        .await;
    let rows: Vec<&Value> = cells["crossCounts"]
        .as_array()
        .expect("cells")
        .iter()
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|c| c["row"] == "education"), "{cells}");
    let code = error_as(
        &app,
        &leader,
        r#"{ people(filter: { name: { contains: "A" } }) { totalCount } }"#,
        Value::Null,
    )
    .await;
    assert_eq!(code, "FORBIDDEN");
    // Pages: 500 for analysts, 100 for leaders.
    app.data_as(
        &analyst,
        "{ people(first: 500) { totalCount } }",
        Value::Null,
    )
    .await;
    let code = error_as(
        &app,
        &leader,
        "{ people(first: 101) { totalCount } }",
        Value::Null,
    )
    .await;
    assert_eq!(code, "BAD_INPUT");
}

#[tokio::test]
async fn a_filtered_trend_counts_the_filtered_present_people_each_day() {
    let (app, analyst) = city().await;
    let data = app
        .data_as(
            &analyst,
            r#"{ all: presentTrend(from: "2020-02-01", to: "2020-02-17") { day present }
             kor: presentTrend(from: "2020-02-01", to: "2020-02-17", filter: { nationality: ["KOR"] }) { day present }
             korNow: countsBy(dimension: NATIONALITY, asOf: "2020-02-17T15:59:59Z", filter: { nationality: ["KOR"] }) { count } }"#,
            Value::Null,
        )
        .await;
    let all = data["all"].as_array().expect("points");
    let kor = data["kor"].as_array().expect("points");
    assert_eq!(all.len(), kor.len());
    for (a, k) in all.iter().zip(kor) {
        assert!(k["present"].as_i64() < a["present"].as_i64(), "{a} {k}");
    }
    assert_eq!(
        kor.last().map(|p| p["present"].as_i64()),
        Some(Some(sum(&data["korNow"])))
    );
}

#[tokio::test]
async fn the_export_refuses_unknown_parameters_and_takes_typed_conditions() {
    let (app, analyst) = city().await;
    let ok = app
        .get_as(Some(&analyst), "/api/exports/people.xlsx?present=all")
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    for path in [
        "/api/exports/people.xlsx?nationalty=KOR",
        "/api/exports/people.xlsx?present=maybe",
        "/api/exports/people.xlsx?filter=%7B%22sx%22%3A%7B%22eq%22%3A%22F%22%7D%7D",
    ] {
        let refused = app.get_as(Some(&analyst), path).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            refused.body
        );
        assert_eq!(refused.json()["error"]["code"], "BAD_INPUT", "{path}");
    }
    // {"sex":{"eq":"F"}}
    let typed = app
        .get_as(
            Some(&analyst),
            "/api/exports/people.xlsx?filter=%7B%22sex%22%3A%7B%22eq%22%3A%22F%22%7D%7D",
        )
        .await;
    assert_eq!(typed.status, StatusCode::OK, "{}", typed.body);
    assert!(typed.bytes.len() < ok.bytes.len());
}

#[tokio::test]
async fn names_are_found_in_any_word_order_and_numbers_despite_confusions() {
    let (app, analyst) = city().await;
    let page = app
        .data_as(
            &analyst,
            "{ people(first: 200, filter: { present: null }) { edges { node { id name } } } }",
            Value::Null,
        )
        .await;
    let (id, name) = page["people"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| {
            Some((
                e["node"]["id"].clone(),
                e["node"]["name"].as_str()?.to_owned(),
            ))
        })
        .find(|(_, name)| name.split(' ').count() == 2)
        .expect("a person with a two-word name");
    let words: Vec<&str> = name.split(' ').collect();
    let query = "query($s: String!) { people(first: 50, filter: { present: null, search: $s }) {
        edges { node { id } } } }";
    let ids = |data: &Value| -> Vec<Value> {
        data["people"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["id"].clone())
            .collect()
    };
    for written in [
        format!("{} {}", words[1], words[0]),
        format!("{}/{}", words[1], words[0]),
        format!("{}, {}", words[0].to_lowercase(), words[1]),
        format!("{}{}", words[0], words[1]),
    ] {
        let found = app.data_as(&analyst, query, json!({ "s": written })).await;
        assert!(ids(&found).contains(&id), "{written}: {found}");
    }

    let overstayer = expected()["overstayer"]["passport"]
        .as_str()
        .expect("a number")
        .to_owned();
    let spaced: String = overstayer
        .chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let c = match c {
                '0' => 'O',
                '1' => 'I',
                c => c.to_ascii_lowercase(),
            };
            if i % 3 == 2 {
                vec![c, '-']
            } else {
                vec![c, ' ']
            }
        })
        .collect();
    let found = app.data_as(&analyst, query, json!({ "s": spaced })).await;
    assert_eq!(ids(&found).len(), 1, "{spaced}: {found}");

    // One character changed: not found, but suggested.
    let mut changed: Vec<char> = overstayer.chars().collect();
    let last = changed.len() - 1;
    changed[last] = if changed[last] == '7' { '8' } else { '7' };
    let changed: String = changed.into_iter().collect();
    let found = app.data_as(&analyst, query, json!({ "s": changed })).await;
    assert!(ids(&found).is_empty(), "{found}");
    let suggested = app
        .data_as(
            &analyst,
            "query($n: String!) { searchSuggestions(number: $n) { documentNumber } }",
            json!({ "n": changed }),
        )
        .await;
    let numbers: Vec<&Value> = suggested["searchSuggestions"]
        .as_array()
        .expect("list")
        .iter()
        .collect();
    assert!(
        numbers
            .iter()
            .any(|p| p["documentNumber"] == json!(overstayer)),
        "{suggested}"
    );
    let leader = app.token("fao", Role::Leader).await;
    let code = error_as(
        &app,
        &leader,
        "query($n: String!) { searchSuggestions(number: $n) { id } }",
        json!({ "n": changed }),
    )
    .await;
    assert_eq!(code, "FORBIDDEN");
}

/// Every person of a list, a page of `first` at a time through its cursors.
async fn walk(
    app: &TestApp,
    token: &str,
    order: &str,
    direction: &str,
    field: &str,
) -> Vec<(Value, Value)> {
    let query = format!(
        "query($after: String) {{ people(first: 37, after: $after, orderBy: {order}, direction: {direction},
            filter: {{ present: null }}) {{ totalCount pageInfo {{ hasNextPage endCursor }}
            edges {{ node {{ id {field} }} }} }} }}"
    );
    let key = field.split_whitespace().next().unwrap_or(field).to_owned();
    let mut after = Value::Null;
    let mut seen = Vec::new();
    loop {
        let data = app.data_as(token, &query, json!({ "after": after })).await;
        let people = &data["people"];
        for edge in people["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            let value = match key.as_str() {
                "managingUnit" => node["managingUnit"]["name"].clone(),
                _ => node[key.as_str()].clone(),
            };
            seen.push((node["id"].clone(), value));
        }
        if people["pageInfo"]["hasNextPage"] != true {
            assert_eq!(people["totalCount"].as_u64(), Some(seen.len() as u64));
            return seen;
        }
        after = people["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn lists_sort_on_any_field_both_ways_and_page_by_keyset_cursors() {
    let (app, analyst) = city().await;
    let known = expected()["known_people"].as_u64().expect("known") as usize;
    for (order, field) in [
        ("BIRTH_DATE", "birthDate"),
        ("NAME", "name"),
        ("DOCUMENT_NUMBER", "documentNumber"),
        ("MANAGING_UNIT", "managingUnit { name }"),
        ("VISA_STATUS", "visaStatus"),
    ] {
        for direction in ["ASC", "DESC"] {
            let seen = walk(&app, &analyst, order, direction, field).await;
            assert_eq!(seen.len(), known, "{order} {direction}");
            let mut ids: Vec<String> = seen.iter().map(|(id, _)| id.to_string()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), known, "{order} {direction}: no one twice");
            // Empty values last; the rest in order (texts compared as the store sorts
            // them: checked on ASCII values only).
            let first_empty = seen
                .iter()
                .position(|(_, v)| v.is_null())
                .unwrap_or(seen.len());
            assert!(
                seen[first_empty..].iter().all(|(_, v)| v.is_null()),
                "{order} {direction}"
            );
            let values: Vec<&str> = seen[..first_empty]
                .iter()
                .filter_map(|(_, v)| v.as_str())
                .filter(|v| {
                    v.is_ascii() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
                .collect();
            let ordered = values.windows(2).all(|w| {
                let (a, b) = (w[0].to_uppercase(), w[1].to_uppercase());
                if direction == "ASC" { a <= b } else { a >= b }
            });
            if order != "NAME" && order != "MANAGING_UNIT" {
                assert!(ordered, "{order} {direction}: {values:?}");
            }
        }
    }
    // A cursor of one order is refused by another.
    let first = app
        .data_as(
            &analyst,
            "{ people(first: 2, orderBy: NAME) { pageInfo { endCursor } } }",
            Value::Null,
        )
        .await;
    let code = error_as(
        &app,
        &analyst,
        "query($a: String) { people(first: 2, orderBy: BIRTH_DATE, after: $a) { totalCount } }",
        json!({ "a": first["people"]["pageInfo"]["endCursor"] }),
    )
    .await;
    assert_eq!(code, "BAD_INPUT");
}

#[tokio::test]
async fn export_people_gives_an_address_that_downloads_the_same_list() {
    let (app, analyst) = city().await;
    let data = app
        .data_as(
            &analyst,
            r#"{ exportPeople(filter: { present: null, sex: { eq: "F" } }, orderBy: BIRTH_DATE, direction: DESC) { url }
             people(filter: { present: null, sex: { eq: "F" } }) { totalCount } }"#,
            Value::Null,
        )
        .await;
    let url = data["exportPeople"]["url"].as_str().expect("an address");
    assert!(url.starts_with("/api/exports/people.xlsx?"), "{url}");
    let file = app.get_as(Some(&analyst), url).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    let book = crate::web::sheets(&file.bytes);
    assert_eq!(
        Some(book[0].1.len() as i64 - 1),
        data["people"]["totalCount"].as_i64(),
        "{url}"
    );
    let leader = app.token("fao", Role::Leader).await;
    let code = error_as(
        &app,
        &leader,
        r#"{ exportPeople(filter: { name: { contains: "A" } }) { url } }"#,
        Value::Null,
    )
    .await;
    assert_eq!(code, "FORBIDDEN");
    // Nested and/or filters, ranges included, download the list `people` gives.
    let nested = r#"{ or: [
        { and: [{ nationality: ["KOR"] }, { sex: { eq: "F" } }] },
        { visaStatus: [EXPIRED], arrivedFrom: "2020-01-01T00:00:00Z" },
        { affiliation: { role: { eq: "student" } }, present: false } ] }"#;
    let data = app
        .data_as(
            &analyst,
            &format!(
                "{{ exportPeople(filter: {nested}, orderBy: NAME) {{ url }}
                people(filter: {nested}) {{ totalCount present }} }}"
            ),
            Value::Null,
        )
        .await;
    let url = data["exportPeople"]["url"].as_str().expect("an address");
    let file = app.get_as(Some(&analyst), url).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    let rows = crate::web::sheets(&file.bytes)[0].1.len() as i64 - 1;
    assert!(rows > 0, "{url}");
    assert_eq!(Some(rows), data["people"]["totalCount"].as_i64(), "{url}");
    // A filter too long for an address is refused with a clear message.
    let huge: Vec<String> = (0..1500).map(|i| format!("\"X{i:04}\"")).collect();
    let body = app
        .graphql_as(
            Some(&analyst),
            &format!(
                "{{ exportPeople(filter: {{ or: [{{ nationality: [{}] }}] }}) {{ url }} }}",
                huge.join(", ")
            ),
            Value::Null,
        )
        .await
        .json();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_INPUT",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("where: the filter is")),
        "{body}"
    );
}

#[tokio::test]
async fn changes_between_two_times_agree_with_the_lists_at_both_times() {
    let (app, analyst) = city().await;
    let (from, to) = ("2020-01-01T00:00:00+08:00", "2020-02-17T12:00:00+08:00");
    let data = app
        .data_as(
            &analyst,
            "query($from: DateTime!, $to: DateTime!) {
            changes(from: $from, to: $to) { totalCount items {
                kind at before after afterUnit { name }
                person { id documentNumber present managingUnit { name } }
                source { fileName row } } } }",
            json!({ "from": from, "to": to }),
        )
        .await;
    let items = data["changes"]["items"].as_array().expect("items");
    assert_eq!(
        data["changes"]["totalCount"].as_u64(),
        Some(items.len() as u64)
    );
    // Movements: each person's last one in the period decides their presence at `to`.
    let mut last: std::collections::HashMap<String, (&str, bool)> = Default::default();
    for item in items
        .iter()
        .filter(|i| i["kind"] == "ARRIVAL" || i["kind"] == "DEPARTURE")
    {
        assert!(item["source"]["fileName"].is_string(), "{item}");
        let at = item["at"].as_str().expect("a time");
        assert!(
            at > "2019-12-31T16:00:00" && at <= "2020-02-17T04:00:00Z",
            "{at}"
        );
        last.insert(
            item["person"]["id"].to_string(),
            (
                item["kind"].as_str().unwrap_or(""),
                item["person"]["present"] == true,
            ),
        );
    }
    assert!(!last.is_empty());
    for (person, (kind, present)) in &last {
        assert_eq!(*present, *kind == "ARRIVAL", "{person}");
    }
    // The overstayer's visa lapsed in the period, on the day after it expired.
    let overstayer = &expected()["overstayer"];
    let lapsed = items
        .iter()
        .find(|i| {
            i["kind"] == "VISA_STATUS" && i["person"]["documentNumber"] == overstayer["passport"]
        })
        .expect("the overstayer's visa change");
    assert_eq!(lapsed["after"], "EXPIRED");
    assert!(
        lapsed["at"]
            .as_str()
            .is_some_and(|at| at.starts_with("2020-01-10T16:00:00")),
        "{lapsed}"
    );
    // Managing-unit changes end at the unit each person has at `to`.
    for item in items.iter().filter(|i| i["kind"] == "MANAGING_UNIT") {
        assert_eq!(
            item["afterUnit"]["name"], item["person"]["managingUnit"]["name"],
            "{item}"
        );
    }
    // Everyone was first seen when the fixtures landed, after `to`: no one in the period…
    assert!(items.iter().all(|i| i["kind"] != "FIRST_SEEN"));
    // …and everyone since.
    let since = app
        .data_as(
            &analyst,
            r#"{ changes(from: "2021-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", kinds: [FIRST_SEEN], first: 5000) { totalCount } }"#,
            Value::Null,
        )
        .await;
    assert_eq!(since["changes"]["totalCount"], expected()["known_people"]);
    // An uploader sees only its own people's changes.
    let education = app.token("education", Role::Uploader).await;
    let own = app
        .data_as(
            &education,
            r#"{ changes(from: "2021-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", kinds: [FIRST_SEEN], first: 5000) { totalCount items { source { unitCode } } } }"#,
            Value::Null,
        )
        .await;
    let n = own["changes"]["totalCount"].as_i64().expect("a count");
    assert!(
        n > 0 && n < expected()["known_people"].as_i64().unwrap_or(0),
        "{own}"
    );
    assert!(
        own["changes"]["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["source"]["unitCode"] == "education")
    );
}

#[tokio::test]
async fn an_accepted_merge_keeps_the_absorbed_record_and_can_be_undone() {
    let (app, analyst) = city().await;
    // A unit lists someone already known under another number: a candidate match.
    let known = app
        .data_as(
            &analyst,
            "{ people(first: 500, filter: { present: null, birthDate: { isNull: false }, name: { isNull: false } }) {
            edges { node { name birthDate nationality { code } } } } }",
            Value::Null,
        )
        .await;
    let someone = known["people"]["edges"][0]["node"].clone();
    assert!(someone.is_object(), "{known}");
    let file = format!(
        "姓名,国籍,护照号码,出生日期\n{},{},ZQ7391046,{}\n",
        someone["name"].as_str().unwrap_or(""),
        someone["nationality"]["code"].as_str().unwrap_or(""),
        someone["birthDate"].as_str().unwrap_or("")
    );
    let education = app.token("education", Role::Uploader).await;
    let upload = app
        .upload_as(
            Some(&education),
            &[
                crate::helpers::Part::File("file", "one_row.csv", file.as_bytes()),
                crate::helpers::Part::Text("kind", "student_roster"),
            ],
        )
        .await;
    assert_eq!(upload.status, StatusCode::OK, "{}", upload.body);
    let merges = app
        .data_as(
            &analyst,
            "{ pendingMerges { id person { id } candidate { id documentNumber nationality { code } } } }",
            Value::Null,
        )
        .await;
    let merge = merges["pendingMerges"][0].clone();
    assert!(
        merge.is_object(),
        "the fixtures hold a candidate match: {merges}"
    );
    let (id, survivor, absorbed) = (
        merge["id"].clone(),
        merge["person"]["id"].clone(),
        merge["candidate"]["id"].clone(),
    );
    let facts = "query($p: ID!) { person(id: $p, asOf: \"2100-01-01T00:00:00Z\") {
        sources { fileName row } movements { occurredAt } documents { number }
        mergedRecords { mergeId documentNumber } } overview { knownPeople } }";
    let survivor_before = app.data_as(&analyst, facts, json!({ "p": survivor })).await;
    let absorbed_before = app.data_as(&analyst, facts, json!({ "p": absorbed })).await;
    assert!(absorbed_before["person"].is_object());
    let accept = app
        .data_as(
            &analyst,
            "mutation($id: ID!) { resolveMerge(id: $id, accept: true) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(accept["resolveMerge"]["status"], "accepted");

    // Merged: one person, the absorbed record shown as merged into the survivor, found by
    // its own number.
    let merged = app.data_as(&analyst, facts, json!({ "p": survivor })).await;
    let records = merged["person"]["mergedRecords"]
        .as_array()
        .expect("records");
    assert_eq!(records.len(), 1, "{merged}");
    assert_eq!(records[0]["mergeId"], id);
    assert_eq!(
        records[0]["documentNumber"],
        merge["candidate"]["documentNumber"]
    );
    assert_eq!(
        merged["overview"]["knownPeople"].as_i64(),
        survivor_before["overview"]["knownPeople"]
            .as_i64()
            .map(|n| n - 1)
    );
    let by_number = app
        .data_as(
            &analyst,
            "query($n: String!, $c: String!) { person(documentNumber: $n, nationality: $c) { id } }",
            json!({ "n": merge["candidate"]["documentNumber"], "c": merge["candidate"]["nationality"]["code"] }),
        )
        .await;
    assert_eq!(by_number["person"]["id"], survivor);

    // Undone by an analyst (not a leader): both records back with their facts.
    let leader = app.token("fao", Role::Leader).await;
    let undo = "mutation($id: ID!) { undoMerge(id: $id) { status } }";
    assert_eq!(
        error_as(&app, &leader, undo, json!({ "id": id })).await,
        "FORBIDDEN"
    );
    let undone = app.data_as(&analyst, undo, json!({ "id": id })).await;
    assert_eq!(undone["undoMerge"]["status"], "undone");
    let survivor_after = app.data_as(&analyst, facts, json!({ "p": survivor })).await;
    let absorbed_after = app.data_as(&analyst, facts, json!({ "p": absorbed })).await;
    assert_eq!(survivor_after["person"], survivor_before["person"]);
    assert_eq!(absorbed_after["person"], absorbed_before["person"]);
    assert_eq!(survivor_after["overview"], survivor_before["overview"]);
    assert_eq!(
        error_as(&app, &analyst, undo, json!({ "id": id })).await,
        "BAD_INPUT"
    );

    // The audit log shows both decisions.
    let log = app
        .graphql(r#"{ auditLog(first: 100) { action target } }"#)
        .await
        .json();
    let target = format!("pending_merge:{}", id.as_str().unwrap_or(""));
    let actions: Vec<&str> = log["data"]["auditLog"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["target"] == json!(target))
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"resolve_merge") && actions.contains(&"undo_merge"),
        "{log}"
    );
}

/// The city as one upload made it, and a city where more landed afterwards: `(only, an
/// analyst's token of it, app, an analyst's token of it, then)`, with the police visa list
/// in both and the other fixtures in `app` only, landed after `then`.
pub(crate) async fn known_at() -> (TestApp, String, TestApp, String, DateTime<Utc>) {
    let only = spawn_app().await;
    import(&only.db, "police_visas.xlsx", "police").await;
    let app = spawn_app().await;
    import(&app.db, "police_visas.xlsx", "police").await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let then = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    for (name, unit, _) in fixture_files() {
        if name != "police_visas.xlsx" {
            import(&app.db, &name, &unit).await;
        }
    }
    let analyst = app.token("fao", Role::Analyst).await;
    let only_analyst = only.token("fao", Role::Analyst).await;
    (only, only_analyst, app, analyst, then)
}

#[tokio::test]
async fn figures_known_at_a_time_are_those_the_uploads_landed_by_then_gave() {
    let (only, only_analyst, app, analyst, then) = known_at().await;
    let query = "query($k: DateTime) {
        overview(knownAt: $k) { knownPeople presentPeople countries managingUnits arrivals expiredVisas expiringVisas }
        people(first: 500, knownAt: $k, filter: { present: null }) { totalCount edges { node { id present visaStatus } } }
        countsBy(dimension: MANAGING_UNIT, knownAt: $k) { key count }
        crossCounts(rows: NATIONALITY, columns: VISA_STATUS, knownAt: $k) { count } }";
    let at_asof = |data: Value| {
        // Ids differ between the two stores: compare what does not name them.
        let mut people: Vec<String> = data["people"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| format!("{} {}", e["node"]["present"], e["node"]["visaStatus"]))
            .collect();
        people.sort();
        (
            data["overview"].clone(),
            data["people"]["totalCount"].clone(),
            people,
            sum(&data["crossCounts"]),
        )
    };
    let reproduced = app
        .data_as(&analyst, query, json!({ "k": then.to_rfc3339() }))
        .await;
    let original = only
        .data_as(&only_analyst, query, json!({ "k": Value::Null }))
        .await;
    assert_eq!(at_asof(reproduced.clone()), at_asof(original.clone()));
    assert_eq!(
        reproduced["countsBy"].as_array().map(Vec::len),
        original["countsBy"].as_array().map(Vec::len)
    );
    let now = app
        .data_as(&analyst, query, json!({ "k": Value::Null }))
        .await;
    assert_ne!(now["overview"], reproduced["overview"], "more landed since");
    let before = app
        .data_as(&analyst, query, json!({ "k": "2000-01-01T00:00:00Z" }))
        .await;
    assert_eq!(before["overview"]["knownPeople"], 0);
    assert_eq!(before["people"]["totalCount"], 0);
}

#[tokio::test]
async fn facet_counts_cover_the_same_people_as_the_list_for_every_presence() {
    let (app, analyst) = city().await;
    let query = "query($f: PersonFilter, $t: DateTime) {
        people(filter: $f, asOf: $t, first: 1) { totalCount }
        byCountry: countsBy(dimension: NATIONALITY, filter: $f, asOf: $t) { count }
        byVisa: countsBy(dimension: VISA_STATUS, filter: $f, asOf: $t) { count } }";
    for present in [json!(true), json!(false), Value::Null] {
        for nationality in [None, Some("PAK")] {
            let mut filter = json!({ "present": present });
            if let Some(code) = nationality {
                filter["nationality"] = json!([code]);
            }
            let data = app
                .data_as(
                    &analyst,
                    query,
                    json!({ "f": filter, "t": "2020-02-17T12:00:00+08:00" }),
                )
                .await;
            let total = data["people"]["totalCount"].as_i64().expect("total");
            for facet in ["byCountry", "byVisa"] {
                let sum: i64 = data[facet]
                    .as_array()
                    .expect("counts")
                    .iter()
                    .filter_map(|c| c["count"].as_i64())
                    .sum();
                assert_eq!(sum, total, "{facet} for {filter}");
            }
        }
    }
}
