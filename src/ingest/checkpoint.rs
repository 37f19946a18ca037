//! The upkeep after a landing, started in the background once the landing has committed:
//! on SQLite the checkpoint (copying the write-ahead log into the database file), on
//! PostgreSQL the planner's statistics of a large landing's tables
//! ([`super::statistics`]; 0.3–0.9 s after 100,000 rows, which the upload waited for).
//!
//! A landing of 100,000 rows leaves some 70 MB in the log. Copying them into the database
//! file and syncing both files took 0.15–0.25 s, and the commit waited for it (SQLite's
//! automatic checkpoint runs inside the commit that crosses its threshold). The landing's
//! own connection therefore does not checkpoint; the copy runs on the shared pool after the
//! commit, beside whatever the hub does next, as SQLite's documentation suggests for
//! applications that do not want a commit to wait. The rows are committed and visible to
//! every reader before it starts; until it ends they are read from the log.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use sea_orm::{DatabaseConnection, DbBackend};
use tokio::sync::Notify;

/// The checkpoints an importer started (see [`super::Importer`]): started after each
/// landing, waited for by a command that exits or a benchmark that measures them.
#[derive(Debug, Clone, Default)]
pub struct Checkpoints {
    counter: Arc<Counter>,
}

/// Checkpoints started and not yet ended, and a signal each time one ends.
#[derive(Debug, Default)]
struct Counter {
    running: AtomicUsize,
    ended: Notify,
}

impl Checkpoints {
    /// Starts the checkpoint after a landing (on SQLite; PostgreSQL checkpoints by itself).
    pub fn start(&self, db: &DatabaseConnection) {
        if db.get_database_backend() != DbBackend::Sqlite {
            return;
        }
        let db = db.clone();
        let running = Running::new(Arc::clone(&self.counter));
        tokio::spawn(async move {
            // Counted until the task ends or is dropped (its runtime shutting down).
            let _running = running;
            let started = Instant::now();
            match crate::db::checkpoint(&db).await {
                Ok(()) => {
                    let ms = started.elapsed().as_secs_f64() * 1000.0;
                    tracing::debug!(ms, "checkpoint after the landing done");
                }
                // Nothing is lost: the rows stay in the log until a later checkpoint
                // copies them.
                Err(error) => tracing::warn!(%error, "checkpoint after the landing failed"),
            }
        });
    }

    /// Starts refreshing the planner's statistics after a landing of `rows` rows
    /// (PostgreSQL, a large landing only; see [`super::statistics`]).
    pub fn refresh_statistics(&self, db: &DatabaseConnection, rows: usize) {
        if !super::statistics::worth_refreshing(db, rows) {
            return;
        }
        let db = db.clone();
        let running = Running::new(Arc::clone(&self.counter));
        tokio::spawn(async move {
            let _running = running;
            super::statistics::refresh_after_landing(&db, rows).await;
        });
    }

    /// Waits until every checkpoint and statistics refresh started so far has ended.
    pub async fn settled(&self) {
        loop {
            // Registered before the count is read, so that an end in between is not missed.
            let ended = self.counter.ended.notified();
            if self.counter.running.load(Ordering::SeqCst) == 0 {
                return;
            }
            ended.await;
        }
    }
}

/// One checkpoint counted while it lives.
struct Running(Arc<Counter>);

impl Running {
    fn new(counter: Arc<Counter>) -> Self {
        counter.running.fetch_add(1, Ordering::SeqCst);
        Self(counter)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
        self.0.ended.notify_waiters();
    }
}
