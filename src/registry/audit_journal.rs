//! The read-audit journal of an embedded (SQLite) store.
//!
//! SQLite lets one writer at a time into a database file. A landing holds that lock for its
//! whole transaction (a second or more for a large file), and a read of personal data must
//! write its audit entry before the data is served. Written into the store, that entry would
//! wait behind the landing, and behind the next one, until the busy timeout fails the read.
//!
//! So on SQLite a read's entry is written to a journal: a second, small SQLite file beside
//! the store (`<store>.read-audit`), whose lock only other reads' entries take. A mover
//! copies the journal into `audit_log` in batches whenever the store's lock is free, and
//! writes [`CURSOR_TABLE`] (the journal's last moved id) in the same transaction, so a
//! crash after that commit never copies an entry twice; then the moved entries leave the
//! journal. An entry is durable from the moment the read is served (the journal is synced
//! like the store), and reaches `audit_log` within a moment of the store's lock being free.
//!
//! PostgreSQL and in-memory stores have no journal: there reads write to `audit_log`
//! directly (PostgreSQL's row locks let them pass a landing).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::sqlx::ConnectOptions as _;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    Statement, TransactionTrait, Value,
};
use tokio::sync::{Mutex, OnceCell};

use super::audit::NewEntry;

/// The table of the store that holds, per journal, the last id moved.
pub const CURSOR_TABLE: &str = "audit_journal_cursor";

/// How many entries one move copies at most.
const BATCH: u64 = 500;

/// How many times a background mover tries before leaving the entries for the next one
/// (with [`MOVE_RETRY_PAUSE`], ten minutes of landings back to back).
pub const MOVE_ATTEMPTS: u32 = 600;

/// The pause between two attempts of a background mover.
const MOVE_RETRY_PAUSE: Duration = Duration::from_secs(1);

/// How long the background mover's own connection waits for the store's write lock: a
/// moment, then it lets go and tries again after [`MOVE_RETRY_PAUSE`] (it never sits in the
/// busy handler behind a landing, holding a connection).
const MOVER_BUSY_TIMEOUT: Duration = Duration::from_millis(200);

/// How long a journal write waits for another read's entry (they take microseconds).
const JOURNAL_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The journal's tables; `journal_id` tells one journal file from another (a journal that
/// was deleted and created anew restarts its ids).
const SCHEMA: [&str; 3] = [
    "CREATE TABLE IF NOT EXISTS journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT OR IGNORE INTO journal_meta (key, value) VALUES ('journal_id', lower(hex(randomblob(16))))",
    "CREATE TABLE IF NOT EXISTS read_entry (\
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, \
        member_unit_id INTEGER, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL)",
];

/// The journal beside one SQLite store: opened on first use, moved in the background by
/// [`AuditJournal::schedule_move`] and on demand by [`AuditJournal::move_pending`].
#[derive(Debug)]
pub struct AuditJournal {
    /// The journal file.
    path: PathBuf,
    /// The store file, when known: the background mover opens a connection of its own.
    store: Option<PathBuf>,
    /// The journal's connection pool and its id, once opened.
    opened: OnceCell<(DatabaseConnection, String)>,
    /// The background mover's own connection to the store, once opened.
    mover: OnceCell<DatabaseConnection>,
    /// Held by one move at a time.
    moving: Mutex<()>,
    /// Whether a background mover runs.
    scheduled: AtomicBool,
}

impl AuditJournal {
    /// The journal of `db` when it is a SQLite file store; `None` for PostgreSQL and for
    /// in-memory stores.
    pub fn beside(db: &DatabaseConnection) -> Option<Self> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return None;
        }
        let options = db.get_sqlite_connection_pool().connect_options();
        let store = options.get_filename();
        if !store.is_file() {
            return None;
        }
        Some(Self {
            store: Some(store.to_owned()),
            ..Self::at(journal_path(store))
        })
    }

    /// A journal in the file `path`.
    pub fn at(path: PathBuf) -> Self {
        Self {
            path,
            store: None,
            opened: OnceCell::new(),
            mover: OnceCell::new(),
            moving: Mutex::new(()),
            scheduled: AtomicBool::new(false),
        }
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The journal's pool and id, opening (and creating) the file on first use.
    async fn open(&self) -> Result<&(DatabaseConnection, String), DbErr> {
        self.opened
            .get_or_try_init(|| async {
                let db = sqlite_pool(&self.path, 4, JOURNAL_BUSY_TIMEOUT).await?;
                for statement in SCHEMA {
                    db.execute_unprepared(statement).await?;
                }
                let id = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "SELECT value FROM journal_meta WHERE key = 'journal_id'",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::RecordNotFound("journal_meta.journal_id".into()))?
                    .try_get_by_index::<String>(0)?;
                Ok((db, id))
            })
            .await
    }

    /// Writes `entry` to the journal (never waits for the store); [`AuditJournal::schedule_move`]
    /// then brings it into the store.
    pub async fn write(&self, entry: &NewEntry) -> Result<(), DbErr> {
        let (journal, _) = self.open().await?;
        journal
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "INSERT INTO read_entry (at, actor, member_unit_id, action, target, detail) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                [
                    entry.at.to_rfc3339().into(),
                    entry.actor.clone().into(),
                    entry.member_unit_id.into(),
                    entry.action.clone().into(),
                    entry.target.clone().into(),
                    entry.detail.to_string().into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// Moves the journal's entries into `store`'s `audit_log`, batch by batch, until the
    /// journal is empty; returns how many were moved. Waits for the store's write lock
    /// (up to its busy timeout) and fails with the store's error when it cannot get it;
    /// nothing is lost then, the entries wait in the journal for the next move.
    pub async fn move_pending(&self, store: &DatabaseConnection) -> Result<u64, DbErr> {
        let _one_at_a_time = self.moving.lock().await;
        let (journal, journal_id) = self.open().await?;
        let backend = store.get_database_backend();
        let mut moved = 0;
        loop {
            let txn = store.begin().await?;
            // A write first: it takes the store's write lock (SQLite), so the cursor read
            // next is the one this transaction updates, whoever else moves this journal.
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO audit_journal_cursor (journal, last_id) VALUES ($1, 0) \
                 ON CONFLICT (journal) DO NOTHING",
                [journal_id.clone().into()],
            ))
            .await?;
            let moved_before = moved_up_to(&txn, journal_id).await?;
            let batch = pending_after(journal, moved_before, BATCH).await?;
            let Some(last) = batch.last().map(|(id, _)| *id) else {
                txn.commit().await?;
                forget_up_to(journal, moved_before).await?;
                return Ok(moved);
            };
            let count = batch.len() as u64;
            audit_log::Entity::insert_many(
                batch
                    .into_iter()
                    .map(|(_, entry)| entry.into_active_model()),
            )
            .exec_without_returning(&txn)
            .await?;
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                "UPDATE audit_journal_cursor SET last_id = $1 WHERE journal = $2",
                [last.into(), journal_id.clone().into()],
            ))
            .await?;
            txn.commit().await?;
            forget_up_to(journal, last).await?;
            moved += count;
        }
    }

    /// Starts moving the journal into `store` in the background unless a mover already
    /// runs. The mover uses a connection of its own to the store's file (when the journal
    /// knows it, else `store`), gives up the store's lock at once when a landing holds it
    /// and retries after a pause, up to [`MOVE_ATTEMPTS`] times; what it cannot move waits
    /// for the next write or move.
    pub fn schedule_move(self: &Arc<Self>, store: &DatabaseConnection) {
        if self.scheduled.swap(true, Ordering::AcqRel) {
            return;
        }
        let journal = Arc::clone(self);
        let store = store.clone();
        tokio::spawn(async move {
            loop {
                let own = match &journal.store {
                    Some(path) => journal
                        .mover
                        .get_or_try_init(|| sqlite_pool(path, 1, MOVER_BUSY_TIMEOUT))
                        .await
                        .inspect_err(|e| tracing::warn!(error = %e, "audit mover: own connection"))
                        .ok(),
                    None => None,
                };
                journal.move_with_retries(own.unwrap_or(&store)).await;
                journal.scheduled.store(false, Ordering::Release);
                // An entry written after the last batch was read saw a mover running and
                // started none: look once more before leaving.
                let more = match journal.open().await {
                    Ok((db, _)) => pending_after(db, 0, 1)
                        .await
                        .map(|p| !p.is_empty())
                        .unwrap_or(false),
                    Err(_) => false,
                };
                if !more || journal.scheduled.swap(true, Ordering::AcqRel) {
                    return;
                }
            }
        });
    }

    /// Moves until the journal is empty, retrying a failed move after a pause.
    async fn move_with_retries(&self, store: &DatabaseConnection) {
        for attempt in 1..=MOVE_ATTEMPTS {
            match self.move_pending(store).await {
                Ok(moved) => {
                    if moved > 0 {
                        tracing::debug!(moved, "read audit entries moved into audit_log");
                    }
                    return;
                }
                Err(e) => {
                    tracing::debug!(error = %e, attempt, "read audit entries wait for the store");
                    tokio::time::sleep(MOVE_RETRY_PAUSE).await;
                }
            }
        }
        tracing::warn!(
            journal = %self.path.display(),
            "read audit entries stay in the journal until the next read or auditLog moves them"
        );
    }
}

/// A pool of at most `connections` to the SQLite file `path` (created when missing), WAL,
/// waiting `busy` for another writer.
async fn sqlite_pool(
    path: &Path,
    connections: u32,
    busy: Duration,
) -> Result<DatabaseConnection, DbErr> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(busy);
    let mut connect = ConnectOptions::new("sqlite::memory:");
    connect
        .max_connections(connections)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |_| options.clone().disable_statement_logging());
    Database::connect(connect).await
}

/// The journal file of the store file `store`: `<store>.read-audit`.
pub fn journal_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".read-audit");
    PathBuf::from(name)
}

/// The last journal id the store holds for `journal_id` (0 when none moved yet).
async fn moved_up_to<C: ConnectionTrait>(store: &C, journal_id: &str) -> Result<i64, DbErr> {
    let row = store
        .query_one_raw(Statement::from_sql_and_values(
            store.get_database_backend(),
            "SELECT last_id FROM audit_journal_cursor WHERE journal = $1",
            [journal_id.into()],
        ))
        .await?;
    row.map_or(Ok(0), |row| row.try_get_by_index::<i64>(0))
}

/// Drops the journal's entries up to `id` (they are in the store).
async fn forget_up_to(journal: &DatabaseConnection, id: i64) -> Result<(), DbErr> {
    journal
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "DELETE FROM read_entry WHERE id <= ?",
            [id.into()],
        ))
        .await?;
    Ok(())
}

/// The oldest `limit` entries of the journal after id `after`, with their journal ids.
async fn pending_after(
    journal: &DatabaseConnection,
    after: i64,
    limit: u64,
) -> Result<Vec<(i64, NewEntry)>, DbErr> {
    let rows = journal
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT id, at, actor, member_unit_id, action, target, detail \
             FROM read_entry WHERE id > ? ORDER BY id LIMIT ?",
            [Value::from(after), Value::from(limit as i64)],
        ))
        .await?;
    rows.into_iter()
        .map(|row| {
            let at: String = row.try_get_by_index(1)?;
            let detail: String = row.try_get_by_index(6)?;
            Ok((
                row.try_get_by_index(0)?,
                NewEntry {
                    at: DateTime::parse_from_rfc3339(&at)
                        .map_err(|e| DbErr::Type(format!("read_entry.at {at:?}: {e}")))?
                        .with_timezone(&Utc),
                    actor: row.try_get_by_index(2)?,
                    member_unit_id: row.try_get_by_index(3)?,
                    action: row.try_get_by_index(4)?,
                    target: row.try_get_by_index(5)?,
                    detail: serde_json::from_str(&detail)
                        .map_err(|e| DbErr::Type(format!("read_entry.detail: {e}")))?,
                },
            ))
        })
        .collect()
}
