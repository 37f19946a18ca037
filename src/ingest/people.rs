//! One person across sources: identity, attribute values with their sources, the value
//! shown, conflicts, and candidate matches for an analyst.
//!
//! The identity of a person is (normalised document number, nationality). Every value a
//! source gives is kept in `person_attribute`; the person shows the value of the most
//! authoritative source, ties broken by the value itself, so the result does not depend on
//! the order in which files were imported.

use super::batch::{
    Column, Keys, Table, in_chunks, insert_rows, insert_rows_with_ids, placeholders,
};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{identity_document, pending_merge, person, person_attribute};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryResult, QuerySelect, Statement, Value,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The identity of a person: (normalised document number, ISO alpha-3 nationality).
pub type Identity = (String, String);

/// The attributes a source may give for a person.
pub const ATTRIBUTES: [&str; 4] = ["latin_name", "chinese_name", "sex", "birth_date"];

/// One value a source row gives for a person (borrowed from the row's facts).
#[derive(Debug, Clone, Copy)]
pub struct AttributeValue<'a> {
    /// Whose value.
    pub identity: &'a Identity,
    /// One of [`ATTRIBUTES`].
    pub attribute: &'static str,
    /// Normalised text.
    pub value: &'a str,
    /// Authority rank of the source (lower wins).
    pub authority: i16,
    /// The row that gave it.
    pub source_row_id: i64,
}

/// What a person shows: the winning value of each attribute and whether any disagree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Shown {
    latin_name: Option<String>,
    chinese_name: Option<String>,
    sex: Option<String>,
    birth_date: Option<NaiveDate>,
    has_conflicts: bool,
}

impl Shown {
    /// Picks, per attribute, the value of the lowest authority rank (then the smallest
    /// value), and flags a conflict when an attribute has two distinct values.
    fn from_values<'a>(values: impl IntoIterator<Item = (&'a str, i16, &'a str)>) -> Self {
        let mut per_attribute: BTreeMap<&str, BTreeSet<(i16, &str)>> = BTreeMap::new();
        for (attribute, authority, value) in values {
            per_attribute
                .entry(attribute)
                .or_default()
                .insert((authority, value));
        }
        let mut shown = Shown::default();
        for (attribute, candidates) in &per_attribute {
            let distinct: BTreeSet<&str> = candidates.iter().map(|(_, v)| *v).collect();
            shown.has_conflicts |= distinct.len() > 1;
            let Some((_, best)) = candidates.first() else {
                continue;
            };
            let best = (*best).to_owned();
            match *attribute {
                "latin_name" => shown.latin_name = Some(best),
                "chinese_name" => shown.chinese_name = Some(best),
                "sex" => shown.sex = Some(best),
                "birth_date" => {
                    shown.birth_date = NaiveDate::parse_from_str(&best, "%Y-%m-%d").ok()
                }
                _ => {}
            }
        }
        shown
    }

    fn of_model(model: &person::Model) -> Self {
        Shown {
            latin_name: model.latin_name.clone(),
            chinese_name: model.chinese_name.clone(),
            sex: model.sex.clone(),
            birth_date: model.birth_date,
            has_conflicts: model.has_conflicts,
        }
    }
}

/// The people of one upload, resolved to ids.
pub struct ResolvedPeople {
    /// Identity → person id.
    pub ids: HashMap<Identity, i64>,
    /// People the hub knew before this upload (their shown values need a recompute).
    pub existing: HashSet<i64>,
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

/// The `person_attribute` columns of a value.
const PERSON_ATTRIBUTE: Table = Table {
    name: "person_attribute",
    columns: &[
        Column::plain("person_id"),
        Column::plain("attribute"),
        Column::plain("value"),
        Column::plain("authority"),
        Column::plain("source_row_id"),
    ],
};

/// Loads the people with these identities that already exist, as (id, document number,
/// nationality).
async fn find_existing<C: ConnectionTrait>(
    db: &C,
    identities: &[Identity],
) -> Result<Vec<(i64, String, String)>, DbErr> {
    let wanted: HashSet<&Identity> = identities.iter().collect();
    let numbers: Vec<String> = identities
        .iter()
        .map(|(number, _)| number.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut found = Vec::new();
    for chunk in in_chunks(&numbers) {
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
        found.extend(people.into_iter().filter(|(_, number, nationality)| {
            wanted.contains(&(number.clone(), nationality.clone()))
        }));
    }
    Ok(found)
}

/// People an analyst merged keep the other record's document as a second passport: finds
/// the person holding each of these identities that way.
async fn find_merged<C: ConnectionTrait>(
    db: &C,
    identities: &[Identity],
) -> Result<Vec<(Identity, i64)>, DbErr> {
    let wanted: HashSet<&Identity> = identities.iter().collect();
    let numbers: Vec<String> = identities
        .iter()
        .map(|(n, _)| n.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut found = Vec::new();
    for chunk in in_chunks(&numbers) {
        let documents = identity_document::Entity::find()
            .filter(identity_document::Column::Kind.eq("passport"))
            .filter(identity_document::Column::Number.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        for doc in documents {
            let identity = (doc.number, doc.issuing_nationality);
            if wanted.contains(&identity) {
                found.push((identity, doc.person_id));
            }
        }
    }
    Ok(found)
}

/// Finds or creates every person named in `values`/`identities`. New people are created
/// with the values this upload gives; existing ones are returned in `existing`.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    identities: &[Identity],
    values: &[AttributeValue<'_>],
    now: DateTime<Utc>,
) -> Result<ResolvedPeople, DbErr> {
    let mut ids: HashMap<Identity, i64> = HashMap::new();
    let mut existing = HashSet::new();
    for (id, number, nationality) in find_existing(db, identities).await? {
        existing.insert(id);
        ids.insert((number, nationality), id);
    }
    let unmatched: Vec<Identity> = identities
        .iter()
        .filter(|i| !ids.contains_key(*i))
        .cloned()
        .collect();
    for (identity, person_id) in find_merged(db, &unmatched).await? {
        existing.insert(person_id);
        ids.insert(identity, person_id);
    }

    let mut values_of: HashMap<&Identity, Vec<(&str, i16, &str)>> = HashMap::new();
    for value in values {
        values_of.entry(value.identity).or_default().push((
            value.attribute,
            value.authority,
            value.value,
        ));
    }
    // New people are numbered in the order the file names them ("the order the hub learnt
    // of them"): their ids then grow with the source rows, so every index keyed by person
    // (values, sources, affiliations, documents) is appended to, not written at random.
    let mut seen: HashSet<&Identity> = HashSet::with_capacity(identities.len());
    let new: Vec<&Identity> = identities
        .iter()
        .filter(|identity| !ids.contains_key(*identity) && seen.insert(*identity))
        .collect();
    // New people get their ids back from the insert itself (no second select).
    let key = |identity: &&Identity| (*identity).clone();
    let returned_key = |row: &QueryResult| Ok((row.try_get_by_index(1)?, row.try_get_by_index(2)?));
    let created = insert_rows_with_ids(
        db,
        &PERSON,
        &new,
        |identity, v| {
            let shown = Shown::from_values(values_of.get(*identity).cloned().unwrap_or_default());
            v.extend([
                Value::from(identity.0.clone()),
                Value::from(identity.1.clone()),
                Value::from(shown.latin_name),
                Value::from(shown.chinese_name),
                Value::from(shown.sex),
                Value::from(shown.birth_date),
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
    for (identity, id) in new.iter().zip(created) {
        if let Some(id) = id {
            ids.insert((*identity).clone(), id);
        }
    }
    Ok(ResolvedPeople { ids, existing })
}

/// Stores the attribute values with their source rows.
pub async fn store_values<C: ConnectionTrait>(
    db: &C,
    values: &[AttributeValue<'_>],
    ids: &HashMap<Identity, i64>,
) -> Result<(), DbErr> {
    // Collected first so that no closure-holding iterator lives across `.await`.
    let known: Vec<(i64, &AttributeValue<'_>)> = values
        .iter()
        .filter_map(|value| Some((*ids.get(value.identity)?, value)))
        .collect();
    insert_rows(db, &PERSON_ATTRIBUTE, known, |(person_id, value), v| {
        v.extend([
            Value::from(person_id),
            Value::from(value.attribute.to_owned()),
            Value::from(value.value.to_owned()),
            Value::from(value.authority),
            Value::from(value.source_row_id),
        ]);
    })
    .await?;
    Ok(())
}

/// Recomputes what the given people show from all the values the hub holds for them, and
/// writes the ones that changed.
pub async fn refresh_shown<C: ConnectionTrait>(
    db: &C,
    person_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in in_chunks(person_ids) {
        let people = person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let values = person_attribute::Entity::find()
            .filter(person_attribute::Column::PersonId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let mut values_of: HashMap<i64, Vec<(&str, i16, &str)>> = HashMap::new();
        for value in &values {
            values_of.entry(value.person_id).or_default().push((
                value.attribute.as_str(),
                value.authority,
                value.value.as_str(),
            ));
        }
        for model in people {
            let shown = Shown::from_values(values_of.remove(&model.id).unwrap_or_default());
            if shown == Shown::of_model(&model) {
                continue;
            }
            let mut active: person::ActiveModel = model.into();
            active.latin_name = Set(shown.latin_name);
            active.chinese_name = Set(shown.chinese_name);
            active.sex = Set(shown.sex);
            active.birth_date = Set(shown.birth_date);
            active.has_conflicts = Set(shown.has_conflicts);
            active.updated_at = Set(now);
            active.update(db).await?;
        }
    }
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
    // nationality): one seek per person, however common the name.
    let backend = db.get_database_backend();
    let mut pairs = BTreeSet::new();
    for chunk in in_chunks(person_ids) {
        let sql = format!(
            "SELECT t.id AS a, p.id AS b FROM person t
             JOIN person p ON p.latin_name = t.latin_name AND p.birth_date = t.birth_date
                 AND p.nationality = t.nationality AND p.id <> t.id
             WHERE t.id IN ({}) AND t.latin_name IS NOT NULL AND t.birth_date IS NOT NULL",
            placeholders(backend, chunk.len())
        );
        let values: Vec<Value> = chunk.iter().map(|id| Value::from(*id)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_authoritative_value_wins_whatever_the_order() {
        let a = [
            ("sex", 3, "F"),
            ("sex", 0, "M"),
            ("latin_name", 1, "KIM DARA"),
        ];
        let b = [
            ("latin_name", 1, "KIM DARA"),
            ("sex", 0, "M"),
            ("sex", 3, "F"),
        ];
        let shown_a = Shown::from_values(a);
        assert_eq!(shown_a, Shown::from_values(b));
        assert_eq!(shown_a.sex.as_deref(), Some("M"));
        assert!(shown_a.has_conflicts);
    }

    #[test]
    fn agreeing_sources_are_no_conflict() {
        let shown = Shown::from_values([
            ("birth_date", 0, "1990-01-02"),
            ("birth_date", 4, "1990-01-02"),
        ]);
        assert!(!shown.has_conflicts);
        assert_eq!(shown.birth_date, NaiveDate::from_ymd_opt(1990, 1, 2));
    }
}
