//! An upload's audit entry is written by the landing's own transaction: a landing whose
//! entry cannot be written stores nothing, and every landed upload has its entry; dry runs,
//! duplicates and unreadable files are audited too.

use axum::http::StatusCode;
use entity::{audit_log, source_row, upload};
use hub::auth::Role;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use crate::fixtures::fixture_bytes;
use crate::helpers::{Part, spawn_app};

const FILE: &str = "police_health_checks.xlsx";

/// Makes the store refuse every `upload` audit entry (a trigger), or accept them again.
async fn refuse_upload_entries(db: &DatabaseConnection, refuse: bool) {
    let statements: &[&str] = match (db.get_database_backend(), refuse) {
        (DbBackend::Postgres, true) => &[
            "CREATE FUNCTION refuse_upload_audit() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.action = 'upload' THEN RAISE EXCEPTION 'audit refused'; END IF; \
             RETURN NEW; END $$",
            "CREATE TRIGGER refuse_upload_audit BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_upload_audit()",
        ],
        (DbBackend::Postgres, false) => &["DROP TRIGGER refuse_upload_audit ON audit_log"],
        (_, true) => &[
            "CREATE TRIGGER refuse_upload_audit BEFORE INSERT ON audit_log \
             WHEN NEW.action = 'upload' BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
        ],
        (_, false) => &["DROP TRIGGER refuse_upload_audit"],
    };
    for sql in statements {
        db.execute_unprepared(sql).await.expect("trigger");
    }
}

/// The `upload` entries of the audit log.
async fn upload_entries(db: &DatabaseConnection) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("upload"))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
        .expect("audit log")
}

#[tokio::test]
async fn a_landing_whose_audit_entry_fails_stores_nothing() {
    let app = spawn_app().await;
    let token = app.token("police", Role::Uploader).await;
    let bytes = fixture_bytes(FILE);
    refuse_upload_entries(&app.db, true).await;
    let refused = app
        .upload_as(Some(&token), &[Part::File("file", FILE, &bytes)])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        refused.body
    );
    let uploads = upload::Entity::find().count(&app.db).await.expect("count");
    let rows = source_row::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(
        (uploads, rows),
        (0, 0),
        "an upload stored without its audit entry"
    );

    refuse_upload_entries(&app.db, false).await;
    let landed = app
        .upload_as(Some(&token), &[Part::File("file", FILE, &bytes)])
        .await;
    assert_eq!(landed.status, StatusCode::OK, "{}", landed.body);
    let body = landed.json();
    assert_eq!(body["status"], "imported", "{body}");
    let id = body["upload_id"].as_i64().expect("upload id");
    let entries = upload_entries(&app.db).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].target, format!("upload:{id}"));
    assert_eq!(entries[0].detail["status"], "imported");
    assert_eq!(entries[0].detail["file"], FILE);
    assert_eq!(entries[0].detail["bytes"], bytes.len());
    assert_eq!(
        entries[0].detail["accepted"], body["rows"]["accepted"],
        "{body}"
    );
}

#[tokio::test]
async fn dry_runs_duplicates_and_unreadable_files_are_audited() {
    let app = spawn_app().await;
    let token = app.token("police", Role::Uploader).await;
    let bytes = fixture_bytes(FILE);
    let dry = app
        .upload_as(
            Some(&token),
            &[
                Part::File("file", FILE, &bytes),
                Part::Text("dry_run", "true"),
            ],
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    let landed = app
        .upload_as(Some(&token), &[Part::File("file", FILE, &bytes)])
        .await;
    let id = landed.json()["upload_id"].as_i64().expect("upload id");
    let duplicate = app
        .upload_as(Some(&token), &[Part::File("file", FILE, &bytes)])
        .await;
    assert_eq!(
        duplicate.json()["status"],
        "duplicate",
        "{}",
        duplicate.body
    );
    let failed = app
        .upload_as(
            Some(&token),
            &[Part::File("file", "broken.xlsx", b"not a workbook")],
        )
        .await;
    assert_eq!(failed.status, StatusCode::BAD_REQUEST, "{}", failed.body);

    let entries = upload_entries(&app.db).await;
    let seen: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            (
                e.detail["status"].as_str().unwrap_or_default().to_owned(),
                e.target.clone(),
            )
        })
        .collect();
    let landed_target = format!("upload:{id}");
    assert_eq!(
        seen,
        vec![
            ("dry_run".to_owned(), "unit:police".to_owned()),
            ("imported".to_owned(), landed_target.clone()),
            ("duplicate".to_owned(), landed_target),
            ("failed".to_owned(), "unit:police".to_owned()),
        ]
    );
}
