//! Reads while a writer holds the store: a read of personal data is served and audited
//! without waiting for the store's write lock (on SQLite its entry goes to the journal
//! beside the store and reaches `audit_log` once the store is free), and a journal entry
//! is moved into the log exactly once, also when a move is repeated or left unfinished.

use std::time::Duration;

use entity::audit_log;
use hub::auth::Role;
use hub::registry::audit::NewEntry;
use hub::registry::audit_journal::{AuditJournal, journal_path};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};
use serde_json::{Value, json};

use crate::fixtures::fixture_bytes;
use crate::helpers::{Part, spawn_app};

const FILE: &str = "police_visas.xlsx";

/// Longer than a read may take, shorter than the store's busy timeout (10 s): a read that
/// waited for the lock would run past it.
const READ_LIMIT: Duration = Duration::from_secs(8);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_served_and_audited_while_a_writer_holds_the_store() {
    let app = spawn_app().await;
    let police = app.token("police", Role::Uploader).await;
    let bytes = fixture_bytes(FILE);
    let landed = app
        .upload_as(Some(&police), &[Part::File("file", FILE, &bytes)])
        .await;
    assert_eq!(landed.status, 200, "{}", landed.body);
    let analyst = app.token("fao", Role::Analyst).await;
    // The analyst's first request (its token's last use is refreshed then) before the lock.
    let first = app
        .graphql_as(Some(&analyst), "{ viewer { role } }", Value::Null)
        .await;
    assert_eq!(first.status, 200, "{}", first.body);

    // A writer takes the store, as a landing does, and holds it while the analyst reads.
    let writer = app.db.begin().await.expect("begin");
    writer
        .execute_unprepared("UPDATE member_unit SET name = name WHERE code = 'fao'")
        .await
        .expect("write");
    let people = tokio::time::timeout(
        READ_LIMIT,
        app.graphql_as(
            Some(&analyst),
            "{ people(first: 5) { totalCount edges { node { id name } } } }",
            Value::Null,
        ),
    )
    .await
    .expect("the people page is served while the store is held");
    let body = people.json();
    assert!(body["errors"].is_null(), "{body}");
    let total = body["data"]["people"]["totalCount"].as_i64().unwrap_or(0);
    assert!(total > 0, "{body}");
    let id = body["data"]["people"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("a person")
        .to_owned();
    let person = tokio::time::timeout(
        READ_LIMIT,
        app.graphql_as(
            Some(&analyst),
            &format!(r#"{{ person(id: "{id}") {{ name documents {{ number }} }} }}"#),
            Value::Null,
        ),
    )
    .await
    .expect("one person is served while the store is held");
    assert!(person.json()["errors"].is_null(), "{}", person.body);
    writer.rollback().await.expect("rollback");

    // Both reads are in the audit log once the store is free.
    let log = app
        .graphql(r#"{ auditLog(first: 50) { actor action target } }"#)
        .await
        .json();
    let entries = log["data"]["auditLog"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let reads: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "read_people" || e["action"] == "read_person")
        .collect();
    assert!(
        reads.iter().any(|e| e["action"] == "read_people"),
        "page read audited: {log}"
    );
    assert!(
        reads
            .iter()
            .any(|e| e["action"] == "read_person" && e["target"] == format!("person:{id}")),
        "person read audited: {log}"
    );
}

/// An entry for the journal tests.
fn entry(target: &str) -> NewEntry {
    NewEntry {
        at: chrono::Utc::now(),
        actor: "token:99".to_owned(),
        member_unit_id: None,
        action: "read_person".to_owned(),
        target: target.to_owned(),
        detail: json!({ "masked": false }),
    }
}

/// How many `audit_log` rows have `target`.
async fn logged(db: &sea_orm::DatabaseConnection, target: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Target.eq(target))
        .count(db)
        .await
        .expect("count")
}

#[tokio::test]
async fn journal_entries_are_moved_once_whatever_happens_between_moves() {
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        // PostgreSQL stores audit reads directly; there is no journal to move.
        assert!(AuditJournal::beside(&app.db).is_none());
        return;
    }
    let journal = AuditJournal::beside(&app.db).expect("a SQLite file store has a journal");
    let store_file = app
        .db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_owned();
    assert_eq!(journal.path(), journal_path(&store_file));

    // (The server beside this test moves the same journal when it starts: counts of one
    // move are not asserted, only what the log ends up holding.)
    for i in 0..3 {
        journal
            .write(&entry(&format!("person:{i}")))
            .await
            .expect("write");
    }
    journal.move_pending(&app.db).await.expect("move");
    assert_eq!(journal.move_pending(&app.db).await.expect("again"), 0);
    for i in 0..3 {
        assert_eq!(
            logged(&app.db, &format!("person:{i}")).await,
            1,
            "person:{i}"
        );
    }

    // A move committed in the store whose clean-up of the journal never ran (a crash in
    // between): the cursor keeps the next move from copying those entries again.
    journal.write(&entry("person:10")).await.expect("write");
    let second = AuditJournal::at(journal.path().to_owned());
    second.move_pending(&app.db).await.expect("move");
    // Put the moved entry back, as if the journal's clean-up had not run.
    let journal_db =
        sea_orm::Database::connect(format!("sqlite://{}?mode=rw", journal.path().display()))
            .await
            .expect("journal");
    journal_db
        .execute_unprepared(
            "INSERT INTO read_entry (id, at, actor, member_unit_id, action, target, detail) \
             SELECT 1 + COALESCE(MAX(id), 0), '2020-02-17T04:00:00Z', 'token:99', NULL, \
             'read_person', 'person:10', '{}' FROM read_entry",
        )
        .await
        .expect("restore");
    journal.write(&entry("person:11")).await.expect("write");
    journal.move_pending(&app.db).await.expect("move");
    assert_eq!(logged(&app.db, "person:10").await, 1);
    assert_eq!(logged(&app.db, "person:11").await, 1);

    // While the store is held the move fails and keeps the entry for the next one.
    journal.write(&entry("person:12")).await.expect("write");
    let writer = app.db.begin().await.expect("begin");
    writer
        .execute_unprepared("UPDATE member_unit SET name = name WHERE code = 'fao'")
        .await
        .expect("write");
    let held = tokio::time::timeout(Duration::from_secs(30), journal.move_pending(&app.db)).await;
    assert!(
        matches!(held, Ok(Err(_))),
        "the move cannot pass the writer"
    );
    writer.rollback().await.expect("rollback");
    assert_eq!(logged(&app.db, "person:12").await, 0);
    assert_eq!(journal.move_pending(&app.db).await.expect("move"), 1);
    assert_eq!(logged(&app.db, "person:12").await, 1);
}
