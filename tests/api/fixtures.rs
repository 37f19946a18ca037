//! The February 2020 fixtures: every file imports with the counts and rejections of
//! `expected.json`, re-importing changes nothing, and any import order gives the city the
//! office reported (175 present, 40 countries, 51 managing units …).

use crate::helpers::TestDatabase;
use chrono::{DateTime, Utc};
use entity::{health_check, person, upload};
use hub::derived::{self, Dimension};
use hub::ingest::{ImportReport, ImportRequest, ImportStatus, import_file};
use importers::{ReadOptions, SourceKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::collections::BTreeMap;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/daqing-2020-02");

/// The ground truth.
pub fn expected() -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json parses")
}

/// The fixture files with their unit and kind, in the order expected.json lists them.
pub fn fixture_files() -> Vec<(String, String, SourceKind)> {
    let expected = expected();
    let files = expected["files"].as_object().expect("files");
    files
        .iter()
        .map(|(name, file)| {
            let unit = file["unit"].as_str().expect("unit").to_owned();
            let kind = file["kind"]
                .as_str()
                .expect("kind")
                .parse()
                .expect("known kind");
            (name.clone(), unit, kind)
        })
        .collect()
}

/// The bytes of a fixture file.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture file")
}

/// Imports one fixture file as its unit; the kind is left to detection.
pub async fn import(db: &DatabaseConnection, name: &str, unit: &str) -> ImportReport {
    import_bytes(db, name, unit, fixture_bytes(name)).await
}

/// Rows of table `E`.
pub async fn rows_of<E>(db: &DatabaseConnection) -> u64
where
    E: EntityTrait,
    E::Model: Sync,
{
    E::find().count(db).await.expect("count")
}

/// An upload of `bytes` named `name` by `unit`, landed (not a dry run), the kind left to
/// detection, no columns fixed.
pub fn upload_request(unit: &str, name: &str, bytes: Vec<u8>) -> ImportRequest {
    ImportRequest {
        unit: unit.to_owned(),
        kind: None,
        file_name: name.to_owned(),
        bytes,
        uploaded_by: "test".to_owned(),
        dry_run: false,
        column_overrides: Vec::new(),
    }
}

/// Imports a file's bytes as `unit`; the kind is left to detection.
pub async fn import_bytes(
    db: &DatabaseConnection,
    name: &str,
    unit: &str,
    bytes: Vec<u8>,
) -> ImportReport {
    let request = upload_request(unit, name, bytes);
    import_file(db, request, ReadOptions::default())
        .await
        .expect("import runs")
}

/// The moment the office reported: 2020-02-17 12:00 Beijing time.
pub fn report_time() -> DateTime<Utc> {
    let text = format!("{}+08:00", expected()["as_of"].as_str().expect("as_of"));
    DateTime::parse_from_rfc3339(&text)
        .expect("as_of parses")
        .with_timezone(&Utc)
}

/// The stable code for a reason as `expected.json` words it.
fn code_for(reason: &str) -> &'static str {
    if reason.starts_with("unknown nationality") {
        "UNKNOWN_NATIONALITY"
    } else if reason.starts_with("missing passport number") {
        "MISSING_DOCUMENT_NUMBER"
    } else if reason.starts_with("invalid date") {
        "INVALID_DATE"
    } else {
        "UNEXPECTED_REASON"
    }
}

/// Rows in every table an import writes to.
pub async fn row_counts(db: &DatabaseConnection) -> Vec<u64> {
    vec![
        rows_of::<upload::Entity>(db).await,
        rows_of::<entity::source_row::Entity>(db).await,
        rows_of::<person::Entity>(db).await,
        rows_of::<entity::person_source::Entity>(db).await,
        rows_of::<entity::affiliation::Entity>(db).await,
        rows_of::<entity::stay::Entity>(db).await,
        rows_of::<entity::movement::Entity>(db).await,
        rows_of::<health_check::Entity>(db).await,
        rows_of::<entity::identity_document::Entity>(db).await,
        rows_of::<entity::organization::Entity>(db).await,
    ]
}

#[tokio::test]
async fn every_file_gives_its_expected_counts_and_rejections_and_reimport_changes_nothing() {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    let expected = expected();
    for (name, unit, kind) in fixture_files() {
        let report = import(&db, &name, &unit).await;
        let want = &expected["files"][&name];
        assert_eq!(report.status, ImportStatus::Imported, "{name}: {report:?}");
        assert_eq!(
            report.kind.as_deref(),
            Some(kind.as_str()),
            "{name}: detected kind"
        );
        assert_eq!(
            u64::from(report.rows.data),
            want["data_rows"].as_u64().unwrap_or(0),
            "{name}: data rows"
        );
        assert_eq!(
            u64::from(report.rows.accepted),
            want["accepted"].as_u64().unwrap_or(0),
            "{name}: accepted"
        );
        let want_rejected = want["rejected"].as_array().expect("rejected list");
        assert_eq!(
            report.rejections.len(),
            want_rejected.len(),
            "{name}: {:?}",
            report.rejections
        );
        for (got, want) in report.rejections.iter().zip(want_rejected) {
            assert_eq!(
                u64::from(got.row),
                want["row"].as_u64().unwrap_or(0),
                "{name}: rejected row"
            );
            assert_eq!(
                got.column.as_deref(),
                want["column"].as_str(),
                "{name}: rejected column"
            );
            assert_eq!(
                got.code,
                code_for(want["reason"].as_str().unwrap_or_default()),
                "{name}"
            );
            assert!(!got.reason.is_empty());
        }
        let upload_id = report.upload_id.expect("stored upload id");
        let stored_rejections = hub::ingest::stored::rejections(&db, upload_id)
            .await
            .expect("stored rejections");
        assert_eq!(
            stored_rejections, report.rejections,
            "{name}: rejections read back from the store"
        );
        let stored = upload::Entity::find_by_id(upload_id)
            .one(&db)
            .await
            .expect("query")
            .expect("upload row");
        assert_eq!(
            i64::from(stored.header_row),
            want["header_row"].as_i64().unwrap_or(0),
            "{name}: header row"
        );
    }
    let before = row_counts(&db).await;
    for (name, unit, _) in fixture_files() {
        let report = import(&db, &name, &unit).await;
        assert_eq!(report.status, ImportStatus::Duplicate, "{name}");
        assert!(report.upload_id.is_some());
    }
    assert_eq!(
        row_counts(&db).await,
        before,
        "re-importing changed the store"
    );
}

/// Imports the fixtures in the given order and checks the city as of the report time.
async fn check_city(order: &[(String, String, SourceKind)]) {
    let files: Vec<(String, String, Vec<u8>)> = order
        .iter()
        .map(|(name, unit, _)| (name.clone(), unit.clone(), fixture_bytes(name)))
        .collect();
    check_city_of(&files).await;
}

/// Imports files (name, unit, bytes) in the given order and checks the city as of the
/// report time against `expected.json`; returns the reports.
pub async fn check_city_of(files: &[(String, String, Vec<u8>)]) -> Vec<ImportReport> {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    let mut reports = Vec::new();
    for (name, unit, bytes) in files {
        let report = import_bytes(&db, name, unit, bytes.clone()).await;
        assert_eq!(report.status, ImportStatus::Imported, "{name}: {report:?}");
        reports.push(report);
    }
    check_figures(&db).await;
    reports
}

/// The city's figures as of the report time against `expected.json`.
pub async fn check_figures(db: &DatabaseConnection) {
    let db = db.clone();
    let expected = expected();
    let tz = chrono_tz::Asia::Shanghai;
    let at = report_time();
    let overview = derived::overview(&db, at, tz).await.expect("overview");
    for (got, key) in [
        (overview.known_people, "known_people"),
        (overview.present_people, "present_people"),
        (overview.countries, "present_countries"),
        (overview.managing_units, "managing_units"),
    ] {
        assert_eq!(got, expected[key].as_i64().unwrap_or(0), "{key}");
    }
    assert_eq!(overview.expired_visas, 1, "one overstayer");

    let as_map = |counts: Vec<derived::Count>| -> BTreeMap<String, i64> {
        counts.into_iter().map(|c| (c.label, c.count)).collect()
    };
    let want = |key: &str| -> BTreeMap<String, i64> {
        expected[key]
            .as_object()
            .expect("map")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_i64().unwrap_or(0)))
            .collect()
    };
    let by_nationality =
        derived::counts_by(&db, Dimension::Nationality, &Default::default(), at, tz)
            .await
            .expect("counts");
    assert_eq!(as_map(by_nationality), want("by_nationality"));
    let by_unit = derived::counts_by(&db, Dimension::ManagingUnit, &Default::default(), at, tz)
        .await
        .expect("counts");
    assert_eq!(as_map(by_unit), want("by_managing_unit"));

    let find = |number: String, nationality: String| {
        let db = db.clone();
        async move {
            person::Entity::find()
                .filter(person::Column::DocumentNumber.eq(number.clone()))
                .filter(person::Column::Nationality.eq(nationality.clone()))
                .one(&db)
                .await
                .expect("query")
                .unwrap_or_else(|| panic!("person {number}/{nationality} known"))
        }
    };
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();

    let pair = expected["shared_passport_pair"].as_array().expect("pair");
    let a = find(text(&pair[0]["passport"]), text(&pair[0]["nationality"])).await;
    let b = find(text(&pair[1]["passport"]), text(&pair[1]["nationality"])).await;
    assert_ne!(
        a.id, b.id,
        "the same number under two nationalities is two people"
    );

    let overstayer = &expected["overstayer"];
    let held = find(
        text(&overstayer["passport"]),
        text(&overstayer["nationality"]),
    )
    .await;
    let status = derived::statuses(&db, &[held.id], at, tz)
        .await
        .expect("status");
    let status = &status[&held.id];
    assert!(status.present);
    assert_eq!(status.visa_status, derived::VisaStatus::Expired);
    let manager =
        entity::organization::Entity::find_by_id(status.managing_organization_id.expect("managed"))
            .one(&db)
            .await
            .expect("query")
            .expect("organisation");
    assert_eq!(manager.name, text(&overstayer["managing_unit"]));
    let checks = health_check::Entity::find()
        .filter(health_check::Column::PersonId.eq(held.id))
        .count(&db)
        .await
        .expect("count");
    assert_eq!(checks, overstayer["health_checks"].as_u64().unwrap_or(0));

    for departed in expected["departed"].as_array().expect("departed") {
        let gone = find(text(&departed["passport"]), text(&departed["nationality"])).await;
        let status = derived::statuses(&db, &[gone.id], at, tz)
            .await
            .expect("status");
        assert!(!status[&gone.id].present, "{departed} departed");
    }
}

#[tokio::test]
async fn the_city_as_of_the_report_in_the_listed_order() {
    check_city(&fixture_files()).await;
}

#[tokio::test]
async fn the_city_as_of_the_report_in_reverse_order() {
    let mut files = fixture_files();
    files.reverse();
    check_city(&files).await;
}

#[tokio::test]
async fn the_city_with_movements_and_checks_before_the_rosters() {
    let mut files = fixture_files();
    files.sort_by_key(|(_, _, kind)| {
        !matches!(
            kind,
            SourceKind::PassengerFlow | SourceKind::HealthCheck | SourceKind::LodgingRegister
        )
    });
    check_city(&files).await;
}

/// Imports every fixture file in the listed order.
pub async fn imported_city() -> (TestDatabase, DatabaseConnection) {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    for (name, unit, _) in fixture_files() {
        import(&db, &name, &unit).await;
    }
    (test_db, db)
}

#[tokio::test]
async fn people_lists_filter_order_and_page() {
    use hub::derived::people::{PersonFilter, PersonOrder, list};
    let (_test_db, db) = imported_city().await;
    let expected = expected();
    let (at, tz) = (report_time(), chrono_tz::Asia::Shanghai);

    let gone = PersonFilter {
        present: Some(false),
        ..Default::default()
    };
    let page = list(&db, &gone, PersonOrder::Id, 100, 0, at, tz)
        .await
        .expect("list");
    let mut numbers: Vec<String> = page
        .people
        .iter()
        .map(|(p, _)| p.document_number.clone())
        .collect();
    numbers.sort();
    let mut want: Vec<String> = expected["departed"]
        .as_array()
        .expect("departed")
        .iter()
        .map(|d| d["passport"].as_str().unwrap_or_default().to_owned())
        .collect();
    want.sort();
    assert_eq!(numbers, want);
    assert!(page.people.iter().all(|(_, status)| !status.present));

    let koreans = PersonFilter {
        nationality: Some(vec!["KOR".to_owned()]),
        present: Some(true),
        ..Default::default()
    };
    let page = list(&db, &koreans, PersonOrder::Name, 5, 0, at, tz)
        .await
        .expect("list");
    assert_eq!(
        page.total,
        expected["by_nationality"]["KOR"].as_i64().unwrap_or(0)
    );
    assert_eq!(page.people.len(), 5);
    assert!(page.has_next);
    let names: Vec<_> = page
        .people
        .iter()
        .map(|(p, _)| p.latin_name.clone())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by name");
    let rest = list(&db, &koreans, PersonOrder::Name, 100, 5, at, tz)
        .await
        .expect("list");
    assert_eq!(rest.people.len() as i64, page.total - 5);
    assert!(!rest.has_next);

    let overstayers = PersonFilter {
        visa_status: Some(vec![derived::VisaStatus::Expired]),
        ..Default::default()
    };
    let page = list(&db, &overstayers, PersonOrder::Id, 10, 0, at, tz)
        .await
        .expect("list");
    assert_eq!(page.total, 1);
    assert_eq!(
        page.people[0].0.document_number,
        expected["overstayer"]["passport"]
            .as_str()
            .unwrap_or_default()
    );

    let either = PersonFilter {
        or: vec![
            PersonFilter {
                search: Some("dlamini zanele".to_owned()),
                ..Default::default()
            },
            PersonFilter {
                search: Some("M99826306".to_owned()),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let page = list(&db, &either, PersonOrder::Id, 10, 0, at, tz)
        .await
        .expect("list");
    assert_eq!(page.total, 3, "the overstayer and the shared-number pair");

    let from = DateTime::parse_from_rfc3339("2020-02-01T00:00:00+08:00")
        .expect("date")
        .with_timezone(&Utc);
    let arrived = PersonFilter {
        arrived_between: derived::Between::of(Some(from), Some(at)),
        reported_by: Some(vec!["airport".to_owned()]),
        ..Default::default()
    };
    let page = list(&db, &arrived, PersonOrder::Id, 100, 0, at, tz)
        .await
        .expect("list");
    assert!(page.total > 0);
    let sneaky = PersonFilter {
        search: Some("%".to_owned()),
        ..Default::default()
    };
    assert_eq!(
        list(&db, &sneaky, PersonOrder::Id, 10, 0, at, tz)
            .await
            .expect("list")
            .total,
        0,
        "% is literal"
    );
}

/// Every organisation's name and kind after importing the fixtures in `order`.
async fn organisation_kinds(order: &[(String, String, SourceKind)]) -> BTreeMap<String, String> {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    for (name, unit, _) in order {
        let report = import(&db, name, unit).await;
        assert_eq!(report.status, ImportStatus::Imported, "{name}");
    }
    entity::organization::Entity::find()
        .all(&db)
        .await
        .expect("organisations")
        .into_iter()
        .map(|o| (o.name, o.kind))
        .collect()
}

#[tokio::test]
async fn organisation_kinds_do_not_depend_on_the_import_order() {
    let listed = fixture_files();
    let mut reversed = listed.clone();
    reversed.reverse();
    let first = organisation_kinds(&listed).await;
    let second = organisation_kinds(&reversed).await;
    let differing: Vec<_> = first
        .iter()
        .filter(|(name, kind)| second.get(*name) != Some(kind))
        .collect();
    assert!(differing.is_empty(), "kinds differ by order: {differing:?}");
    assert_eq!(first.len(), second.len());
    // The rosters' employers keep their kind whichever file named them first.
    assert!(first.values().any(|k| k == "enterprise"), "{first:?}");
}
