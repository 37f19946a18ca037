//! Landing a file part by part (as large files land) gives the same store as landing it
//! in one go, whether the parts are given or read while they land; and every reference a
//! landing writes points at a stored row.

use crate::fixtures::{fixture_bytes, fixture_files, report_time, row_counts, upload_request};
use crate::helpers::TestDatabase;
use chrono::Utc;
use hub::derived;
use hub::ingest::land::{Landing, RowTotals, land};
use hub::ingest::{ImportReport, ImportStatus, import_file_in_parts, read};
use importers::{ReadOptions, read_upload};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Statement, TransactionTrait,
};

/// A passenger list naming one passenger twice, three parts apart, under two spellings.
const REPEATED_PASSENGER: &str = "日期时间,航班号,旅客姓名,国籍代码,证件号码,出发地,目的地,进出港
2020/02/01 10:00,MU5621,KIM/MIN,KOR,ZZ1234567,北京,大庆,进港
2020/02/01 10:00,MU5621,LEE/ANNA,KOR,ZZ7654321,北京,大庆,进港
2020/02/01 10:00,MU5621,PARK/JIN,KOR,ZZ5555555,北京,大庆,进港
2020/02/02 10:00,MU5622,LEE/ANNA,KOR,ZZ7654321,大庆,北京,出港
2020/02/03 10:00,MU5621,KIM/MINJI,KOR,ZZ1234567,北京,大庆,进港
2020/02/04 10:00,MU5622,PARK/JIN,KOR,ZZ5555555,大庆,北京,出港
";

/// Lands every fixture file and a generated passenger list, each in parts of `part` rows
/// (`None`: in one go).
async fn land_fixtures(db: &DatabaseConnection, part: Option<usize>) {
    let tz = chrono_tz::Asia::Shanghai;
    let mut files: Vec<(String, String, Vec<u8>)> = fixture_files()
        .into_iter()
        .map(|(name, unit, _)| (name.clone(), unit, fixture_bytes(&name)))
        .collect();
    files.push((
        "repeated_passenger.csv".to_owned(),
        "airport".to_owned(),
        REPEATED_PASSENGER.as_bytes().to_vec(),
    ));
    for (name, unit_code, bytes) in files {
        let parsed = read_upload(&bytes, &name, None, &ReadOptions::default()).expect("read");
        let unit = hub::registry::units::find_unit(db, &unit_code)
            .await
            .expect("unit");
        let file = read::land_file(&parsed.head(), &name, bytes.len(), "test");
        let rows = read::land_rows(parsed.rows, tz);
        let txn = db.begin().await.expect("begin");
        match part {
            None => {
                land(&txn, &unit, &file, &rows, Utc::now())
                    .await
                    .expect("land");
            }
            Some(size) => {
                let mut landing = Landing::begin(&txn, &unit, &file, Utc::now())
                    .await
                    .expect("begin landing");
                let mut totals = RowTotals::default();
                for rows in rows.chunks(size) {
                    landing.land_rows(&txn, rows).await.expect("land part");
                    totals.add(RowTotals::of(rows));
                }
                landing
                    .finish(&txn, totals, None)
                    .await
                    .expect("finish landing");
            }
        }
        txn.commit().await.expect("commit");
    }
}

/// Every affiliation as (person, organisation, role, whether and by which upload it ended).
async fn affiliations(db: &DatabaseConnection) -> Vec<String> {
    let people: std::collections::HashMap<i64, String> = entity::person::Entity::find()
        .all(db)
        .await
        .expect("people")
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.document_number, p.nationality)))
        .collect();
    let mut all: Vec<String> = entity::affiliation::Entity::find()
        .all(db)
        .await
        .expect("affiliations")
        .into_iter()
        .map(|a| {
            format!(
                "{:?} {} {} {:?} {:?} {:?}",
                people.get(&a.person_id),
                a.organization_id,
                a.role,
                a.since,
                a.until.is_some(),
                a.ended_by_upload_id
            )
        })
        .collect();
    all.sort();
    all
}

/// Everyone as (document number, nationality, shown values, conflict flag), sorted.
async fn people(db: &DatabaseConnection) -> Vec<String> {
    let mut people: Vec<String> = entity::person::Entity::find()
        .order_by_asc(entity::person::Column::Id)
        .all(db)
        .await
        .expect("people")
        .into_iter()
        .map(|p| {
            format!(
                "{} {} {:?} {:?} {:?} {:?} {}",
                p.document_number,
                p.nationality,
                p.latin_name,
                p.chinese_name,
                p.sex,
                p.birth_date,
                p.has_conflicts
            )
        })
        .collect();
    people.sort();
    people
}

#[tokio::test]
async fn a_file_landed_in_parts_gives_the_same_store_as_in_one_go() {
    let whole_db = TestDatabase::new().await;
    let whole = whole_db.connect_migrated().await;
    land_fixtures(&whole, None).await;
    let parts_db = TestDatabase::new().await;
    let parts = parts_db.connect_migrated().await;
    land_fixtures(&parts, Some(3)).await;

    assert_eq!(row_counts(&parts).await, row_counts(&whole).await);
    let everyone = people(&whole).await;
    assert!(
        everyone.len() > 100,
        "the fixtures name {} people",
        everyone.len()
    );
    assert_eq!(people(&parts).await, everyone);
    let twice = everyone
        .iter()
        .find(|p| p.starts_with("ZZ1234567 KOR"))
        .expect("the repeated passenger");
    assert!(
        twice.ends_with("true"),
        "two spellings are a conflict: {twice}"
    );
    assert_eq!(affiliations(&parts).await, affiliations(&whole).await);
    let merges = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            entity::pending_merge::Entity::find()
                .all(&db)
                .await
                .expect("merges")
                .len()
        }
    };
    assert_eq!(merges(&parts).await, merges(&whole).await);
    let tz = chrono_tz::Asia::Shanghai;
    assert_eq!(
        derived::overview(&parts, report_time(), tz)
            .await
            .expect("overview"),
        derived::overview(&whole, report_time(), tz)
            .await
            .expect("overview")
    );
}

/// Imports every fixture file as its unit through the import path, in parts of `part_rows`.
async fn import_fixtures(db: &DatabaseConnection, part_rows: usize) -> Vec<ImportReport> {
    let mut reports = Vec::new();
    for (name, unit, _) in fixture_files() {
        let request = upload_request(&unit, &name, fixture_bytes(&name));
        let report = import_file_in_parts(db, request, ReadOptions::default(), &|_| {}, part_rows)
            .await
            .expect("import runs");
        assert_eq!(report.status, ImportStatus::Imported, "{name}: {report:?}");
        reports.push(report);
    }
    reports
}

#[tokio::test]
async fn a_file_read_and_landed_in_small_parts_reports_and_stores_what_one_part_does() {
    let one_db = TestDatabase::new().await;
    let one = one_db.connect_migrated().await;
    let one_reports = import_fixtures(&one, 100_000).await;
    let parts_db = TestDatabase::new().await;
    let parts = parts_db.connect_migrated().await;
    let parts_reports = import_fixtures(&parts, 2).await;

    let summary = |reports: &[ImportReport]| -> Vec<String> {
        reports
            .iter()
            .map(|r| format!("{} {:?} {:?}", r.file, r.rows, r.rejections))
            .collect()
    };
    assert_eq!(summary(&parts_reports), summary(&one_reports));
    assert!(
        one_reports.iter().any(|r| r.rows.rejected > 0),
        "the fixtures have rejected rows"
    );
    assert_eq!(row_counts(&parts).await, row_counts(&one).await);
    assert_eq!(people(&parts).await, people(&one).await);
    assert_eq!(affiliations(&parts).await, affiliations(&one).await);
    let uploads = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            entity::upload::Entity::find()
                .order_by_asc(entity::upload::Column::Id)
                .all(&db)
                .await
                .expect("uploads")
                .into_iter()
                .map(|u| {
                    (
                        u.file_name,
                        u.data_rows,
                        u.accepted_rows,
                        u.rejected_rows,
                        u.warning_rows,
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(uploads(&parts).await, uploads(&one).await);
}

#[tokio::test]
async fn a_file_that_fails_after_parts_have_landed_stores_nothing() {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    let before = row_counts(&db).await;
    let mut csv = String::from("日期时间,航班号,旅客姓名,国籍代码,证件号码,出发地,目的地,进出港\n");
    for i in 0..30 {
        csv.push_str(&format!(
            "2020/02/01 10:00,MU5621,KIM/MIN{i},KOR,ZZ{i:07},北京,大庆,进港\n"
        ));
    }
    let request = upload_request("airport", "too_long.csv", csv.into_bytes());
    let options = ReadOptions {
        max_rows: 20,
        ..ReadOptions::default()
    };
    let report = import_file_in_parts(&db, request, options, &|_| {}, 4)
        .await
        .expect("import runs");
    assert_eq!(report.status, ImportStatus::Failed, "{report:?}");
    assert_eq!(
        report.error.as_ref().map(|e| e.code.as_str()),
        Some("TOO_MANY_ROWS")
    );
    assert_eq!(row_counts(&db).await, before);
}

/// (table, column, table it refers to) for every reference a landing writes.
const LANDED_REFERENCES: &[(&str, &str, &str)] = &[
    ("source_row", "upload_id", "upload"),
    ("person_source", "person_id", "person"),
    ("person_source", "source_row_id", "source_row"),
    ("person_source", "member_unit_id", "member_unit"),
    ("identity_document", "person_id", "person"),
    ("identity_document", "source_row_id", "source_row"),
    ("affiliation", "person_id", "person"),
    ("affiliation", "organization_id", "organization"),
    ("affiliation", "source_row_id", "source_row"),
    ("affiliation", "ended_by_upload_id", "upload"),
    ("stay", "person_id", "person"),
    ("stay", "organization_id", "organization"),
    ("stay", "source_row_id", "source_row"),
    ("movement", "person_id", "person"),
    ("movement", "source_row_id", "source_row"),
    ("health_check", "person_id", "person"),
    ("health_check", "source_row_id", "source_row"),
    ("daily_report", "source_row_id", "source_row"),
    ("pending_merge", "person_id", "person"),
    ("pending_merge", "candidate_id", "person"),
];

#[tokio::test]
async fn every_reference_a_landing_writes_points_at_a_stored_row() {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    import_fixtures(&db, 5).await;
    let backend = db.get_database_backend();
    let mut checked = 0;
    for (table, column, parent) in LANDED_REFERENCES {
        let sql = format!(
            "SELECT COUNT(*) AS orphans FROM {table} c \
             LEFT JOIN {parent} p ON p.id = c.{column} \
             WHERE c.{column} IS NOT NULL AND p.id IS NULL"
        );
        let row = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .expect("query")
            .expect("a row");
        let orphans: i64 = row.try_get("", "orphans").expect("orphans");
        assert_eq!(orphans, 0, "{table}.{column} refers to a missing {parent}");
        let total = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT({column}) AS n FROM {table}"),
            ))
            .await
            .expect("query")
            .expect("a row");
        let n: i64 = total.try_get("", "n").expect("n");
        checked += n;
    }
    assert!(checked > 1_000, "only {checked} references were checked");
}

/// On PostgreSQL the bulk rows are copied with their parents checked set by set (see
/// `hub::ingest::parents`): rows naming stored parents land, a row naming a person that
/// does not exist fails the landing, and nothing of it is stored.
#[tokio::test]
async fn a_copy_naming_a_missing_parent_fails_on_postgres() {
    use hub::ingest::batch::{Column, Table, insert_rows};
    use hub::ingest::copy::{CopyTarget, with_copy};
    use sea_orm::{DbBackend, Value};
    const DOCUMENTS: Table = Table {
        name: "identity_document",
        columns: &[
            Column::plain("person_id"),
            Column::plain("kind"),
            Column::plain("number"),
            Column::plain("issuing_nationality"),
            Column::plain("source_row_id"),
        ],
    };
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    if db.get_database_backend() != DbBackend::Postgres {
        // SQLite lands through a connection of its own without per-row checks, and
        // inserts rather than copies.
        return;
    }
    import_fixtures(&db, 5).await;
    let scalar = |sql: &'static str| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await
                .expect("query")
                .expect("a row");
            row.try_get_by_index::<i64>(0).expect("a number")
        }
    };
    let person = scalar("SELECT MIN(id) FROM person").await;
    let missing = scalar("SELECT MAX(id) + 1000 FROM person").await;
    let row = scalar("SELECT MIN(id) FROM source_row").await;
    let before = scalar("SELECT COUNT(*) FROM identity_document").await;
    let push = |person_id: i64, v: &mut Vec<Value>| {
        v.extend([
            Value::from(person_id),
            Value::from("passport".to_owned()),
            Value::from(format!("TEST{person_id}")),
            Value::from("KOR".to_owned()),
            Value::from(row),
        ]);
    };

    let writer = hub::db::landing_connection(&db).await.expect("writer");
    let txn = hub::db::LandingTransaction::begin(&writer)
        .await
        .expect("begin");
    let target = CopyTarget::prepare(txn.copy_pool().expect("PostgreSQL copies"))
        .await
        .expect("prepare the copy");
    let landed = with_copy(
        Some(target.clone()),
        insert_rows(&txn, &DOCUMENTS, [person, person], push),
    )
    .await
    .expect("rows naming stored parents land");
    assert_eq!(landed, 2);
    let refused = with_copy(
        Some(target),
        insert_rows(&txn, &DOCUMENTS, [person, missing], push),
    )
    .await;
    let error = refused.expect_err("a row naming a missing person is refused");
    assert!(
        error.to_string().contains("person"),
        "the error names the missing parent: {error}"
    );
    txn.rollback().await.ok();
    writer.close().await.expect("close");
    assert_eq!(
        scalar("SELECT COUNT(*) FROM identity_document").await,
        before
    );
}
