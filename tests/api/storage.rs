//! Storage: migrations, the seeded registry, SQLite pragmas, foreign keys.

use entity::{member_unit, organization_alias};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Set, Statement,
    TransactionTrait,
};

use crate::helpers::{TestDatabase, execute};

/// The 31 member-unit codes of domain.md, in registry order.
pub const UNIT_CODES: [&str; 31] = [
    "fao",
    "police",
    "education",
    "science",
    "commerce",
    "hitech",
    "health",
    "cdc",
    "finance",
    "tourism",
    "civil_affairs",
    "market",
    "airport",
    "railway",
    "coach",
    "oilfield",
    "petrochem",
    "refinery",
    "nepu",
    "byau",
    "hmu_daqing",
    "dqnu",
    "dqvc",
    "dqmc",
    "red_cross",
    "charity",
    "friendship",
    "sartu",
    "ranghulu",
    "honggang",
    "zhaozhou",
];

#[tokio::test]
async fn migrating_twice_is_a_noop_and_lists_31_member_units() {
    let database = TestDatabase::new().await;
    let db = database.connect().await;
    hub::db::migrate(&db).await.expect("first migration");
    let backend = db.get_database_backend();
    let applied = |db: &sea_orm::DatabaseConnection| {
        let stmt = Statement::from_string(backend, "SELECT COUNT(*) FROM seaql_migrations");
        let db = db.clone();
        async move {
            db.query_one_raw(stmt)
                .await
                .expect("count migrations")
                .expect("one row")
                .try_get_by_index::<i64>(0)
                .expect("a count")
        }
    };
    let migrations_after_first = applied(&db).await;
    let units_after_first = member_unit::Entity::find().count(&db).await.expect("count");

    hub::db::migrate(&db).await.expect("second migration");
    assert_eq!(applied(&db).await, migrations_after_first);
    assert_eq!(
        member_unit::Entity::find().count(&db).await.expect("count"),
        units_after_first
    );

    let schema = hub::build_schema(db, Default::default());
    let response = execute(&schema, "{ memberUnits { code } }").await;
    let codes: Vec<&str> = response["data"]["memberUnits"]
        .as_array()
        .unwrap_or_else(|| panic!("no member units: {response}"))
        .iter()
        .filter_map(|u| u["code"].as_str())
        .collect();
    assert_eq!(codes, UNIT_CODES);
}

#[tokio::test]
async fn sqlite_pragmas_hold_on_every_pooled_connection() {
    let database = TestDatabase::sqlite().await;
    let pool_size = 4;
    let db = hub::db::connect(&database.url, pool_size)
        .await
        .expect("connect");
    // Hold every connection of the pool at once, so each one is checked.
    let mut held = Vec::new();
    for _ in 0..pool_size {
        held.push(db.begin().await.expect("take a connection"));
    }
    for txn in &held {
        let pragma = |name: &str| {
            let stmt = Statement::from_string(DbBackend::Sqlite, format!("PRAGMA {name}"));
            async move {
                txn.query_one_raw(stmt)
                    .await
                    .expect("run the pragma")
                    .expect("one row")
            }
        };
        let foreign_keys: i64 = pragma("foreign_keys")
            .await
            .try_get_by_index(0)
            .expect("int");
        let journal: String = pragma("journal_mode")
            .await
            .try_get_by_index(0)
            .expect("text");
        let synchronous: i64 = pragma("synchronous")
            .await
            .try_get_by_index(0)
            .expect("int");
        let busy: i64 = pragma("busy_timeout")
            .await
            .try_get_by_index(0)
            .expect("int");
        let page_size: i64 = pragma("page_size").await.try_get_by_index(0).expect("int");
        assert_eq!(foreign_keys, 1, "foreign_keys must be ON");
        assert_eq!(journal, "wal");
        assert_eq!(page_size, 16 * 1024, "a new store has 16 KiB pages");
        assert_eq!(synchronous, 1, "synchronous must be NORMAL");
        assert!(busy >= 1000, "busy_timeout is {busy} ms");
    }
    for txn in held {
        txn.rollback().await.expect("rollback");
    }
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let database = TestDatabase::new().await;
    let db = database.connect_migrated().await;
    let orphan = organization_alias::ActiveModel {
        organization_id: Set(987_654_321),
        alias: Set("无主别名".to_owned()),
        key: Set("无主别名-test".to_owned()),
        ..Default::default()
    };
    assert!(
        orphan.insert(&db).await.is_err(),
        "an alias of a missing organisation must be refused"
    );
}

#[tokio::test]
async fn the_default_store_directory_is_created_on_first_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("hub-data/nested/hub.db").display()
    );
    let db = hub::db::connect(&url, 2).await.expect("connect");
    hub::db::ping(&db).await.expect("ping");
    assert!(dir.path().join("hub-data/nested/hub.db").is_file());
}

/// A large landing on PostgreSQL refreshes the planner's statistics of the tables it wrote
/// (otherwise a page's relations are read by sequential scans until autovacuum runs); on
/// SQLite there is nothing to refresh and the import is unchanged.
#[tokio::test]
async fn a_large_landing_refreshes_the_planners_statistics() {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    let rows = hub::ingest::statistics::ANALYZE_AFTER_ROWS + 200;
    let bytes = devtools::sample::visa_registry_xlsx(rows, 7).expect("generate a visa list");
    let request = crate::fixtures::upload_request("police", "large.xlsx", bytes);
    let report = hub::ingest::import_file(&db, request, importers::ReadOptions::default())
        .await
        .expect("import runs");
    assert_eq!(report.rows.accepted as usize, rows);
    if db.get_database_backend() == DbBackend::Postgres {
        let analysed = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT COUNT(*) AS n FROM pg_stat_user_tables \
                 WHERE relname IN ('person', 'person_source', 'identity_document') \
                 AND last_analyze IS NOT NULL",
            ))
            .await
            .expect("query statistics")
            .expect("a row");
        let n: i64 = analysed.try_get("", "n").expect("count");
        assert_eq!(n, 3, "the landed tables were analysed");
    }
}

/// Runs one SQL text on the test database.
async fn run_sql(db: &sea_orm::DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn the_values_a_source_gave_move_into_person_source_and_back() {
    use entity::{person, person_source, source_row, upload};
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ColumnTrait, QueryFilter};

    let database = TestDatabase::new().await;
    let db = database.connect().await;
    // The schema as it was while values were kept a row each in `person_attribute`.
    Migrator::up(&db, Some(6))
        .await
        .expect("the first six migrations");
    let now = chrono::Utc::now();
    let police = member_unit::Entity::find()
        .filter(member_unit::Column::Code.eq("police"))
        .one(&db)
        .await
        .expect("query")
        .expect("the police unit is seeded");
    // Inserted returning its id only: the upload table of migration 6 lacks later columns.
    let upload = upload::ActiveModel {
        member_unit_id: Set(police.id),
        kind: Set("visa_registry".to_owned()),
        file_name: Set("visas.xlsx".to_owned()),
        sha256: Set("00".repeat(32)),
        size_bytes: Set(1),
        format: Set("xlsx".to_owned()),
        uploaded_by: Set("police".to_owned()),
        uploaded_at: Set(now),
        status: Set("imported".to_owned()),
        sheet: Set("Sheet1".to_owned()),
        header_row: Set(1),
        headers: Set(serde_json::json!([])),
        data_rows: Set(1),
        accepted_rows: Set(1),
        rejected_rows: Set(0),
        warning_rows: Set(0),
        ..Default::default()
    };
    let upload_id = upload::Entity::insert(upload)
        .exec(&db)
        .await
        .expect("an upload")
        .last_insert_id;
    let row = source_row::ActiveModel {
        upload_id: Set(upload_id),
        sheet: Set("Sheet1".to_owned()),
        row_number: Set(2),
        raw: Set(serde_json::json!([])),
        status: Set("accepted".to_owned()),
        issues: Set(serde_json::json!([])),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("a source row");
    let person = person::ActiveModel {
        document_number: Set("M1234567".to_owned()),
        nationality: Set("KOR".to_owned()),
        has_conflicts: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("a person");
    let (p, r, u) = (person.id, row.id, police.id);
    run_sql(
        &db,
        &format!(
            "INSERT INTO person_source (person_id, source_row_id, member_unit_id, kind)
             VALUES ({p}, {r}, {u}, 'visa_registry')"
        ),
    )
    .await;
    run_sql(
        &db,
        &format!(
            "INSERT INTO person_attribute (person_id, source_row_id, attribute, value, authority)
             VALUES ({p}, {r}, 'latin_name', 'KIM DARA', 0), ({p}, {r}, 'sex', 'F', 0),
                    ({p}, {r}, 'birth_date', '1990-01-02', 0)"
        ),
    )
    .await;

    Migrator::up(&db, None)
        .await
        .expect("the remaining migrations");
    let source = person_source::Entity::find()
        .one(&db)
        .await
        .expect("query")
        .expect("the source is kept");
    assert_eq!(source.latin_name.as_deref(), Some("KIM DARA"));
    assert_eq!(source.chinese_name, None);
    assert_eq!(source.sex.as_deref(), Some("F"));
    assert_eq!(
        source.birth_date,
        chrono::NaiveDate::from_ymd_opt(1990, 1, 2)
    );

    // Back past the migration that moved the values (and every one after it).
    let after_it = Migrator::migrations().len() - 6;
    Migrator::down(
        &db,
        Some(u32::try_from(after_it).expect("a few migrations")),
    )
    .await
    .expect("back to migration 6");
    let backend = db.get_database_backend();
    let values: Vec<(String, String, i64)> = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT attribute, value, CAST(authority AS bigint) FROM person_attribute
             ORDER BY attribute",
        ))
        .await
        .expect("the values are back")
        .into_iter()
        .map(|row| {
            (
                row.try_get_by_index(0).expect("attribute"),
                row.try_get_by_index(1).expect("value"),
                row.try_get_by_index(2).expect("authority"),
            )
        })
        .collect();
    assert_eq!(
        values,
        [
            ("birth_date".to_owned(), "1990-01-02".to_owned(), 0),
            ("latin_name".to_owned(), "KIM DARA".to_owned(), 0),
            ("sex".to_owned(), "F".to_owned(), 0),
        ]
    );
}

#[tokio::test]
async fn a_landing_is_copied_into_the_database_file_after_its_commit() {
    let database = TestDatabase::sqlite().await;
    let db = database.connect_migrated().await;
    let path = database
        .url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .expect("a path")
        .to_owned();
    let file_size = || std::fs::metadata(&path).map(|m| m.len()).expect("the file");
    hub::db::checkpoint(&db).await.expect("checkpoint");
    let before = file_size();
    let bytes = devtools::sample::visa_registry_xlsx(2_000, 7).expect("a workbook");
    let request = crate::fixtures::upload_request("police", "visas.xlsx", bytes);
    let importer = hub::ingest::Importer::new(importers::ReadOptions::default());
    let report = importer
        .import(&db, request, None, hub::ingest::Progress::none())
        .await
        .expect("import");
    assert_eq!(report.rows.accepted, 2_000, "{report:?}");
    importer.settled().await;
    // The rows are in the database file itself, not only in the write-ahead log.
    assert!(
        file_size() > before + 100 * 1024,
        "{before} bytes before, {} after",
        file_size()
    );
}
