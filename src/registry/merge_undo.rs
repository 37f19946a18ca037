//! Merges kept so they can be undone: an accepted merge archives the absorbed record (its
//! row as it was, the ids of the facts that moved to the survivor, the second passport the
//! merge added) in `merged_person`; the record stays visible as merged into the survivor,
//! and undoing the merge restores it with its facts.
//!
//! Facts that landed after the merge from rows naming the absorbed record's numbers went to
//! the survivor (the second passport finds it); undoing the merge gives them back too, and
//! puts back the absorbed record's other candidate matches the merge removed
//! ([`super::merge_restore`] states the rules).

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    affiliation, health_check, identity_document, movement, pending_merge, person, person_source,
    stay,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::{Value as Json, json};

use crate::db::statement;

/// A person's fact tables (the ones a merge moves), by name.
pub const FACT_TABLES: [&str; 6] = [
    "person_source",
    "identity_document",
    "affiliation",
    "stay",
    "movement",
    "health_check",
];

/// The ids of a person's facts, by table, as `{"movement": [1, 2], …}`.
pub async fn facts_of<C: ConnectionTrait>(db: &C, person_id: i64) -> Result<Json, DbErr> {
    macro_rules! ids {
        ($module:ident) => {
            $module::Entity::find()
                .select_only()
                .column($module::Column::Id)
                .filter($module::Column::PersonId.eq(person_id))
                .into_tuple::<i64>()
                .all(db)
                .await?
        };
    }
    Ok(json!({
        "person_source": ids!(person_source),
        "identity_document": ids!(identity_document),
        "affiliation": ids!(affiliation),
        "stay": ids!(stay),
        "movement": ids!(movement),
        "health_check": ids!(health_check),
    }))
}

/// What an accepted merge absorbed.
pub struct Absorbed<'a> {
    /// The pending merge.
    pub merge_id: i64,
    /// The person kept.
    pub survivor: i64,
    /// The absorbed person as it was.
    pub person: &'a person::Model,
    /// Its facts' ids ([`facts_of`]), before they moved.
    pub moved: &'a Json,
    /// The second passport the merge gave the survivor.
    pub added_document: Option<i64>,
    /// The absorbed record's other candidate pairs the merge removes
    /// ([`super::merge_restore::candidates_of`]).
    pub candidates: &'a Json,
}

/// Archives what a merge absorbed (in the merge's transaction).
pub async fn archive<C: ConnectionTrait>(
    db: &C,
    absorbed: Absorbed<'_>,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let p = absorbed.person;
    let record = json!({
        "id": p.id,
        "document_number": p.document_number,
        "nationality": p.nationality,
        "latin_name": p.latin_name,
        "chinese_name": p.chinese_name,
        "sex": p.sex,
        "birth_date": p.birth_date,
        "has_conflicts": p.has_conflicts,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    });
    db.execute_raw(statement(
        db,
        "INSERT INTO merged_person (pending_merge_id, survivor_id, person_id, document_number, nationality, \
         record, moved, added_document_id, merged_by, merged_at, candidates) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        vec![
            absorbed.merge_id.into(),
            absorbed.survivor.into(),
            p.id.into(),
            p.document_number.clone().into(),
            p.nationality.clone().into(),
            record.into(),
            absorbed.moved.clone().into(),
            absorbed.added_document.into(),
            by.to_owned().into(),
            at.into(),
            absorbed.candidates.clone().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// A record merged into another, as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedRecord {
    /// The merge.
    pub merge_id: i64,
    /// The person kept.
    pub survivor_id: i64,
    /// The absorbed person's id.
    pub person_id: i64,
    /// Its document number.
    pub document_number: String,
    /// Its nationality.
    pub nationality: String,
    /// Its Latin name.
    pub latin_name: Option<String>,
    /// Who merged.
    pub merged_by: String,
    /// When.
    pub merged_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT pending_merge_id, survivor_id, person_id, document_number, nationality, \
     record, merged_by, merged_at FROM merged_person WHERE undone_at IS NULL";

fn record_of(row: &sea_orm::QueryResult) -> Result<MergedRecord, DbErr> {
    let record: Json = row.try_get("", "record")?;
    Ok(MergedRecord {
        merge_id: row.try_get("", "pending_merge_id")?,
        survivor_id: row.try_get("", "survivor_id")?,
        person_id: row.try_get("", "person_id")?,
        document_number: row.try_get("", "document_number")?,
        nationality: row.try_get("", "nationality")?,
        latin_name: record["latin_name"].as_str().map(str::to_owned),
        merged_by: row.try_get("", "merged_by")?,
        merged_at: row.try_get("", "merged_at")?,
    })
}

/// The records merged into `survivor` (merges not undone), oldest first.
pub async fn merged_into<C: ConnectionTrait>(
    db: &C,
    survivor: i64,
) -> Result<Vec<MergedRecord>, DbErr> {
    let sql = format!("{SELECT} AND survivor_id = $1 ORDER BY id");
    let rows = db
        .query_all_raw(statement(db, sql, vec![survivor.into()]))
        .await?;
    rows.iter().map(record_of).collect()
}

/// The merged record of a document number and nationality (normalised), if one was
/// merged into another person and not undone.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    number: &str,
    nationality: &str,
) -> Result<Option<MergedRecord>, DbErr> {
    let sql = format!("{SELECT} AND document_number = $1 AND nationality = $2 ORDER BY id DESC");
    let row = db
        .query_one_raw(statement(db, sql, vec![number.into(), nationality.into()]))
        .await?;
    row.as_ref().map(record_of).transpose()
}

/// What an undone merge gave back.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    /// The person kept by the merge.
    pub survivor: i64,
    /// The record back (its id as before).
    pub restored: i64,
    /// The facts that landed on the survivor after the merge from rows naming the
    /// restored record's numbers, given back to it: ids by table.
    pub returned: Json,
    /// The numbers those rows were recognised by.
    pub identifiers: Vec<String>,
    /// The restored record's other candidate pairs, put back or not.
    pub candidates: super::merge_restore::RestoredCandidates,
}

/// What undoing a merge did.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    /// Both records are back.
    Done(Undone),
    /// No such merge.
    NotFound,
    /// The merge is not an accepted one (pending, rejected, undone already), or a person
    /// with the absorbed identity exists again.
    NotUndoable(String),
}

/// Undoes accepted merge `merge_id`: the absorbed person comes back with its id and values,
/// the facts that moved return to it, the added passport goes, the facts landed since from
/// rows naming its numbers and its other candidate pairs come back
/// ([`super::merge_restore`]), both people's shown values are refreshed, and the merge is
/// marked `undone`.
pub async fn undo(db: &DatabaseConnection, merge_id: i64, by: &str) -> Result<Undo, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(merge) = pending_merge::Entity::find_by_id(merge_id)
        .one(&txn)
        .await?
    else {
        return Ok(Undo::NotFound);
    };
    if merge.status != "accepted" {
        return Ok(Undo::NotUndoable(format!(
            "merge {merge_id} is {}, not accepted / 该合并未被确认，无法撤销",
            merge.status
        )));
    }
    let Some(row) = txn
        .query_one_raw(statement(
            &txn,
            "SELECT id, survivor_id, person_id, record, moved, added_document_id, candidates FROM merged_person \
             WHERE pending_merge_id = $1 AND undone_at IS NULL",
            vec![merge_id.into()],
        ))
        .await?
    else {
        return Ok(Undo::NotUndoable(format!(
            "merge {merge_id} was made before merges were kept / 该合并无存档，无法撤销"
        )));
    };
    let archive_id: i64 = row.try_get("", "id")?;
    let survivor: i64 = row.try_get("", "survivor_id")?;
    let restored: i64 = row.try_get("", "person_id")?;
    let record: Json = row.try_get("", "record")?;
    let moved: Json = row.try_get("", "moved")?;
    let added: Option<i64> = row.try_get("", "added_document_id")?;
    let kept_candidates: Option<Json> = row.try_get("", "candidates")?;
    let text = |key: &str| record[key].as_str().map(str::to_owned);
    let number = text("document_number").unwrap_or_default();
    let nationality = text("nationality").unwrap_or_default();
    if person::Entity::find()
        .filter(person::Column::DocumentNumber.eq(number.clone()))
        .filter(person::Column::Nationality.eq(nationality.clone()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Ok(Undo::NotUndoable(format!(
            "a person {number}/{nationality} exists again / 该证件号码已存在人员记录"
        )));
    }
    let now = Utc::now();
    let time = |key: &str| {
        record[key]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map_or(now, |t| t.with_timezone(&Utc))
    };
    person::ActiveModel {
        id: Set(restored),
        document_number: Set(number.clone()),
        nationality: Set(nationality),
        latin_name: Set(text("latin_name")),
        chinese_name: Set(text("chinese_name")),
        sex: Set(text("sex")),
        birth_date: Set(text("birth_date").and_then(|d| d.parse::<NaiveDate>().ok())),
        has_conflicts: Set(record["has_conflicts"].as_bool().unwrap_or(false)),
        created_at: Set(time("created_at")),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for table in FACT_TABLES {
        let ids: Vec<i64> = moved[table]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_i64)
            .collect();
        if ids.is_empty() {
            continue;
        }
        macro_rules! back {
            ($module:ident) => {
                $module::Entity::update_many()
                    .col_expr($module::Column::PersonId, Expr::value(restored))
                    .filter($module::Column::Id.is_in(ids.clone()))
                    .filter($module::Column::PersonId.eq(survivor))
                    .exec(&txn)
                    .await?
            };
        }
        match table {
            "person_source" => back!(person_source),
            "identity_document" => back!(identity_document),
            "affiliation" => back!(affiliation),
            "stay" => back!(stay),
            "movement" => back!(movement),
            _ => back!(health_check),
        };
    }
    if let Some(added) = added {
        identity_document::Entity::delete_by_id(added)
            .exec(&txn)
            .await?;
    }
    let identifiers = super::merge_restore::identifiers_of(&txn, restored, &number).await?;
    let returned =
        super::merge_restore::return_later_facts(&txn, survivor, restored, &identifiers).await?;
    let candidates = match &kept_candidates {
        Some(kept) => super::merge_restore::restore_candidates(&txn, kept).await?,
        None => super::merge_restore::RestoredCandidates::default(),
    };
    super::shown::refresh_shown(&txn, &[survivor, restored], now).await?;
    // Both people's timelines change: every instance updates them.
    crate::derived::store_changes::record_people(&txn, &[survivor, restored]).await?;
    let mut decided: pending_merge::ActiveModel = merge.clone().into();
    decided.status = Set("undone".to_owned());
    decided.candidate_id = Set(restored);
    decided.resolved_at = Set(Some(now));
    decided.resolved_by = Set(Some(by.to_owned()));
    decided.update(&txn).await?;
    txn.execute_raw(statement(
        &txn,
        "UPDATE merged_person SET undone_by = $1, undone_at = $2 WHERE id = $3",
        vec![by.to_owned().into(), now.into(), archive_id.into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(Undo::Done(Undone {
        survivor,
        restored,
        returned,
        identifiers,
        candidates,
    }))
}
