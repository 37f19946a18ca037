//! One person across sources: identity, the values each source gives, the value shown,
//! conflicts, and candidate matches for an analyst.
//!
//! The identity of a person is (normalised document number, nationality). Every row that
//! names a person is kept in `person_source` with the values it gives; the person shows the
//! value of the most authoritative source, ties broken by the value itself, so the result
//! does not depend on the order in which files were imported.

use super::batch::{
    Column, Keys, Table, in_chunks, insert_rows, insert_rows_with_ids, placeholders,
};
use crate::registry::shown::{PersonValues, Shown};
use chrono::{DateTime, Utc};
use entity::{identity_document, pending_merge, person};
use foldhash::{HashMap, HashMapExt};
use importers::SourceKind;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryResult, QuerySelect, Statement, Value,
};
use std::collections::BTreeSet;

/// The identity of a person: (normalised document number, ISO alpha-3 nationality).
pub type Identity = (String, String);

/// A row of a landing that names a person: who, what it says of them, and where it is.
#[derive(Debug, Clone, Copy)]
pub struct NamedPerson<'a> {
    /// Whom the row names.
    pub identity: &'a Identity,
    /// The values it gives.
    pub values: &'a PersonValues,
    /// The row (`source_row.id`).
    pub source_row_id: i64,
}

/// The people of one landing's rows, resolved to ids.
pub struct ResolvedPeople {
    /// The person of each row given to [`resolve`], in the same order (`None` only if the
    /// database gave no id for a new person).
    pub person_ids: Vec<Option<i64>>,
    /// Every person the rows name, once each, ascending.
    pub touched: Vec<i64>,
    /// People the hub knew before this landing (their shown values need a recompute),
    /// ascending.
    pub existing: Vec<i64>,
}

/// The `person` columns a new person is inserted with.
const PERSON: Table = Table {
    name: "person",
    columns: &[
        Column::plain("document_number"),
        Column::plain("nationality"),
        Column::plain("latin_name"),
        Column::plain("chinese_name"),
        Column::plain("sex"),
        Column::plain("birth_date"),
        Column::plain("has_conflicts"),
        Column::plain("created_at"),
        Column::plain("updated_at"),
    ],
};

/// The `person_source` columns of a row that names a person (with the document number it
/// names them by).
const PERSON_SOURCE: Table = Table {
    name: "person_source",
    columns: &[
        Column::plain("person_id"),
        Column::plain("member_unit_id"),
        Column::plain("kind"),
        Column::plain("source_row_id"),
        Column::plain("latin_name"),
        Column::plain("chinese_name"),
        Column::plain("sex"),
        Column::plain("birth_date"),
        Column::plain("document_number"),
    ],
};

/// The distinct identities of some rows, in the order the rows first name them, and for
/// each row the index of its identity.
struct Distinct<'a> {
    identities: Vec<&'a Identity>,
    of_row: Vec<usize>,
    index: HashMap<&'a Identity, usize>,
}

impl<'a> Distinct<'a> {
    fn of(named: &[NamedPerson<'a>]) -> Self {
        let mut distinct = Self {
            identities: Vec::with_capacity(named.len()),
            of_row: Vec::with_capacity(named.len()),
            index: HashMap::with_capacity(named.len()),
        };
        for row in named {
            let next = distinct.identities.len();
            let at = *distinct.index.entry(row.identity).or_insert(next);
            if at == next {
                distinct.identities.push(row.identity);
            }
            distinct.of_row.push(at);
        }
        distinct
    }

    /// The index of an identity given as its two parts.
    fn position(&self, number: String, nationality: String) -> Option<usize> {
        self.index.get(&(number, nationality)).copied()
    }

    /// The distinct document numbers of the identities at `positions`, for `IN` lists.
    fn numbers(&self, positions: impl Iterator<Item = usize>) -> Vec<String> {
        positions
            .map(|at| self.identities[at].0.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }
}

/// Loads the people holding these document numbers, as (id, document number, nationality).
async fn find_existing<C: ConnectionTrait>(
    db: &C,
    numbers: &[String],
) -> Result<Vec<(i64, String, String)>, DbErr> {
    let mut found = Vec::new();
    for chunk in in_chunks(numbers) {
        let people: Vec<(i64, String, String)> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::DocumentNumber,
                person::Column::Nationality,
            ])
            .filter(person::Column::DocumentNumber.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(people);
    }
    Ok(found)
}

/// People an analyst merged keep the other record's document as a second passport: loads
/// the passports with these numbers, as (person id, number, issuing nationality).
async fn find_merged<C: ConnectionTrait>(
    db: &C,
    numbers: &[String],
) -> Result<Vec<(i64, String, String)>, DbErr> {
    let mut found = Vec::new();
    for chunk in in_chunks(numbers) {
        let documents: Vec<(i64, String, String)> = identity_document::Entity::find()
            .select_only()
            .columns([
                identity_document::Column::PersonId,
                identity_document::Column::Number,
                identity_document::Column::IssuingNationality,
            ])
            .filter(identity_document::Column::Kind.eq("passport"))
            .filter(identity_document::Column::Number.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(documents);
    }
    Ok(found)
}

/// Finds or creates the person each row names. New people are created with the values
/// these rows give them (`authority` is the rank of the rows' source); the people found are
/// listed in `existing`.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    named: &[NamedPerson<'_>],
    authority: i16,
    now: DateTime<Utc>,
) -> Result<ResolvedPeople, DbErr> {
    let distinct = Distinct::of(named);
    let mut ids: Vec<Option<i64>> = vec![None; distinct.identities.len()];
    let mut existing = BTreeSet::new();
    let numbers = distinct.numbers(0..ids.len());
    for (id, number, nationality) in find_existing(db, &numbers).await? {
        if let Some(at) = distinct.position(number, nationality) {
            existing.insert(id);
            ids[at] = Some(id);
        }
    }
    let unmatched = distinct.numbers((0..ids.len()).filter(|at| ids[*at].is_none()));
    for (person_id, number, nationality) in find_merged(db, &unmatched).await? {
        if let Some(at) = distinct.position(number, nationality)
            && ids[at].is_none()
        {
            existing.insert(person_id);
            ids[at] = Some(person_id);
        }
    }

    // The rows of each identity, grouped, for the values a new person starts with.
    let mut rows_by_identity: Vec<usize> = (0..named.len()).collect();
    rows_by_identity.sort_by_key(|row| distinct.of_row[*row]);
    let mut rows_of: Vec<&[usize]> = vec![&[]; ids.len()];
    for rows in rows_by_identity.chunk_by(|a, b| distinct.of_row[*a] == distinct.of_row[*b]) {
        if let Some(first) = rows.first() {
            rows_of[distinct.of_row[*first]] = rows;
        }
    }
    // New people are numbered in the order the file names them ("the order the hub learnt
    // of them"): their ids then grow with the source rows, so every index keyed by person
    // (values, sources, affiliations, documents) is appended to, not written at random.
    let new: Vec<usize> = (0..ids.len()).filter(|at| ids[*at].is_none()).collect();
    let mut sources: Vec<(i16, &PersonValues)> = Vec::new();
    let key = |at: &usize| distinct.identities[*at].clone();
    let returned_key = |row: &QueryResult| Ok((row.try_get_by_index(1)?, row.try_get_by_index(2)?));
    let created = insert_rows_with_ids(
        db,
        &PERSON,
        &new,
        |at, v| {
            sources.clear();
            sources.extend(
                rows_of[*at]
                    .iter()
                    .map(|row| (authority, named[*row].values)),
            );
            let shown = Shown::from_sources(&sources);
            let (number, nationality) = distinct.identities[*at];
            v.extend([
                Value::from(number.clone()),
                Value::from(nationality.clone()),
                Value::from(shown.values.latin_name),
                Value::from(shown.values.chinese_name),
                Value::from(shown.values.sex),
                Value::from(shown.values.birth_date),
                Value::from(shown.has_conflicts),
                Value::from(now),
                Value::from(now),
            ]);
        },
        Keys {
            columns: &["document_number", "nationality"],
            key: &key,
            returned_key: &returned_key,
        },
    )
    .await?;
    for (at, id) in new.into_iter().zip(created) {
        ids[at] = id;
    }
    let touched: BTreeSet<i64> = ids.iter().flatten().copied().collect();
    Ok(ResolvedPeople {
        person_ids: distinct.of_row.iter().map(|at| ids[*at]).collect(),
        touched: touched.into_iter().collect(),
        existing: existing.into_iter().collect(),
    })
}

/// Stores which row named which person (`person_ids` as [`resolve`] returned them), with
/// the values the row gives, the unit that sent it and the kind of its upload.
pub async fn store_sources<C: ConnectionTrait>(
    db: &C,
    named: &[NamedPerson<'_>],
    person_ids: &[Option<i64>],
    unit_id: i64,
    kind: SourceKind,
) -> Result<(), DbErr> {
    // Collected first so that no closure-holding iterator lives across `.await`.
    let sources: Vec<(i64, &NamedPerson<'_>)> = named
        .iter()
        .zip(person_ids)
        .filter_map(|(row, person_id)| Some(((*person_id)?, row)))
        .collect();
    insert_rows(db, &PERSON_SOURCE, sources, |(person_id, row), v| {
        v.extend([
            Value::from(person_id),
            Value::from(unit_id),
            Value::from(kind.as_str().to_owned()),
            Value::from(row.source_row_id),
            Value::from(row.values.latin_name.clone()),
            Value::from(row.values.chinese_name.clone()),
            Value::from(row.values.sex.clone()),
            Value::from(row.values.birth_date),
            // The number the row named the person by: after a merge, the rows naming the
            // absorbed record's number go back to it when the merge is undone.
            Value::from(row.identity.0.clone()),
        ]);
    })
    .await?;
    Ok(())
}

/// Records candidate matches among the given people: two records with the same
/// nationality, Latin name and date of birth but different documents. They are kept as
/// pending merges for an analyst, never merged silently; a decided pair is not reopened.
pub async fn find_candidates<C: ConnectionTrait>(
    db: &C,
    person_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    // Each touched person's key is looked up in the index on (latin_name, birth_date,
    // nationality): one seek per person, however common the name, and however many people
    // the store holds (on PostgreSQL the lateral subquery, kept apart by `OFFSET 0`, makes
    // the planner seek rather than hash the whole table, which it otherwise prefers once a
    // part's people are a tenth of the store).
    let backend = db.get_database_backend();
    let mut pairs = BTreeSet::new();
    for chunk in in_chunks(person_ids) {
        let (sql, values) = match backend {
            DbBackend::Postgres => (
                format!(
                    "SELECT t.id AS a, p.id AS b FROM person t
                     CROSS JOIN LATERAL (SELECT p.id FROM person p
                         WHERE p.latin_name = t.latin_name AND p.birth_date = t.birth_date
                         AND p.nationality = t.nationality AND p.id <> t.id OFFSET 0) p
                     WHERE t.id = ANY('{{{}}}'::bigint[])
                         AND t.latin_name IS NOT NULL AND t.birth_date IS NOT NULL",
                    chunk
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Vec::new(),
            ),
            _ => (
                format!(
                    "SELECT t.id AS a, p.id AS b FROM person t
                     JOIN person p ON p.latin_name = t.latin_name
                         AND p.birth_date = t.birth_date
                         AND p.nationality = t.nationality AND p.id <> t.id
                     WHERE t.id IN ({}) AND t.latin_name IS NOT NULL
                         AND t.birth_date IS NOT NULL",
                    placeholders(backend, chunk.len())
                ),
                chunk.iter().map(|id| Value::from(*id)).collect(),
            ),
        };
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        for row in rows {
            let a: i64 = row.try_get("", "a")?;
            let b: i64 = row.try_get("", "b")?;
            pairs.insert((a.min(b), a.max(b)));
        }
    }
    let mut inserted = 0;
    for (person_id, candidate_id) in pairs {
        let result = pending_merge::Entity::insert(pending_merge::ActiveModel {
            person_id: Set(person_id),
            candidate_id: Set(candidate_id),
            reason: Set("same_name_birth_date".to_owned()),
            status: Set("pending".to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                pending_merge::Column::PersonId,
                pending_merge::Column::CandidateId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        inserted += result;
    }
    Ok(inserted)
}
