//! City-wide figures (overview, group-by counts, the totals of people lists) kept per time
//! asked and store version.
//!
//! They depend only on T and on what the store holds, and computing them reads every
//! person; a dashboard asks the same ones every minute. The cache keeps recent answers
//! keyed by (question, T, store version) — the store version changes with every upload,
//! accepted merge and organisation merge, on whichever hub instance it happens — so an
//! answer is reused only while it is still the answer.

use super::counts::{Count, Dimension, counts_by};
use super::overview::{Overview, overview};
use super::people::{self, PersonFilter};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, Statement};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Answers kept at most.
const CAPACITY: usize = 64;

/// What the store holds, as far as the derived facts are concerned: the last upload, and
/// how many merges of people and organisations were made.
pub async fn store_version<C: ConnectionTrait>(db: &C) -> Result<(i64, i64, i64), DbErr> {
    let sql = "SELECT
        (SELECT COALESCE(MAX(id), 0) FROM upload) AS uploads,
        (SELECT COUNT(*) FROM pending_merge WHERE status = 'accepted') AS merges,
        (SELECT COUNT(*) FROM organization WHERE merged_into_id IS NOT NULL) AS organizations";
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("store version".to_owned()))?;
    Ok((
        row.try_get("", "uploads")?,
        row.try_get("", "merges")?,
        row.try_get("", "organizations")?,
    ))
}

#[derive(Debug, Clone, PartialEq)]
enum Question {
    Overview,
    Counts(Dimension, String),
    Total(String),
}

#[derive(Debug, Clone)]
enum Answer {
    Overview(Overview),
    Counts(Vec<Count>),
    Total(i64),
}

type Key = (Question, DateTime<Utc>, (i64, i64, i64));

/// Recent city-wide answers of one store.
#[derive(Debug, Default)]
pub struct CityCache {
    entries: Mutex<VecDeque<(Key, Answer)>>,
}

impl CityCache {
    fn get(&self, key: &Key) -> Option<Answer> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, a)| a.clone())
    }

    fn put(&self, key: Key, answer: Answer) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|(k, _)| k.2 == key.2);
        if entries.len() >= CAPACITY {
            entries.pop_front();
        }
        entries.push_back((key, answer));
    }

    /// [`overview`], from the cache while the store has not changed.
    pub async fn overview<C: ConnectionTrait>(
        &self,
        db: &C,
        as_of: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Overview, DbErr> {
        let key = (Question::Overview, as_of, store_version(db).await?);
        if let Some(Answer::Overview(o)) = self.get(&key) {
            return Ok(o);
        }
        let o = overview(db, as_of, tz).await?;
        self.put(key, Answer::Overview(o));
        Ok(o)
    }

    /// [`counts_by`], from the cache while the store has not changed.
    pub async fn counts_by<C: ConnectionTrait>(
        &self,
        db: &C,
        dimension: Dimension,
        filter: &PersonFilter,
        as_of: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Vec<Count>, DbErr> {
        let key = (
            Question::Counts(dimension, format!("{filter:?}")),
            as_of,
            store_version(db).await?,
        );
        if let Some(Answer::Counts(c)) = self.get(&key) {
            return Ok(c);
        }
        let counts = counts_by(db, dimension, filter, as_of, tz).await?;
        self.put(key, Answer::Counts(counts.clone()));
        Ok(counts)
    }

    /// How many people match `filter` ([`people::count`]), from the cache while the store
    /// has not changed. A list's pages all show the same total: paging through a long list
    /// counts it once. The time asked is part of the key only when the filter reads the
    /// derived facts (presence, managing unit, visa status).
    pub async fn total<C: ConnectionTrait>(
        &self,
        db: &C,
        filter: &PersonFilter,
        as_of: DateTime<Utc>,
        tz: Tz,
    ) -> Result<i64, DbErr> {
        let at = if filter.needs_derived() {
            as_of
        } else {
            DateTime::<Utc>::MIN_UTC
        };
        let key = (
            Question::Total(format!("{filter:?}")),
            at,
            store_version(db).await?,
        );
        if let Some(Answer::Total(n)) = self.get(&key) {
            return Ok(n);
        }
        let n = people::count(db, filter, as_of, tz).await?;
        self.put(key, Answer::Total(n));
        Ok(n)
    }
}
