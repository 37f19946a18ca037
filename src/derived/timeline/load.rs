//! Reading people into a [`Timeline`]: the whole store once ([`build`], people in chunks of
//! consecutive ids, each chunk's facts in one statement per table, inside one read
//! transaction so the timeline is one consistent snapshot), then only the people the store's
//! change log names since ([`update`]).

use super::person::{Micros, Movement, PersonFacts, Span};
use super::{Builder, PersonRecord, Timeline};
use crate::derived::rows::all_rows;
use crate::derived::store_changes::{self as changes, Since};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use importers::SourceKind;
use sea_orm::{
    AccessMode, ConnectionTrait, DbErr, IsolationLevel, QueryResult, TransactionSession,
    TransactionTrait, Value,
};
use std::collections::{HashMap, HashSet};

/// People read per chunk when building.
const CHUNK: i64 = 20_000;

/// People read per statement when updating (their ids are listed in it).
const LISTED: usize = 1_000;

/// An update reads at most this many people, or a third of the store if more: beyond, a
/// build is as quick.
const UPDATE_AT_MOST: usize = 10_000;

/// Rank of an affiliation's list when several are active (the rule the SQL's `MANAGING`
/// is generated from: [`SourceKind::affiliation_rank`]).
fn affiliation_rank(kind: &str) -> i64 {
    i64::from(SourceKind::affiliation_rank_of(kind))
}

/// Rank of a reporting source when no affiliation or stay names a manager
/// ([`SourceKind::value_rank`], as in the SQL).
fn source_rank(kind: &str) -> i64 {
    i64::from(SourceKind::value_rank_of(kind))
}

fn micros(at: DateTime<Utc>) -> Micros {
    at.timestamp_micros()
}

/// An affiliation or a stay of `org` whose start and end a row holds at columns 3 and 4.
fn span(row: &QueryResult, org: u32, order: i64) -> Result<Span, DbErr> {
    let at = |column: usize| {
        row.try_get_by_index::<Option<DateTime<Utc>>>(column)
            .map(|at| at.map(micros))
    };
    Ok(Span {
        org,
        from: at(3)?,
        until: at(4)?,
        order,
    })
}

/// Interns ids (organisations, member units, nationalities) as small indexes.
#[derive(Debug, Clone)]
struct Interner<K> {
    index: HashMap<K, u32>,
    keys: Vec<K>,
}

impl<K> Default for Interner<K> {
    fn default() -> Self {
        Self {
            index: HashMap::new(),
            keys: Vec::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Interner<K> {
    fn get(&mut self, key: &K) -> u32 {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = u32::try_from(self.keys.len()).unwrap_or(super::person::NO_ORG - 1);
        self.index.insert(key.clone(), i);
        self.keys.push(key.clone());
        i
    }
}

/// The organisations, member units and nationalities a timeline counts by, as indexes.
#[derive(Debug, Clone, Default)]
pub struct Names {
    orgs: Interner<i64>,
    units: Interner<i64>,
    nationalities: Interner<String>,
}

impl Names {
    /// Organisation ids by index.
    pub fn organizations(&self) -> &[i64] {
        &self.orgs.keys
    }

    /// Member unit ids by index.
    pub fn units(&self) -> &[i64] {
        &self.units.keys
    }

    /// Nationality codes by index.
    pub fn nationalities(&self) -> &[String] {
        &self.nationalities.keys
    }
}

/// Which people a statement reads: a range of ids, or ids listed.
enum Which<'a> {
    Range(i64, i64),
    Listed(&'a [i64]),
}

impl Which<'_> {
    /// The condition on `column` and its values.
    fn condition(&self, column: &str) -> (String, Vec<Value>) {
        match self {
            Self::Range(first, last) => (
                format!("{column} BETWEEN $1 AND $2"),
                vec![Value::from(*first), Value::from(*last)],
            ),
            // Ids are numbers written into the statement: no text from outside, and no
            // thousand parameters to bind (slow on SQLite).
            Self::Listed(ids) => {
                let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
                (format!("{column} IN ({})", listed.join(", ")), Vec::new())
            }
        }
    }
}

/// Reads the facts of `people` (id and nationality, ids ascending; `which` selects the
/// same people) and derives each one's states.
async fn read_people<C: ConnectionTrait>(
    db: &C,
    names: &mut Names,
    tz: Tz,
    people: &[(i64, String)],
    which: &Which<'_>,
) -> Result<Vec<PersonRecord>, DbErr> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let position = |person: i64| people.binary_search_by_key(&person, |(id, _)| *id).ok();
    let mut facts = vec![PersonFacts::default(); people.len()];
    let mut units: Vec<Vec<u32>> = vec![Vec::new(); people.len()];
    // The rows `sql` reads of the people (its `{WHERE}` the condition on `column`, the
    // person's id first), each with the person's position.
    let read = async |sql: &str, column: &str| -> Result<Vec<(usize, QueryResult)>, DbErr> {
        let (condition, values) = which.condition(column);
        let mut found = Vec::new();
        for row in all_rows(db, sql.replace("{WHERE}", &condition), values).await? {
            if let Some(i) = position(row.try_get_by_index(0)?) {
                found.push((i, row));
            }
        }
        Ok(found)
    };

    for (i, row) in read(
        "SELECT person_id, id, occurred_at, direction FROM movement WHERE {WHERE}",
        "person_id",
    )
    .await?
    {
        facts[i].movements.push(Movement {
            at: micros(row.try_get_by_index(2)?),
            id: row.try_get_by_index(1)?,
            departure: row.try_get_by_index::<String>(3)? == "departure",
        });
    }
    for (i, row) in read(
        "SELECT person_id, organization_id, kind, since, until FROM affiliation WHERE {WHERE}",
        "person_id",
    )
    .await?
    {
        let org_id: i64 = row.try_get_by_index(1)?;
        let kind: String = row.try_get_by_index(2)?;
        let order = (affiliation_rank(&kind) << 48) | org_id;
        facts[i]
            .affiliations
            .push(span(&row, names.orgs.get(&org_id), order)?);
    }
    for (i, row) in read(
        "SELECT person_id, id, organization_id, check_in, check_out FROM stay WHERE {WHERE}",
        "person_id",
    )
    .await?
    {
        let org_id: i64 = row.try_get_by_index(2)?;
        let order = row.try_get_by_index(1)?;
        facts[i]
            .stays
            .push(span(&row, names.orgs.get(&org_id), order)?);
    }
    let mut fallback: Vec<Option<(i64, i64, i64)>> = vec![None; people.len()];
    for (i, row) in read(
        "SELECT ps.person_id, ps.kind, ps.member_unit_id, o.id FROM person_source ps
         LEFT JOIN organization o ON o.member_unit_id = ps.member_unit_id
         WHERE {WHERE}",
        "ps.person_id",
    )
    .await?
    {
        let unit_id: i64 = row.try_get_by_index(2)?;
        let unit = names.units.get(&unit_id);
        if !units[i].contains(&unit) {
            units[i].push(unit);
        }
        if let Some(org_id) = row.try_get_by_index::<Option<i64>>(3)? {
            let kind: String = row.try_get_by_index(1)?;
            let key = (source_rank(&kind), unit_id, org_id);
            if fallback[i].is_none_or(|best| key < best) {
                fallback[i] = Some(key);
            }
        }
    }
    // Every document of the people, the visas picked here: the people are what narrows the
    // read (an index on the kind first, since dropped, once led the planner to read every
    // visa of the city for each chunk).
    for (i, row) in read(
        "SELECT person_id, kind, valid_until FROM identity_document WHERE {WHERE}",
        "person_id",
    )
    .await?
    {
        if row.try_get_by_index::<String>(1)? != "visa" {
            continue;
        }
        if let Some(until) = row.try_get_by_index::<Option<NaiveDate>>(2)? {
            let latest = &mut facts[i].visa_until;
            *latest = Some(latest.map_or(until, |known| known.max(until)));
        }
    }

    let mut records = Vec::with_capacity(people.len());
    for (i, (person_facts, (id, nationality))) in facts.iter_mut().zip(people).enumerate() {
        person_facts.fallback_org = fallback[i].map(|(_, _, org_id)| names.orgs.get(&org_id));
        let (initial, changes) = person_facts.changes(tz);
        let mut movements: Vec<(Micros, bool)> = person_facts
            .movements
            .iter()
            .map(|m| (m.at, m.departure))
            .collect();
        movements.sort_unstable();
        let mut person_units = std::mem::take(&mut units[i]);
        person_units.sort_unstable();
        records.push(PersonRecord {
            id: *id,
            nationality: names.nationalities.get(nationality),
            units: person_units,
            initial,
            changes,
            movements,
        });
    }
    Ok(records)
}

/// A read-only transaction that sees one snapshot of the store.
async fn snapshot<C>(db: &C) -> Result<C::Transaction, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await
    } else {
        db.begin().await
    }
}

/// `(id, nationality)` of people, in id order.
fn people_of(rows: Vec<QueryResult>) -> Result<Vec<(i64, String)>, DbErr> {
    rows.iter()
        .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
        .collect()
}

/// Reads the whole store into a timeline, as one snapshot.
pub async fn build<C>(db: &C, tz: Tz) -> Result<Timeline, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = snapshot(db).await?;
    let version = crate::derived::cache::store_version(&txn).await?;
    let seen = changes::last(&txn).await?;
    let mut names = Names::default();
    let mut builder = Builder::default();
    let mut after = i64::MIN;
    loop {
        let people = people_of(
            all_rows(
                &txn,
                format!(
                    "SELECT id, nationality FROM person WHERE id > $1 ORDER BY id LIMIT {CHUNK}"
                ),
                vec![Value::from(after)],
            )
            .await?,
        )?;
        let (Some(first), Some(last)) = (people.first(), people.last()) else {
            break;
        };
        let which = Which::Range(first.0, last.0);
        after = last.0;
        for record in read_people(&txn, &mut names, tz, &people, &which).await? {
            builder.push(&record);
        }
    }
    txn.commit().await?;
    Ok(builder.finish(version, seen, tz, names))
}

/// Updates `timeline` for the people the store's change log names since it was read, as one
/// snapshot; `None` when a build is needed instead (the log's rows were deleted, or too many
/// people changed).
pub async fn update<C>(db: &C, mut timeline: Timeline) -> Result<Option<Timeline>, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let clock = std::time::Instant::now();
    let ms = |t: std::time::Instant| t.elapsed().as_secs_f64() * 1000.0;
    let txn = snapshot(db).await?;
    let version = crate::derived::cache::store_version(&txn).await?;
    let version_ms = ms(clock);
    let limit = usize::try_from(timeline.known() / 3)
        .unwrap_or(0)
        .max(UPDATE_AT_MOST);
    let (ids, last) = match changes::since(&txn, timeline.seen(), limit).await? {
        Since::People(ids, last) => (ids, last),
        Since::TooMuch => {
            txn.commit().await?;
            return Ok(None);
        }
    };
    let since_ms = ms(clock);
    let tz = timeline.tz();
    let mut touched = Vec::with_capacity(ids.len());
    for listed in ids.chunks(LISTED) {
        let which = Which::Listed(listed);
        let (condition, values) = which.condition("id");
        let people = people_of(
            all_rows(
                &txn,
                format!("SELECT id, nationality FROM person WHERE {condition} ORDER BY id"),
                values,
            )
            .await?,
        )?;
        let found: HashSet<i64> = people.iter().map(|(id, _)| *id).collect();
        touched.extend(
            listed
                .iter()
                .filter(|id| !found.contains(id))
                .map(|&id| (id, None)),
        );
        let records = read_people(&txn, timeline.names_mut(), tz, &people, &which).await?;
        touched.extend(records.into_iter().map(|record| (record.id, Some(record))));
    }
    txn.commit().await?;
    let read_ms = ms(clock);
    if !timeline.update(touched) {
        return Ok(None);
    }
    timeline.stamp(version, last);
    tracing::debug!(
        version_ms,
        since_ms,
        read_ms,
        total_ms = ms(clock),
        "timeline update phases"
    );
    Ok(Some(timeline))
}
