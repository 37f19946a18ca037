//! Instances told of changes (PostgreSQL): a write that changes people sends `NOTIFY` with
//! the new store version in its own transaction (delivered when it commits), and every
//! instance `LISTEN`s and updates its city timeline at once, so that the next dashboard
//! question finds it current. Polling ([`super::cache::keep_timeline_current`]) stays as the
//! fallback: on SQLite, and for what is sent while a listener's connection is lost.
//!
//! Waiters in this process (the GraphQL subscriptions) are woken by [`changed_here`]: after
//! a write commits on this instance, and on every notification the listener receives from
//! any instance ([`changes`], [`wait_for_change`]).

use super::cache::{CityCache, store_version};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::watch;

/// The process's change counter: bumped on every change this process learns of.
static CHANGED: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// Tells this process's waiters that the store changed (call after the write commits).
pub fn changed_here() {
    CHANGED.send_modify(|n| *n = n.wrapping_add(1));
}

/// A receiver of the changes [`changed_here`] tells (from now on).
pub fn changes() -> watch::Receiver<u64> {
    CHANGED.subscribe()
}

/// Waits until a change is told to `changes` or `fallback` passes (the look at the store
/// that catches what no one told: another instance on SQLite, a lost listener).
pub async fn wait_for_change(changes: &mut watch::Receiver<u64>, fallback: Duration) {
    // A closed channel cannot happen (the sender is static); the timeout bounds it anyway.
    let _ = tokio::time::timeout(fallback, changes.changed()).await;
}

/// The channel the notifications are sent on.
pub const CHANNEL: &str = "hub_store_changed";

/// Wait before listening again after the listener failed.
const RETRY: Duration = Duration::from_secs(2);

/// Notifies every listening instance, when the caller's transaction commits, of the store
/// version it leaves (`uploads:changes:organisation merges`). Nothing to do on SQLite.
pub async fn notify<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let (uploads, changes, organizations) = store_version(db).await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [
            CHANNEL.into(),
            format!("{uploads}:{changes}:{organizations}").into(),
        ],
    ))
    .await
    .map(|_| ())
}

/// Listens for [`CHANNEL`] for as long as the task runs (PostgreSQL; returns at once on
/// SQLite) and brings `cache`'s timeline up to date on every notification.
pub async fn listen(cache: Arc<CityCache>, db: DatabaseConnection, tz: Tz) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    loop {
        let mut listener = match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for store changes; polling meanwhile");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(%error, "cannot listen for store changes; polling meanwhile");
            tokio::time::sleep(RETRY).await;
            continue;
        }
        tracing::debug!(channel = CHANNEL, "listening for store changes");
        loop {
            // `recv` reconnects by itself when the connection is lost (what was sent
            // meanwhile is caught up by polling).
            match listener.recv().await {
                Ok(notification) => {
                    tracing::debug!(version = notification.payload(), "store changed");
                    changed_here();
                    if let Err(error) = cache.timeline(&db, tz).await {
                        tracing::warn!(%error, "cannot update the city timeline");
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "lost the store-change listener; polling meanwhile");
                    break;
                }
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}
