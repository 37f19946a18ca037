//! Opening the database (embedded SQLite or PostgreSQL) and bringing its schema up to date.
//!
//! SQLite is the default store, a single file under `./hub-data/`. Each pooled SQLite
//! connection is opened with `journal_mode=WAL`, `foreign_keys=ON`, `synchronous=NORMAL`
//! and a busy timeout, so readers never block the writer and a second writer waits instead
//! of failing. PostgreSQL is used when the URL starts with `postgres://`; several hub
//! instances may share one PostgreSQL database (migrations take an advisory lock).

use std::path::Path;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
    TransactionTrait,
};

use crate::config::Settings;
use crate::error::HubError;

/// How long a SQLite connection waits for a lock held by another writer.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Key of the PostgreSQL advisory lock that serialises migrations of several instances.
const MIGRATION_LOCK_KEY: i64 = 0x0068_7562_5f6d_6967; // "hub_mig"

/// Connect to the database named by the settings and apply pending migrations: what every
/// command does first.
pub async fn connect_and_migrate(settings: &Settings) -> Result<DatabaseConnection, HubError> {
    open(&settings.database_url, settings.database_max_connections).await
}

/// [`connect`] to `url`, then [`migrate`]: a store ready to use.
pub async fn open(url: &str, max_connections: u32) -> Result<DatabaseConnection, HubError> {
    let db = connect(url, max_connections).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Open a connection pool of at most `max_connections` to `url` (`sqlite:` or
/// `postgres://`). For a SQLite file the directory is created if missing.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, HubError> {
    let mut options = if url.starts_with("sqlite:") {
        sqlite_options(url, max_connections)?
    } else {
        let mut options = ConnectOptions::new(url);
        // The migration lock holds one connection while migrations use another.
        options
            .max_connections(max_connections.max(2))
            .set_application_name("hub");
        options
    };
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, Duration::from_secs(1));
    let db = Database::connect(options).await?;
    tracing::debug!(backend = ?db.get_database_backend(), "database connected");
    Ok(db)
}

/// Page size of a new SQLite store, in bytes (SQLite's default is 4,096). A landing appends
/// to a dozen tables and indexes at once and commits them through the WAL and a checkpoint
/// copy, page by page: with 16 KiB pages that is a quarter of the pages, system calls and
/// b-tree splits (measured on 100,000 visa rows: parse + land 2.0–2.5 s instead of
/// 2.3–2.9 s, system time 0.3–0.4 s instead of 0.5–0.6 s), while the query benchmark's
/// people page stayed within its run-to-run spread. A store created before keeps its page
/// size (`VACUUM` after `PRAGMA journal_mode=DELETE; PRAGMA page_size=16384` changes it).
const SQLITE_PAGE_SIZE: u32 = 16 * 1024;

/// Connection options for a SQLite URL: the pragmas every pooled connection gets.
fn sqlite_options(url: &str, max_connections: u32) -> Result<ConnectOptions, HubError> {
    let url = prepare_sqlite_file(url)?;
    let mut options = ConnectOptions::new(url);
    options
        // SQLite has one writer at a time (WAL); more connections let reads run beside it.
        .max_connections(max_connections)
        .map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                // Statement journals (one per multi-row insert of a landing) and temporary
                // b-trees stay in memory instead of temporary files.
                .pragma("temp_store", "memory")
                .page_size(SQLITE_PAGE_SIZE)
        });
    Ok(options)
}

/// For a SQLite file URL, create the file's directory and make sure the file is created on
/// first use (`mode=rwc` unless the URL chooses a mode). In-memory URLs pass unchanged.
fn prepare_sqlite_file(url: &str) -> Result<String, HubError> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, params) = match rest.split_once('?') {
        Some((path, params)) => (path, Some(params)),
        None => (rest, None),
    };
    let in_memory = path.is_empty()
        || path == ":memory:"
        || params.is_some_and(|p| p.split('&').any(|kv| kv == "mode=memory"));
    if in_memory {
        return Ok(url.to_owned());
    }
    if let Some(dir) = Path::new(path).parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            HubError::Config(format!(
                "cannot create database directory {}: {e}",
                dir.display()
            ))
        })?;
        tracing::info!(dir = %dir.display(), "created database directory");
    }
    let has_mode = params.is_some_and(|p| p.split('&').any(|kv| kv.starts_with("mode=")));
    Ok(match (params, has_mode) {
        (_, true) => url.to_owned(),
        (Some(_), false) => format!("{url}&mode=rwc"),
        (None, false) => format!("{url}?mode=rwc"),
    })
}

/// Apply every pending migration; a no-op when the schema is current. On PostgreSQL the
/// migrations run under an advisory lock so that instances starting together take turns.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), HubError> {
    if db.get_database_backend() == DbBackend::Postgres {
        let lock = db.begin().await?;
        lock.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [MIGRATION_LOCK_KEY.into()],
        ))
        .await?;
        let result = Migrator::up(db, None).await;
        lock.commit().await?;
        result?;
    } else {
        Migrator::up(db, None).await?;
    }
    tracing::info!("database schema is up to date");
    Ok(())
}

/// Ask the database to answer `SELECT 1`: the readiness check.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(backend, "SELECT 1"))
        .await?
        .map(|_| ())
        .ok_or_else(|| DbErr::Custom("SELECT 1 returned no row".to_owned()))
}

/// Copies what the write-ahead log holds into the database file (SQLite; nothing to do on
/// PostgreSQL), without waiting for readers or writers (`PASSIVE`): what a reader still
/// uses stays in the log for the next checkpoint.
pub async fn checkpoint(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    db.query_one_raw(Statement::from_string(
        DbBackend::Sqlite,
        "PRAGMA wal_checkpoint(PASSIVE)",
    ))
    .await
    .map(|_| ())
}

/// Begins a transaction that will write: on SQLite `BEGIN IMMEDIATE`, so that it waits
/// (busy timeout) for the write lock up front instead of failing with "database is locked"
/// when it upgrades from reading to writing while another writer commits; on PostgreSQL it
/// takes the store's write lock ([`lock_store_writes`]).
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    let txn = db
        .begin_with_options(sea_orm::TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    lock_store_writes(&txn).await?;
    Ok(txn)
}

/// Makes the writes that change people (landings, merges, organisation merges) take turns
/// across instances, until `txn` ends: on PostgreSQL one transaction-level advisory lock for
/// all of them, like SQLite's one writer (units share people, and the store's change log
/// must grow in the order writes commit). Nothing to do on SQLite.
pub async fn lock_store_writes<C: ConnectionTrait>(txn: &C) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            ["upload:landing".into()],
        ))
        .await?;
    }
    Ok(())
}

/// A statement of `sql` (placeholders `$1`, `$2` …) with `values`, for `db`'s store.
pub fn statement<C: ConnectionTrait>(
    db: &C,
    sql: impl Into<String>,
    values: Vec<sea_orm::Value>,
) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// Page cache of the connection that lands an upload on SQLite, in KiB: a landing writes
/// several indexes at once, and in SQLite's default 2 MiB their pages were written out to
/// the WAL and read back within the transaction (measured: a third of a second of system
/// time per 100,000 rows).
const LANDING_CACHE_KIB: i64 = 16 * 1024;

/// The connection an upload lands through (see [`landing_connection`]).
pub enum LandingConnection<'a> {
    /// PostgreSQL: the shared pool.
    Shared(&'a DatabaseConnection),
    /// SQLite: a connection of its own to the same database.
    Own(DatabaseConnection),
}

impl LandingConnection<'_> {
    /// The connection to begin the landing's transaction on.
    pub fn db(&self) -> &DatabaseConnection {
        match self {
            Self::Shared(db) => db,
            Self::Own(db) => db,
        }
    }

    /// Closes a connection of its own (the shared pool stays open).
    pub async fn close(self) -> Result<(), DbErr> {
        match self {
            Self::Shared(_) => Ok(()),
            Self::Own(db) => db.close().await,
        }
    }
}

/// The connection to land an upload through. On SQLite it is a connection of its own to
/// the same database (the same file, or the same shared in-memory database), with a larger
/// page cache, no checkpoint at commit, and without foreign-key enforcement: a landing
/// only writes references it has just resolved inside its own write transaction (SQLite
/// has one writer, so nothing it refers to can be deleted meanwhile), and checking each of
/// them again cost about as much as the inserts themselves (a parent lookup for every
/// reference of every value, fact and source row). Everything else the hub writes keeps
/// enforcement on. On PostgreSQL it is a connection of its own too (constraints checked as
/// always), so that the landing's bulk rows can be copied through the very connection that
/// holds its transaction ([`LandingTransaction`]).
pub async fn landing_connection(
    db: &DatabaseConnection,
) -> Result<LandingConnection<'_>, HubError> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {}
        DbBackend::Postgres => {
            let options = db
                .get_postgres_connection_pool()
                .connect_options()
                .as_ref()
                .clone();
            return Ok(LandingConnection::Own(
                sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(
                    one_connection(options).await?,
                ),
            ));
        }
        _ => return Ok(LandingConnection::Shared(db)),
    }
    let options = db
        .get_sqlite_connection_pool()
        .connect_options()
        .as_ref()
        .clone()
        .foreign_keys(false)
        .pragma("cache_size", (-LANDING_CACHE_KIB).to_string())
        // The landing's commit does not copy the log into the database file: the landing
        // starts that checkpoint in the background once committed (see
        // `ingest::checkpoint`).
        .pragma("wal_autocheckpoint", "0");
    Ok(LandingConnection::Own(
        sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(one_connection(options).await?),
    ))
}

/// A pool of one connection opened with `options` (the landing's own connection).
async fn one_connection<DB: sea_orm::sqlx::Database>(
    options: <DB::Connection as sea_orm::sqlx::Connection>::Options,
) -> Result<sea_orm::sqlx::Pool<DB>, DbErr> {
    sea_orm::sqlx::pool::PoolOptions::<DB>::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))
}

/// The transaction an upload lands in, on its landing connection ([`landing_connection`]).
pub enum LandingTransaction {
    /// A transaction of the connection pool (SQLite: `BEGIN IMMEDIATE`).
    Pooled(sea_orm::DatabaseTransaction),
    /// PostgreSQL: the landing's own connection (a pool of exactly one), in a transaction
    /// begun with `BEGIN`; statements run on that one connection, and bulk rows are copied
    /// through it ([`crate::ingest::copy`]). Dropped without a commit, the connection is
    /// closed with the pool and the server rolls the transaction back.
    Own(DatabaseConnection),
}

impl LandingTransaction {
    /// Begins the landing's transaction.
    pub async fn begin(writer: &LandingConnection<'_>) -> Result<Self, DbErr> {
        match writer {
            LandingConnection::Own(db) if db.get_database_backend() == DbBackend::Postgres => {
                db.execute_unprepared("BEGIN").await?;
                Ok(Self::Own(db.clone()))
            }
            _ => Ok(Self::Pooled(
                writer
                    .db()
                    .begin_with_options(sea_orm::TransactionOptions {
                        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                        ..Default::default()
                    })
                    .await?,
            )),
        }
    }

    /// The pool to copy bulk rows through (PostgreSQL's own connection), if any.
    pub fn copy_pool(&self) -> Option<sea_orm::sqlx::PgPool> {
        match self {
            Self::Own(db) => Some(db.get_postgres_connection_pool().clone()),
            Self::Pooled(_) => None,
        }
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), DbErr> {
        match self {
            Self::Pooled(txn) => txn.commit().await,
            Self::Own(db) => db.execute_unprepared("COMMIT").await.map(|_| ()),
        }
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<(), DbErr> {
        match self {
            Self::Pooled(txn) => txn.rollback().await,
            Self::Own(db) => db.execute_unprepared("ROLLBACK").await.map(|_| ()),
        }
    }
}

#[sea_orm::prelude::async_trait::async_trait]
impl ConnectionTrait for LandingTransaction {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Self::Pooled(txn) => txn.get_database_backend(),
            Self::Own(db) => db.get_database_backend(),
        }
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<sea_orm::ExecResult, DbErr> {
        match self {
            Self::Pooled(txn) => txn.execute_raw(stmt).await,
            Self::Own(db) => db.execute_raw(stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, DbErr> {
        match self {
            Self::Pooled(txn) => txn.execute_unprepared(sql).await,
            Self::Own(db) => db.execute_unprepared(sql).await,
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<sea_orm::QueryResult>, DbErr> {
        match self {
            Self::Pooled(txn) => txn.query_one_raw(stmt).await,
            Self::Own(db) => db.query_one_raw(stmt).await,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
        match self {
            Self::Pooled(txn) => txn.query_all_raw(stmt).await,
            Self::Own(db) => db.query_all_raw(stmt).await,
        }
    }
}

/// `url` with its database replaced by `name`, query parameters kept.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_is_swapped_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "b1"),
            "postgres://postgres@127.0.0.1:5432/b1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "b2"),
            "postgres://u:p@h/b2?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "b3"),
            "postgres://h:5432/b3"
        );
    }

    use super::*;

    #[test]
    fn sqlite_urls_get_a_creating_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("sub/dir/hub.db");
        let url = format!("sqlite://{}", file.display());
        let prepared = prepare_sqlite_file(&url).expect("prepared url");
        assert_eq!(prepared, format!("{url}?mode=rwc"));
        assert!(dir.path().join("sub/dir").is_dir());

        let with_mode = format!("{url}?mode=ro");
        assert_eq!(
            prepare_sqlite_file(&with_mode).expect("prepared url"),
            with_mode
        );
        assert_eq!(
            prepare_sqlite_file("sqlite::memory:").expect("prepared url"),
            "sqlite::memory:"
        );
    }
}
