//! City-wide figures (overview, group-by counts, present trend, the totals of people lists)
//! kept per store version.
//!
//! They depend only on T and on what the store holds, and computing them in SQL reads
//! every person. The store version changes with every upload, accepted merge and
//! organisation merge, on whichever hub instance it happens:
//! - the overview, the trend and the counts of everyone come from the store's
//!   [`Timeline`], built once and then updated for the people each change touched
//!   (see [`super::store_changes`]), which answers any T;
//! - counts of a filtered set of people and list totals are kept per (question, T, store
//!   version), so a dashboard repeating a question gets the answer again until the store
//!   changes.

use super::counts::{Count, Dimension, counts_by};
use super::overview::Overview;
use super::people::{self, PersonFilter};
use super::timeline::{self, Timeline};
use super::timeline_total::TimelineTotal;
use super::trend::TrendPoint;
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, Statement, TransactionTrait};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Answers kept at most.
const CAPACITY: usize = 64;

/// The last upload's id, the last entry of the store's change log, merged organisations.
pub type StoreVersion = (i64, i64, i64);

/// What the store holds, as far as the derived facts are concerned: the last upload, the
/// last write that changed people (the change log only grows: a merge undone and another
/// accepted never give back an earlier version), and how many organisations were merged.
pub async fn store_version<C: ConnectionTrait>(db: &C) -> Result<StoreVersion, DbErr> {
    let sql = "SELECT
        (SELECT COALESCE(MAX(id), 0) FROM upload) AS uploads,
        (SELECT COALESCE(MAX(id), 0) FROM store_change) AS changes,
        (SELECT COUNT(*) FROM organization WHERE merged_into_id IS NOT NULL) AS organizations";
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("store version".to_owned()))?;
    Ok((
        row.try_get("", "uploads")?,
        row.try_get("", "changes")?,
        row.try_get("", "organizations")?,
    ))
}

/// How long an update waits for the questions still reading the kept timeline before it
/// copies it instead (they hold it for one answer; a copy of a million people's timeline
/// is a few hundred megabytes).
const READERS_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

/// The kept timeline to update in place, once the questions reading it have answered (no
/// new one can start: the caller holds the slot), or a copy if they take longer than
/// [`READERS_WAIT`]; whether it was copied.
async fn sole(mut kept: Arc<Timeline>) -> (Timeline, bool) {
    let deadline = tokio::time::Instant::now() + READERS_WAIT;
    loop {
        match Arc::try_unwrap(kept) {
            Ok(own) => return (own, false),
            Err(shared) if tokio::time::Instant::now() >= deadline => {
                return (Arc::unwrap_or_clone(shared), true);
            }
            Err(shared) => {
                kept = shared;
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
    }
}

/// The kept timeline as of store version `version` (read before waiting for `slot`): as
/// kept when it is that version, else updated for the people changed since; `None` when a
/// new build is needed (the slot is then empty).
async fn updated<C>(
    slot: &mut Option<Arc<Timeline>>,
    db: &C,
    tz: Tz,
    version: StoreVersion,
) -> Result<Option<Arc<Timeline>>, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    if let Some(kept) = slot.as_ref()
        && kept.version() == version
        && kept.tz() == tz
    {
        return Ok(Some(Arc::clone(kept)));
    }
    let started = std::time::Instant::now();
    let Some(kept) = slot.take() else {
        return Ok(None);
    };
    if kept.tz() != tz {
        return Ok(None);
    }
    let (own, copied) = sole(kept).await;
    let wait_ms = started.elapsed().as_secs_f64() * 1000.0;
    let Some(updated) = timeline::load::update(db, own).await? else {
        return Ok(None);
    };
    tracing::info!(
        people = updated.last_touched(),
        copied,
        wait_ms,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "city timeline updated"
    );
    let updated = Arc::new(updated);
    *slot = Some(Arc::clone(&updated));
    Ok(Some(updated))
}

#[derive(Debug, Clone, PartialEq)]
enum Question {
    Counts(Dimension, String),
    Total(String),
}

#[derive(Debug, Clone)]
enum Answer {
    Counts(Vec<Count>),
    Total(i64),
}

type Key = (Question, DateTime<Utc>, StoreVersion);

/// Recent city-wide answers of one store, and its timeline.
#[derive(Debug, Default)]
pub struct CityCache {
    entries: Mutex<VecDeque<(Key, Answer)>>,
    /// The timeline of the latest store version asked about (built by whoever asks first).
    timeline: tokio::sync::Mutex<Option<Arc<Timeline>>>,
    /// Told of every change this hub learns of; its subscriptions wait on it.
    pub changes: super::notify::ChangeSignal,
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

    /// The timeline of the store as it is now: the one kept while the store version has not
    /// changed, else the kept one updated for the people changed since (from the store's
    /// change log), else a new one (requests arriving meanwhile wait for it rather than
    /// build their own).
    pub async fn timeline<C>(&self, db: &C, tz: Tz) -> Result<Arc<Timeline>, DbErr>
    where
        C: ConnectionTrait + TransactionTrait,
    {
        let version = store_version(db).await?;
        let mut slot = self.timeline.lock().await;
        if let Some(current) = updated(&mut slot, db, tz, version).await? {
            return Ok(current);
        }
        let started = std::time::Instant::now();
        let built = Arc::new(timeline::load::build(db, tz).await?);
        tracing::info!(
            changes = built.changes(),
            ms = started.elapsed().as_millis() as u64,
            "city timeline built"
        );
        *slot = Some(Arc::clone(&built));
        Ok(built)
    }

    /// Tells this hub's waiters of a write it made and brings the kept timeline up to date
    /// right after it, so that the next question does not pay for it: updated at once
    /// (milliseconds for an upload's people), or, when the change needs a new read
    /// (seconds), built in the background. No update when no timeline was read yet (the
    /// first question or the refresh reads it). Errors are logged: the write itself has
    /// committed.
    pub async fn catch_up(self: &Arc<Self>, db: &sea_orm::DatabaseConnection, tz: Tz) {
        // The waiters wake now; a question they ask waits for the update below.
        self.changes.tell();
        let started = std::time::Instant::now();
        let result = async {
            let version = store_version(db).await?;
            let mut slot = self.timeline.lock().await;
            if slot.is_none() {
                return Ok(true);
            }
            Ok::<_, DbErr>(updated(&mut slot, db, tz, version).await?.is_some())
        }
        .await;
        match result {
            Ok(true) => tracing::debug!(
                ms = started.elapsed().as_secs_f64() * 1000.0,
                "city timeline caught up after a write"
            ),
            Ok(false) => {
                let (cache, db) = (Arc::clone(self), db.clone());
                tokio::spawn(async move {
                    if let Err(error) = cache.timeline(&db, tz).await {
                        tracing::warn!(%error, "cannot build the city timeline");
                    }
                });
            }
            Err(error) => tracing::warn!(%error, "cannot update the city timeline after a write"),
        }
    }

    /// The store version of the timeline kept, if any, without asking the store.
    pub async fn kept_version(&self) -> Option<StoreVersion> {
        self.timeline
            .lock()
            .await
            .as_ref()
            .map(|kept| kept.version())
    }

    /// The headline figures as of `as_of`.
    pub async fn overview<C>(&self, db: &C, as_of: DateTime<Utc>, tz: Tz) -> Result<Overview, DbErr>
    where
        C: ConnectionTrait + TransactionTrait,
    {
        Ok(self.timeline(db, tz).await?.overview(as_of))
    }

    /// Present people at the end of each day from `from` to `to` (see
    /// [`super::trend::trend_moments`]).
    pub async fn present_trend<C>(
        &self,
        db: &C,
        from: NaiveDate,
        to: NaiveDate,
        until: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Vec<TrendPoint>, DbErr>
    where
        C: ConnectionTrait + TransactionTrait,
    {
        let moments = super::trend::trend_moments(from, to, until, tz)?;
        let timeline = self.timeline(db, tz).await?;
        Ok(moments
            .into_iter()
            .map(|(day, at)| TrendPoint {
                day,
                at,
                present: timeline.present_at(at),
            })
            .collect())
    }

    /// Present people grouped by `dimension` ([`counts_by`] answers the same): from the
    /// timeline for everyone, from the cache or SQL for a filtered set.
    pub async fn counts_by<C>(
        &self,
        db: &C,
        dimension: Dimension,
        filter: &PersonFilter,
        as_of: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Vec<Count>, DbErr>
    where
        C: ConnectionTrait + TransactionTrait,
    {
        if *filter == PersonFilter::default() {
            let timeline = self.timeline(db, tz).await?;
            return timeline_counts(db, &timeline, dimension, as_of).await;
        }
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
    ///
    /// Present people, alone or of some nationalities or visa statuses, are counted by the
    /// timeline ([`TimelineTotal`]): a people page's default list, and the lists behind
    /// the dashboard's figures, cost no count in SQL.
    pub async fn total<C>(
        &self,
        db: &C,
        filter: &PersonFilter,
        as_of: DateTime<Utc>,
        tz: Tz,
    ) -> Result<i64, DbErr>
    where
        C: ConnectionTrait + TransactionTrait,
    {
        if let Some(question) = TimelineTotal::of(filter) {
            return Ok(question.count(&*self.timeline(db, tz).await?, as_of));
        }
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

/// Keeps the timeline of `cache` current for as long as the task runs: every `every`, if
/// the store has changed (an upload, a merge, on any hub instance), the next timeline is
/// built then rather than by the next dashboard question.
pub async fn keep_timeline_current(
    cache: Arc<CityCache>,
    db: sea_orm::DatabaseConnection,
    tz: Tz,
    every: std::time::Duration,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = cache.timeline(&db, tz).await {
            tracing::warn!(%error, "cannot build the city timeline");
        }
    }
}

/// Groups of the timeline as [`Count`]s, labelled from the registry as it is now, largest
/// first (ties by key).
async fn timeline_counts<C: ConnectionTrait>(
    db: &C,
    timeline: &Timeline,
    dimension: Dimension,
    as_of: DateTime<Utc>,
) -> Result<Vec<Count>, DbErr> {
    let count = |key: String, label: String, count: i64| Count { key, label, count };
    let mut counts: Vec<Count> = match dimension {
        Dimension::Nationality => timeline
            .by_nationality(as_of)
            .into_iter()
            .map(|(code, n)| count(code.clone(), code, n))
            .collect(),
        Dimension::VisaStatus => timeline
            .by_visa(as_of)
            .into_iter()
            .map(|(status, n)| count(status.to_owned(), status.to_owned(), n))
            .collect(),
        Dimension::ManagingUnit => {
            let orgs = labels(db, "SELECT id, name, kind FROM organization").await?;
            labelled(timeline.by_organization(as_of), &orgs, |id, (name, _)| {
                (id.to_string(), name.clone())
            })
        }
        Dimension::OrganizationKind => {
            let orgs = labels(db, "SELECT id, name, kind FROM organization").await?;
            let mut kinds: HashMap<String, i64> = HashMap::new();
            let unmanaged = timeline.unmanaged(as_of);
            if unmanaged > 0 {
                kinds.insert("unknown".to_owned(), unmanaged);
            }
            for (id, n) in timeline.by_organization(as_of) {
                let kind = orgs.get(&id).map_or("unknown", |(_, kind)| kind.as_str());
                *kinds.entry(kind.to_owned()).or_default() += n;
            }
            kinds
                .into_iter()
                .map(|(kind, n)| count(kind.clone(), kind, n))
                .collect()
        }
        Dimension::ReportingUnit => {
            let units = labels(db, "SELECT id, code, name FROM member_unit").await?;
            labelled(timeline.by_unit(as_of), &units, |_, (code, name)| {
                (code.clone(), name.clone())
            })
        }
    };
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    Ok(counts)
}

/// Groups of registry rows (`id`, people) as [`Count`]s, keyed and labelled by `key_label`
/// from the row's `id` and text columns; a group whose row is not in `rows` is left out.
fn labelled(
    groups: Vec<(i64, i64)>,
    rows: &HashMap<i64, (String, String)>,
    key_label: impl Fn(i64, &(String, String)) -> (String, String),
) -> Vec<Count> {
    groups
        .into_iter()
        .filter_map(|(id, count)| {
            let (key, label) = key_label(id, rows.get(&id)?);
            Some(Count { key, label, count })
        })
        .collect()
}

/// `id → (two text columns)` of a small registry table.
async fn labels<C: ConnectionTrait>(
    db: &C,
    sql: &str,
) -> Result<HashMap<i64, (String, String)>, DbErr> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql))
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get_by_index(0)?,
                (row.try_get_by_index(1)?, row.try_get_by_index(2)?),
            ))
        })
        .collect()
}
