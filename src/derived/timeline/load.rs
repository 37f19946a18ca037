//! Building a [`Timeline`] from the store: people are read in chunks of consecutive ids,
//! each chunk's facts in one statement per table, inside one read transaction so the
//! timeline is one consistent snapshot.

use super::person::{Micros, Movement, NO_ORG, PersonFacts, Span, State};
use super::{Change, Tally, Timeline};
use crate::derived::cache::StoreVersion;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use importers::SourceKind;
use sea_orm::{
    AccessMode, ConnectionTrait, DbErr, IsolationLevel, QueryResult, Statement, TransactionSession,
    TransactionTrait, Value,
};
use std::collections::HashMap;

/// People read per chunk.
const CHUNK: i64 = 20_000;

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

/// Interns ids (organisations, member units, nationalities) as small indexes.
struct Interner<K> {
    index: HashMap<K, u32>,
    keys: Vec<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Interner<K> {
    fn new() -> Self {
        Self {
            index: HashMap::new(),
            keys: Vec::new(),
        }
    }

    fn get(&mut self, key: &K) -> u32 {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = u32::try_from(self.keys.len()).unwrap_or(NO_ORG - 1);
        self.index.insert(key.clone(), i);
        self.keys.push(key.clone());
        i
    }
}

/// What the build collects besides the changes.
struct Builder {
    tz: Tz,
    orgs: Interner<i64>,
    units: Interner<i64>,
    nationalities: Interner<String>,
    person_nationality: Vec<u32>,
    unit_offsets: Vec<u32>,
    person_units: Vec<u32>,
    initial: Vec<State>,
    changes: Vec<Change>,
    arrivals: Vec<Micros>,
    departures: Vec<Micros>,
}

async fn rows<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<QueryResult>, DbErr> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
}

impl Builder {
    /// Reads the facts of the people with ids in `ids` (ascending) and adds their states.
    async fn add_chunk<C: ConnectionTrait>(
        &mut self,
        db: &C,
        ids: &[(i64, String)],
    ) -> Result<(), DbErr> {
        let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
            return Ok(());
        };
        let range = || vec![Value::from(first.0), Value::from(last.0)];
        let position = |person: i64| ids.binary_search_by_key(&person, |(id, _)| *id).ok();
        let mut facts = vec![PersonFacts::default(); ids.len()];
        let mut units: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];

        for row in rows(
            db,
            "SELECT person_id, id, occurred_at, direction FROM movement WHERE person_id BETWEEN $1 AND $2",
            range(),
        )
        .await?
        {
            let at = micros(row.try_get_by_index(2)?);
            let departure = row.try_get_by_index::<String>(3)? == "departure";
            if departure {
                self.departures.push(at);
            } else {
                self.arrivals.push(at);
            }
            if let Some(i) = position(row.try_get_by_index(0)?) {
                facts[i].movements.push(Movement {
                    at,
                    id: row.try_get_by_index(1)?,
                    departure,
                });
            }
        }
        for row in rows(
            db,
            "SELECT person_id, organization_id, kind, since, until FROM affiliation WHERE person_id BETWEEN $1 AND $2",
            range(),
        )
        .await?
        {
            if let Some(i) = position(row.try_get_by_index(0)?) {
                let org_id: i64 = row.try_get_by_index(1)?;
                let kind: String = row.try_get_by_index(2)?;
                facts[i].affiliations.push(Span {
                    org: self.orgs.get(&org_id),
                    from: row.try_get_by_index::<Option<DateTime<Utc>>>(3)?.map(micros),
                    until: row.try_get_by_index::<Option<DateTime<Utc>>>(4)?.map(micros),
                    order: (affiliation_rank(&kind) << 48) | org_id,
                });
            }
        }
        for row in rows(
            db,
            "SELECT person_id, id, organization_id, check_in, check_out FROM stay WHERE person_id BETWEEN $1 AND $2",
            range(),
        )
        .await?
        {
            if let Some(i) = position(row.try_get_by_index(0)?) {
                let org_id: i64 = row.try_get_by_index(2)?;
                facts[i].stays.push(Span {
                    org: self.orgs.get(&org_id),
                    from: row.try_get_by_index::<Option<DateTime<Utc>>>(3)?.map(micros),
                    until: row.try_get_by_index::<Option<DateTime<Utc>>>(4)?.map(micros),
                    order: row.try_get_by_index(1)?,
                });
            }
        }
        let mut fallback: Vec<Option<(i64, i64, i64)>> = vec![None; ids.len()];
        for row in rows(
            db,
            "SELECT ps.person_id, ps.kind, ps.member_unit_id, o.id FROM person_source ps
             LEFT JOIN organization o ON o.member_unit_id = ps.member_unit_id
             WHERE ps.person_id BETWEEN $1 AND $2",
            range(),
        )
        .await?
        {
            let Some(i) = position(row.try_get_by_index(0)?) else {
                continue;
            };
            let unit_id: i64 = row.try_get_by_index(2)?;
            let unit = self.units.get(&unit_id);
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
        // Every document of the chunk's people, the visas picked here: the range of people
        // is what narrows the read (an index on the kind first, since dropped, once led the
        // planner to read every visa of the city for each chunk).
        for row in rows(
            db,
            "SELECT person_id, kind, valid_until FROM identity_document WHERE person_id BETWEEN $1 AND $2",
            range(),
        )
        .await?
        {
            if row.try_get_by_index::<String>(1)? != "visa" {
                continue;
            }
            if let (Some(i), Some(until)) = (
                position(row.try_get_by_index(0)?),
                row.try_get_by_index::<Option<NaiveDate>>(2)?,
            ) {
                let latest = &mut facts[i].visa_until;
                *latest = Some(latest.map_or(until, |known| known.max(until)));
            }
        }

        for (i, (person_facts, (_, nationality))) in facts.iter_mut().zip(ids).enumerate() {
            person_facts.fallback_org = fallback[i].map(|(_, _, org_id)| self.orgs.get(&org_id));
            let person = u32::try_from(self.initial.len()).unwrap_or(u32::MAX);
            let nationality = self.nationalities.get(nationality);
            self.person_nationality.push(nationality);
            self.person_units.extend(&units[i]);
            self.unit_offsets
                .push(u32::try_from(self.person_units.len()).unwrap_or(u32::MAX));
            let (first, changes) = person_facts.changes(self.tz);
            let mut from = first;
            self.initial.push(first);
            for (at, to) in changes {
                self.changes.push(Change {
                    at,
                    person,
                    from,
                    to,
                });
                from = to;
            }
        }
        Ok(())
    }

    fn finish(mut self, version: StoreVersion, known: i64) -> Timeline {
        self.changes.sort_by_key(|change| change.at);
        self.arrivals.sort_unstable();
        self.departures.sort_unstable();
        let mut timeline = Timeline {
            version,
            tz: self.tz,
            known,
            nationalities: self.nationalities.keys,
            person_nationality: self.person_nationality,
            unit_ids: self.units.keys,
            unit_offsets: self.unit_offsets,
            person_units: self.person_units,
            org_ids: self.orgs.keys,
            changes: self.changes,
            checkpoints: Vec::new(),
            present: Vec::new(),
            arrivals: self.arrivals,
            departures: self.departures,
        };
        let mut tally = Tally::empty(&timeline);
        for (person, state) in self.initial.iter().enumerate() {
            tally.add(
                &timeline,
                u32::try_from(person).unwrap_or(u32::MAX),
                *state,
                1,
            );
        }
        timeline.present = timeline.present_from(tally.present);
        timeline.checkpoints = timeline.checkpoints_from(tally);
        timeline
    }
}

/// Reads the whole store into a timeline, as one snapshot.
pub async fn build<C>(db: &C, tz: Tz) -> Result<Timeline, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?
    } else {
        db.begin().await?
    };
    let version = crate::derived::cache::store_version(&txn).await?;
    let mut builder = Builder {
        tz,
        orgs: Interner::new(),
        units: Interner::new(),
        nationalities: Interner::new(),
        person_nationality: Vec::new(),
        unit_offsets: vec![0],
        person_units: Vec::new(),
        initial: Vec::new(),
        changes: Vec::new(),
        arrivals: Vec::new(),
        departures: Vec::new(),
    };
    let mut after = i64::MIN;
    let mut known = 0;
    loop {
        let ids: Vec<(i64, String)> = rows(
            &txn,
            &format!("SELECT id, nationality FROM person WHERE id > $1 ORDER BY id LIMIT {CHUNK}"),
            vec![Value::from(after)],
        )
        .await?
        .iter()
        .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
        .collect::<Result<_, DbErr>>()?;
        let Some(last) = ids.last() else { break };
        after = last.0;
        known += i64::try_from(ids.len()).unwrap_or(0);
        builder.add_chunk(&txn, &ids).await?;
    }
    txn.commit().await?;
    Ok(builder.finish(version, known))
}
