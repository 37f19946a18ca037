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
        assert_eq!(foreign_keys, 1, "foreign_keys must be ON");
        assert_eq!(journal, "wal");
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
    let bytes = importers::sample_visa_registry_xlsx(rows, 7).expect("generate a visa list");
    let request = hub::ingest::ImportRequest {
        unit: "police".to_owned(),
        kind: None,
        file_name: "large.xlsx".to_owned(),
        bytes,
        uploaded_by: "test".to_owned(),
        dry_run: false,
    };
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
