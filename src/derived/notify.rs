//! Instances told of changes (PostgreSQL): a write that changes people sends `NOTIFY` with
//! the new store version in its own transaction (delivered when it commits), and every
//! instance `LISTEN`s and updates its city timeline at once, so that the next dashboard
//! question finds it current. Polling ([`super::cache::keep_timeline_current`]) stays as the
//! fallback: on SQLite, and for what is sent while a listener's connection is lost.
//!
//! Waiters of one hub (its GraphQL subscriptions) are woken by its [`ChangeSignal`], held by
//! its [`CityCache`]: told after a write commits on this instance (when the cache catches
//! up) and on every notification the listener receives from any instance
//! ([`wait_for_change`]).

use super::cache::{CityCache, store_version};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// One hub's change counter: bumped on every change the hub learns of (a write of its own,
/// a notification from another instance).
#[derive(Debug)]
pub struct ChangeSignal(watch::Sender<u64>);

impl Default for ChangeSignal {
    fn default() -> Self {
        Self(watch::channel(0).0)
    }
}

impl ChangeSignal {
    /// Tells the waiters that the store changed (after the write committed).
    pub fn tell(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver of the changes told from now on.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }
}

/// Waits until a change is told to `changes` or `fallback` passes (the look at the store
/// that catches what no one told: another instance on SQLite, a lost listener).
pub async fn wait_for_change(changes: &mut watch::Receiver<u64>, fallback: Duration) {
    // A closed channel (the hub's cache dropped) ends the wait at once; the timeout bounds it.
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
                    cache.changes.tell();
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
