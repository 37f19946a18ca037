//! The supplies ledger: the February 2020 registers in any order, with or without the
//! people's files, give every figure of `supplies-2020-02/expected.json` at both times;
//! re-importing changes nothing; a receipt counts once whichever register lands first; a
//! contract's state follows its rows in time; rejected rows as listed; roles and masking.

use crate::fixtures::{import_bytes, rows_of};
use crate::helpers::{TestDatabase, items_where};
use hub::auth::{Principal, Role, UnitRef};
use hub::graphql::HubSchema;
use hub::ingest::{ImportReport, ImportStatus};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/supplies-2020-02"
);

/// The exact query of the office's report.
const REPORT_QUERY: &str = r#"query($at: DateTime) { supplies(asOf: $at) {
    donations { receivedValueCny cashCny count donorsReceived
                received { item quantity } inTransit { item quantity } pledged { item quantity } }
    procurement { receivedForCity { item quantity } receivedAssisted { item quantity }
                  inTransit { item quantity } contracted { item quantity } cancelled { item quantity }
                  openLeads paidCny refundDueCny }
    outreach { contacts organisations countriesAndRegions recommended } } }"#;

fn expected() -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json parses")
}

/// The supplies files with their units, in the order expected.json lists them.
fn files() -> Vec<(String, String)> {
    expected()["files"]
        .as_object()
        .expect("files")
        .iter()
        .map(|(name, f)| (name.clone(), f["unit"].as_str().expect("unit").to_owned()))
        .collect()
}

async fn import(db: &DatabaseConnection, name: &str, unit: &str) -> ImportReport {
    let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture");
    import_bytes(db, name, unit, bytes).await
}

struct Ledger {
    schema: HubSchema,
    db: DatabaseConnection,
    _database: TestDatabase,
}

async fn empty() -> Ledger {
    let database = TestDatabase::new().await;
    let db = database.connect_migrated().await;
    Ledger {
        schema: hub::build_schema(db.clone(), Default::default()),
        db,
        _database: database,
    }
}

impl Ledger {
    async fn run_as(&self, query: &str, variables: Value, principal: Principal) -> Value {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(principal);
        serde_json::to_value(self.schema.execute(request).await).expect("response")
    }

    async fn run(&self, query: &str, variables: Value) -> Value {
        let response = self.run_as(query, variables, Principal::cli("test")).await;
        assert!(response["errors"].is_null(), "{response}");
        response["data"].clone()
    }

    async fn report(&self, at: &str) -> Value {
        self.run(REPORT_QUERY, json!({ "at": at })).await["supplies"].clone()
    }
}

const CUTOFF: &str = "2020-02-17T12:00:00+08:00";
const FEB_11: &str = "2020-02-11T12:00:00+08:00";

/// `[{item, quantity}]` as expected.json writes it: `{ "n95_mask": 1021 }`.
fn items(list: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for entry in list.as_array().expect("a list") {
        let item = entry["item"].as_str().expect("item").to_ascii_lowercase();
        out.insert(item, entry["quantity"].clone());
    }
    Value::Object(out)
}

fn same_number(got: &Value, want: &Value, what: &str) {
    let (g, w) = (got.as_f64(), want.as_f64());
    assert!(
        matches!((g, w), (Some(g), Some(w)) if (g - w).abs() < 0.005),
        "{what}: got {got}, want {want}"
    );
}

fn same_items(got: &Value, want: &Value, what: &str) {
    let got = items(got);
    let want = want.as_object().expect("object");
    let got = got.as_object().expect("object");
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{what}: {got:?} vs {want:?}"
    );
    for (k, v) in want {
        same_number(&got[k], v, &format!("{what}.{k}"));
    }
}

/// Every figure of one time of expected.json.
fn assert_figures(got: &Value, want: &Value, when: &str) {
    let (d, wd) = (&got["donations"], &want["donations"]);
    same_number(
        &d["receivedValueCny"],
        &wd["received_value_cny"],
        &format!("{when} received value"),
    );
    same_number(&d["cashCny"], &wd["cash_cny"], &format!("{when} cash"));
    same_number(&d["count"], &wd["donations"], &format!("{when} donations"));
    same_number(
        &d["donorsReceived"],
        &wd["donors_received"],
        &format!("{when} donors"),
    );
    same_items(
        &d["received"],
        &wd["received"],
        &format!("{when} donations received"),
    );
    same_items(
        &d["inTransit"],
        &wd["in_transit"],
        &format!("{when} donations in transit"),
    );
    same_items(&d["pledged"], &wd["pledged"], &format!("{when} pledged"));
    let (p, wp) = (&got["procurement"], &want["procurement"]);
    same_items(
        &p["receivedForCity"],
        &wp["received_for_city"],
        &format!("{when} for the city"),
    );
    same_items(
        &p["receivedAssisted"],
        &wp["received_assisted"],
        &format!("{when} assisted"),
    );
    same_items(
        &p["inTransit"],
        &wp["in_transit"],
        &format!("{when} purchases in transit"),
    );
    same_items(
        &p["contracted"],
        &wp["contracted"],
        &format!("{when} contracted"),
    );
    same_items(
        &p["cancelled"],
        &wp["cancelled"],
        &format!("{when} cancelled"),
    );
    same_number(&p["openLeads"], &wp["open_leads"], &format!("{when} leads"));
    same_number(&p["paidCny"], &wp["paid_cny"], &format!("{when} paid"));
    same_number(
        &p["refundDueCny"],
        &wp["refund_due_cny"],
        &format!("{when} refund due"),
    );
    let (o, wo) = (&got["outreach"], &want["outreach"]);
    same_number(&o["contacts"], &wo["contacts"], &format!("{when} contacts"));
    same_number(
        &o["organisations"],
        &wo["organisations"],
        &format!("{when} organisations"),
    );
    same_number(
        &o["countriesAndRegions"],
        &wo["countries_and_regions"],
        &format!("{when} countries"),
    );
    same_number(
        &o["recommended"],
        &wo["recommended"],
        &format!("{when} recommended"),
    );
}

async fn assert_report(ledger: &Ledger) {
    let want = expected();
    assert_figures(
        &ledger.report(CUTOFF).await,
        &want["at_cutoff"],
        "at the cutoff",
    );
    assert_figures(
        &ledger.report(FEB_11).await,
        &want["at_2020_02_11_12_00"],
        "on 11 Feb",
    );
}

#[tokio::test]
async fn the_registers_in_any_order_give_the_reported_figures() {
    let all = files();
    let mut reversed = all.clone();
    reversed.reverse();
    let mut rotated = all.clone();
    rotated.rotate_left(2);
    for order in [all, reversed, rotated] {
        let ledger = empty().await;
        for (name, unit) in &order {
            let report = import(&ledger.db, name, unit).await;
            assert_eq!(report.status, ImportStatus::Imported, "{name}: {report:?}");
        }
        assert_report(&ledger).await;
    }
}

#[tokio::test]
async fn the_people_files_change_no_supplies_figure() {
    let ledger = empty().await;
    let people = crate::fixtures::fixture_files();
    let supplies = files();
    // Interleaved: a people file, a supplies file, …
    let mut people_iter = people.iter();
    for (name, unit) in &supplies {
        if let Some((p, u, _)) = people_iter.next() {
            crate::fixtures::import(&ledger.db, p, u).await;
        }
        import(&ledger.db, name, unit).await;
    }
    for (p, u, _) in people_iter {
        crate::fixtures::import(&ledger.db, p, u).await;
    }
    assert_report(&ledger).await;
}

#[tokio::test]
async fn rejected_rows_are_reported_with_their_row_and_code() {
    let ledger = empty().await;
    let want = expected();
    for (name, unit) in files() {
        let report = import(&ledger.db, &name, &unit).await;
        let file = &want["files"][&name];
        assert_eq!(report.kind.as_deref(), file["kind"].as_str(), "{name}");
        let mut rows: Vec<u64> = report.rejections.iter().map(|r| u64::from(r.row)).collect();
        rows.dedup();
        let wanted: Vec<u64> = file["rejected"]
            .as_array()
            .expect("rejected")
            .iter()
            .map(|r| r["row"].as_u64().expect("row"))
            .collect();
        assert_eq!(rows, wanted, "{name}");
        for listed in file["rejected"].as_array().expect("list") {
            let row = listed["row"].as_u64().expect("row");
            let reason = listed["reason"].as_str().expect("reason");
            let code = match reason.split_whitespace().next() {
                Some("quantity") => "INVALID_QUANTITY",
                Some("unknown") => "UNKNOWN_ITEM",
                _ if reason.starts_with("missing item") => "MISSING_ITEM",
                _ if reason.starts_with("missing date") => "MISSING_DATE",
                _ => "UNEXPECTED",
            };
            assert!(
                report
                    .rejections
                    .iter()
                    .any(|r| u64::from(r.row) == row && r.code == code && !r.reason.is_empty()),
                "{name} row {row}: {:?} should say {code}",
                report.rejections
            );
        }
    }
}

async fn ledger_rows(db: &DatabaseConnection) -> Vec<u64> {
    vec![
        rows_of::<entity::donation::Entity>(db).await,
        rows_of::<entity::donation_row::Entity>(db).await,
        rows_of::<entity::supply_contract::Entity>(db).await,
        rows_of::<entity::supply_contract_state::Entity>(db).await,
        rows_of::<entity::outreach_contact::Entity>(db).await,
    ]
}

#[tokio::test]
async fn importing_again_changes_nothing() {
    let ledger = empty().await;
    for (name, unit) in files() {
        import(&ledger.db, &name, &unit).await;
    }
    let before = ledger_rows(&ledger.db).await;
    for (name, unit) in files() {
        let again = import(&ledger.db, &name, &unit).await;
        assert_eq!(again.status, ImportStatus::Duplicate, "{name}");
    }
    assert_eq!(ledger_rows(&ledger.db).await, before);
    // The Red Cross sends its receipts again, saved as UTF-8 this time: new bytes, the same
    // donations.
    let gbk = std::fs::read(format!("{FIXTURES}/red_cross_receipts.csv")).expect("csv");
    let (text, _, _) = encoding_rs::GB18030.decode(&gbk);
    let report = import_bytes(
        &ledger.db,
        "receipts-utf8.csv",
        "red_cross",
        text.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(report.status, ImportStatus::Imported);
    assert_report(&ledger).await;
}

#[tokio::test]
async fn a_receipt_counts_once_whichever_register_lands_first() {
    for first_red_cross in [true, false] {
        let ledger = empty().await;
        let mut pair = vec![
            ("red_cross_receipts.csv", "red_cross"),
            ("friendship_donations.xlsx", "friendship"),
        ];
        if !first_red_cross {
            pair.reverse();
        }
        for (name, unit) in pair {
            import(&ledger.db, name, unit).await;
        }
        let d = &ledger.report(CUTOFF).await["donations"];
        let want = &expected()["at_cutoff"]["donations"];
        same_number(&d["count"], &want["donations"], "donations");
        same_number(&d["cashCny"], &want["cash_cny"], "cash");
        // The merged donation takes the Red Cross's values, and shows both rows.
        let list = ledger
            .run(
                r#"{ donations(filter: { item: [MEDICAL_GLOVES], state: ["received"] }, asOf: "2020-02-17T12:00:00+08:00") {
                     total nodes { donor receiptNumber quantity sources { source { unit row } } } } }"#,
                json!({}),
            )
            .await;
        let node = &list["donations"]["nodes"][0];
        assert_eq!(list["donations"]["total"], 1, "{list}");
        assert_eq!(node["receiptNumber"], "HSZ20200117");
        assert_eq!(node["donor"], "大庆逸品经贸有限公司");
        let mut units: Vec<&str> = node["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .filter_map(|s| s["source"]["unit"].as_str())
            .collect();
        units.sort_unstable();
        assert_eq!(units, ["friendship", "red_cross"]);
    }
}

#[tokio::test]
async fn a_contracts_state_follows_its_rows_in_time() {
    let ledger = empty().await;
    import(&ledger.db, "hitech_procurement.xlsx", "hitech").await;
    import(&ledger.db, "fao_procurement.xlsx", "fao").await;
    let query = r#"query($at: DateTime) { contracts(filter: { item: [PROTECTIVE_SUIT], state: ["contracted", "cancelled"] }, asOf: $at) {
        nodes { contractNumber state quantity paidCny refundDueCny history { state source { unit row } } } } }"#;
    let cases = [
        ("2020-02-04T14:00:00+08:00", None, 0, 0.0, 0.0),
        ("2020-02-04T16:00:00+08:00", Some("contracted"), 1, 0.0, 0.0),
        (
            "2020-02-05T10:30:00+08:00",
            Some("contracted"),
            2,
            1_858_500.0,
            0.0,
        ),
        (
            "2020-02-11T12:00:00+08:00",
            Some("contracted"),
            3,
            1_858_500.0,
            0.0,
        ),
        (
            "2020-02-13T09:00:00+08:00",
            Some("cancelled"),
            4,
            0.0,
            1_858_500.0,
        ),
    ];
    for (at, state, history, paid, refund) in cases {
        let data = ledger.run(query, json!({ "at": at })).await;
        let korean = items_where(&data["contracts"]["nodes"], "contractNumber", "KRGX30000");
        match state {
            None => assert!(korean.is_empty(), "{at}: {data}"),
            Some(state) => {
                let c = korean.first().unwrap_or_else(|| panic!("{at}: {data}"));
                assert_eq!(c["state"], state, "{at}");
                assert_eq!(c["history"].as_array().map(Vec::len), Some(history), "{at}");
                same_number(&c["paidCny"], &json!(paid), at);
                same_number(&c["refundDueCny"], &json!(refund), at);
                same_number(&c["quantity"], &json!(30_000), at);
            }
        }
    }
}

fn principal(role: Role, unit_id: i64, code: &str) -> Principal {
    Principal::token(
        7,
        format!("{code} {role}"),
        role,
        UnitRef {
            id: unit_id,
            code: code.to_owned(),
        },
    )
}

async fn unit_id(db: &DatabaseConnection, code: &str) -> i64 {
    hub::registry::units::find_unit(db, code)
        .await
        .expect("unit")
        .id
}

#[tokio::test]
async fn uploaders_see_their_own_rows_and_leaders_masked_donors() {
    let ledger = empty().await;
    for (name, unit) in files() {
        import(&ledger.db, &name, &unit).await;
    }
    let red_cross = principal(
        Role::Uploader,
        unit_id(&ledger.db, "red_cross").await,
        "red_cross",
    );
    let mine = ledger
        .run_as(
            "{ supplies(asOf: \"2020-02-17T12:00:00+08:00\") { donations { count cashCny } outreach { contacts } } }",
            json!({}),
            red_cross,
        )
        .await;
    assert!(mine["errors"].is_null(), "{mine}");
    assert_eq!(mine["data"]["supplies"]["donations"]["count"], 3);
    same_number(
        &mine["data"]["supplies"]["donations"]["cashCny"],
        &json!(3100),
        "red cross cash",
    );
    assert_eq!(mine["data"]["supplies"]["outreach"]["contacts"], 0);

    let list = r#"{ donations(filter: { item: [GOGGLES], state: ["received"] }, asOf: "2020-02-11T12:00:00+08:00") { nodes { donor donorIsPerson } } }"#;
    let fao = unit_id(&ledger.db, "fao").await;
    let leader = ledger
        .run_as(list, json!({}), principal(Role::Leader, fao, "fao"))
        .await;
    let analyst = ledger
        .run_as(list, json!({}), principal(Role::Analyst, fao, "fao"))
        .await;
    assert_eq!(
        leader["data"]["donations"]["nodes"][0]["donor"], "李**",
        "{leader}"
    );
    assert_eq!(
        leader["data"]["donations"]["nodes"][0]["donorIsPerson"],
        true
    );
    assert_eq!(
        analyst["data"]["donations"]["nodes"][0]["donor"], "李志琢",
        "{analyst}"
    );
    // Only admins edit the catalogue.
    let edit = r#"mutation { setSupplyRate(month: "2020-03", currency: "THB", cnyPerUnit: 0.22) { month currency } }"#;
    let refused = ledger
        .run_as(edit, json!({}), principal(Role::Analyst, fao, "fao"))
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    let done = ledger.run(edit, json!({})).await;
    assert_eq!(done["setSupplyRate"]["currency"], "THB");
}

#[tokio::test]
async fn an_admin_extends_the_catalogue_and_the_next_upload_reads_with_it() {
    let ledger = empty().await;
    let csv = "接收日期,捐赠人,物资名称,数量,单位,金额,币种,收据编号\n\
               2020-02-10,某商会,爱心防护包,100,套,,,A-1\n\
               2020-02-10,某商会,捐款,5000,,,泰铢,A-2\n";
    let before = import_bytes(&ledger.db, "a.csv", "red_cross", csv.as_bytes().to_vec()).await;
    let codes: Vec<&str> = before.rejections.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["UNKNOWN_ITEM", "UNKNOWN_CURRENCY"]);
    ledger
        .run(
            r#"mutation { a: addSupplyItemSynonym(item: "protective_suit", synonym: "防护包") { code }
                          b: addCurrencyName(currency: "THB", name: "泰铢") { code }
                          c: setSupplyRate(month: "2020-02", currency: "THB", cnyPerUnit: 0.22) { month } }"#,
            json!({}),
        )
        .await;
    let again = format!("{csv}\n");
    let after = import_bytes(&ledger.db, "b.csv", "red_cross", again.into_bytes()).await;
    assert!(after.rejections.is_empty(), "{:?}", after.rejections);
    let d = &ledger.report("2020-02-12T00:00:00+08:00").await["donations"];
    same_number(&d["cashCny"], &json!(1100), "5000 THB at 0.22");
    same_items(&d["received"], &json!({ "protective_suit": 100 }), "suits");
}

/// Every cell of the first sheet of an xlsx, as text.
fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    range
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}

#[tokio::test]
async fn registers_uploaded_over_http_export_with_the_same_masking() {
    use crate::helpers::{Part, spawn_app};
    let app = spawn_app().await;
    for (name, unit) in [
        ("friendship_donations.xlsx", "friendship"),
        ("red_cross_receipts.csv", "red_cross"),
        ("fao_procurement.xlsx", "fao"),
    ] {
        let token = app.token(unit, Role::Uploader).await;
        let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture");
        let landed = app
            .upload_as(Some(&token), &[Part::File("file", name, &bytes)])
            .await;
        assert_eq!(landed.status, 200, "{name}: {}", landed.body);
        assert_eq!(landed.json()["status"], "imported", "{name}");
        let again = app
            .upload_as(Some(&token), &[Part::File("file", name, &bytes)])
            .await;
        assert_eq!(again.json()["status"], "duplicate", "{name}");
    }
    let path = "/api/exports/donations.xlsx?asOf=2020-02-17T12:00:00%2B08:00";
    let leader = app.token("fao", Role::Leader).await;
    let analyst = app.token("fao", Role::Analyst).await;
    let friendship = app.token("friendship", Role::Uploader).await;
    let as_leader = app.get_as(Some(&leader), path).await;
    assert_eq!(as_leader.status, 200, "{}", as_leader.body);
    let leader_rows = cells(&as_leader.bytes);
    let flat = |rows: &[Vec<String>]| rows.concat().join("|");
    assert!(flat(&leader_rows).contains("李**"));
    assert!(!flat(&leader_rows).contains("李志琢"));
    assert_eq!(leader_rows.len(), 1 + 14, "header and 14 donations");
    let analyst_rows = cells(&app.get_as(Some(&analyst), path).await.bytes);
    assert!(flat(&analyst_rows).contains("李志琢"));
    // The friendship association's own rows: the three the Red Cross also holds show only
    // the association's row as their source.
    let own = cells(&app.get_as(Some(&friendship), path).await.bytes);
    assert_eq!(own.len(), 1 + 14);
    assert!(!flat(&own).contains("red_cross"));
    let contracts = app
        .get_as(
            Some(&leader),
            "/api/exports/contracts.xlsx?asOf=2020-02-17T12:00:00%2B08:00",
        )
        .await;
    assert_eq!(contracts.status, 200);
    assert!(flat(&cells(&contracts.bytes)).contains("KRGX30000"));
    let anonymous = app.get_as(None, path).await;
    assert_eq!(anonymous.status, 401);
    // Reading donors' names is audited, as reading people is.
    let admin = app.token("fao", Role::Admin).await;
    let log = app
        .graphql_as(
            Some(&admin),
            "{ auditLog(first: 100) { action target } }",
            Value::Null,
        )
        .await;
    assert!(
        log.body.contains("read_donations") && log.body.contains("export:donations"),
        "{}",
        log.body
    );
}

#[tokio::test]
async fn donations_without_a_number_are_paired_for_an_analyst_never_merged_silently() {
    let ledger = empty().await;
    let association =
        "登记日期,捐赠方,物资名称,数量,单位,状态\n2020-02-05,哈尔滨某商会,护目镜,40,副,已接收\n";
    let health = "接收日期,捐赠单位,品名,数量,计量单位,受赠单位\n2020-02-08,哈尔滨 某商会,防护眼镜,40,个,市人民医院\n";
    import_bytes(
        &ledger.db,
        "a.csv",
        "friendship",
        association.as_bytes().to_vec(),
    )
    .await;
    import_bytes(&ledger.db, "b.csv", "health", health.as_bytes().to_vec()).await;
    let at = "2020-02-10T00:00:00+08:00";
    let count = |v: &Value| v["donations"]["count"].as_i64();
    assert_eq!(
        count(&ledger.report(at).await),
        Some(2),
        "both counted until decided"
    );
    let pending = ledger
        .run(
            "{ donationCandidates { id donationId otherDonationId } }",
            json!({}),
        )
        .await;
    let candidates = pending["donationCandidates"].as_array().expect("list");
    assert_eq!(candidates.len(), 1, "{pending}");
    // Analysts decide; leaders may not.
    let id = candidates[0]["id"].as_str().expect("id").to_owned();
    let fao = unit_id(&ledger.db, "fao").await;
    let merge =
        format!(r#"mutation {{ resolveDonationCandidate(id: "{id}", merge: true) {{ status }} }}"#);
    let refused = ledger
        .run_as(&merge, json!({}), principal(Role::Leader, fao, "fao"))
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let done = ledger
        .run_as(&merge, json!({}), principal(Role::Analyst, fao, "fao"))
        .await;
    assert_eq!(
        done["data"]["resolveDonationCandidate"]["status"], "merged",
        "{done}"
    );
    let after = ledger.report(at).await;
    assert_eq!(count(&after), Some(1));
    same_items(
        &after["donations"]["received"],
        &json!({ "goggles": 40 }),
        "merged goggles",
    );
    let again = ledger.run("{ donationCandidates { id } }", json!({})).await;
    assert_eq!(
        again["donationCandidates"].as_array().map(Vec::len),
        Some(0)
    );
}

#[tokio::test]
async fn the_daily_brief_states_the_ledgers_figures_once_there_are_any() {
    let app = crate::helpers::spawn_app().await;
    let analyst = app.token("fao", Role::Analyst).await;
    let brief_path = "/api/brief?asOf=2020-02-17T12:00:00%2B08:00";
    let before = app.get_as(Some(&analyst), brief_path).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(before.json()["supplies"].is_null(), "no ledger, no section");

    for (name, unit) in files() {
        import(&app.db, &name, &unit).await;
    }
    let figures = app
        .graphql_as(Some(&analyst), REPORT_QUERY, json!({ "at": CUTOFF }))
        .await
        .json();
    let donations = &figures["data"]["supplies"]["donations"];
    let value = donations["receivedValueCny"]
        .as_f64()
        .expect("received value");
    let cash = donations["cashCny"].as_f64().expect("cash");
    let brief = app.get_as(Some(&analyst), brief_path).await.json();
    let lines: Vec<String> = brief["supplies"]
        .as_array()
        .expect("a supplies section")
        .iter()
        .filter_map(|l| l.as_str().map(str::to_owned))
        .collect();
    let text = lines.join("\n");
    assert!(
        text.contains(&format!("折合人民币{value:.0}元（其中现金{cash:.0}元）")),
        "{text}"
    );
    assert!(
        text.contains(&format!("共{}笔", donations["count"])),
        "{text}"
    );
    let outreach = &figures["data"]["supplies"]["outreach"];
    assert!(
        text.contains(&format!("联系{}次", outreach["contacts"])),
        "{text}"
    );
    let docx = app
        .get_as(
            Some(&analyst),
            "/api/brief.docx?asOf=2020-02-17T12:00:00%2B08:00",
        )
        .await;
    assert_eq!(docx.status, 200);
    let word = crate::brief::docx_text(&docx.bytes);
    assert!(word.contains("六、物资保障情况"), "{word}");
    assert!(word.contains(&lines[0]), "{word}");
    // An uploader reads no brief at all; a leader's brief states the same figures.
    let leader = app.token("fao", Role::Leader).await;
    let leaders = app.get_as(Some(&leader), brief_path).await.json();
    assert_eq!(leaders["supplies"], brief["supplies"]);
}
