//! The store's change log (`store_change`): which people each write may have changed, so
//! that every hub instance updates its city timeline for those people only.
//!
//! Writers record, in their own transaction, the people they touched: a landing everyone
//! its rows name and everyone whose facts its roster ended, an accepted merge both people
//! (the merged one is gone afterwards), an organisation merge everyone affiliated with or
//! staying at the kept organisation. The rows' ids follow the order the writes committed:
//! writes take turns (SQLite has one writer; on PostgreSQL every write holds the store's
//! write lock, [`crate::db::lock_store_writes`]). Each record also notifies the other
//! instances ([`super::notify`]).

use sea_orm::{ConnectionTrait, DbErr, Statement, Value};

/// Rows kept: older ones are deleted by the next landing. An instance that has not read the
/// rows it needs (far behind, or the rows deleted) rebuilds its timeline instead.
const KEPT: i64 = 1_000_000;

/// People recorded per statement.
const CHUNK: usize = 1_000;

async fn execute<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<Value>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .map(|_| ())
}

/// Records the people a landing's rows named, and forgets rows older than the last
/// [`KEPT`].
pub async fn record_landing<C: ConnectionTrait>(db: &C, people: &[i64]) -> Result<(), DbErr> {
    record_people(db, people).await?;
    execute(
        db,
        "DELETE FROM store_change WHERE id < (SELECT MAX(id) FROM store_change) - $1",
        vec![KEPT.into()],
    )
    .await
}

/// Records these people (duplicates are harmless).
pub async fn record_people<C: ConnectionTrait>(db: &C, people: &[i64]) -> Result<(), DbErr> {
    for chunk in people.chunks(CHUNK) {
        // Numbers written into the statement: no parameters to bind.
        let rows: Vec<String> = chunk.iter().map(|id| format!("({id})")).collect();
        execute(
            db,
            &format!(
                "INSERT INTO store_change (person_id) VALUES {}",
                rows.join(", ")
            ),
            Vec::new(),
        )
        .await?;
    }
    super::notify::notify(db).await
}

/// Records everyone affiliated with or staying at an organisation.
pub async fn record_organization<C: ConnectionTrait>(db: &C, org_id: i64) -> Result<(), DbErr> {
    execute(
        db,
        "INSERT INTO store_change (person_id)
         SELECT person_id FROM affiliation WHERE organization_id = $1
         UNION SELECT person_id FROM stay WHERE organization_id = $1",
        vec![org_id.into()],
    )
    .await?;
    super::notify::notify(db).await
}

/// The last change recorded (0 when none).
pub async fn last<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COALESCE(MAX(id), 0) AS last FROM store_change",
        ))
        .await?;
    match row {
        Some(row) => row.try_get("", "last"),
        None => Ok(0),
    }
}

/// What changed after change `seen`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// The people changed (ascending, once each) and the last change.
    People(Vec<i64>, i64),
    /// Rows after `seen` were deleted, or more than `limit` people changed: rebuild.
    TooMuch,
}

/// The people recorded after change `seen`, unless more than `limit` or some of those rows
/// were deleted.
pub async fn since<C: ConnectionTrait>(db: &C, seen: i64, limit: usize) -> Result<Since, DbErr> {
    let backend = db.get_database_backend();
    let bounds = db
        .query_one_raw(Statement::from_string(
            backend,
            // Each bound in a statement of its own: SQLite reads one end of the primary key
            // for a lone MIN or MAX, but scans the whole log (a row per person landed) for
            // both in one select.
            "SELECT (SELECT MIN(id) FROM store_change) AS first,
                    (SELECT MAX(id) FROM store_change) AS last",
        ))
        .await?;
    let (first, last) = match bounds {
        Some(row) => (
            row.try_get::<Option<i64>>("", "first")?,
            row.try_get::<Option<i64>>("", "last")?,
        ),
        None => (None, None),
    };
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(Since::People(Vec::new(), seen));
    };
    if last <= seen {
        return Ok(Since::People(Vec::new(), seen));
    }
    if first > seen + 1 {
        return Ok(Since::TooMuch);
    }
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT DISTINCT person_id FROM store_change WHERE id > $1 AND id <= $2
                 ORDER BY person_id LIMIT {}",
                limit.saturating_add(1)
            ),
            [seen.into(), last.into()],
        ))
        .await?;
    if rows.len() > limit {
        return Ok(Since::TooMuch);
    }
    let people = rows
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Since::People(people, last))
}
