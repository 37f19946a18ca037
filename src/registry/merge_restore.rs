//! What undoing a merge gives back beyond the facts that moved when it was accepted
//! ([`super::merge_undo`]):
//!
//! - **Facts landed after the merge under the absorbed record's identifiers.** While the
//!   merge stood, a row naming the absorbed record's document number found the survivor
//!   (through the second passport the merge added). The rule: on undo, every fact of the
//!   survivor whose source row named the person by one of the absorbed record's
//!   identifiers — its own document number, or a number merged into it by an earlier merge
//!   (a second passport it brought along) — goes back to the absorbed record, whichever
//!   unit landed it and whenever. The rows the survivor was named by (its own numbers)
//!   stay with it. A row is known by the number it named the person by
//!   (`person_source.document_number`); rows landed before that was kept (2026-12-01)
//!   carry none and stay with the survivor.
//! - **The absorbed record's other candidate matches.** Accepting a merge removes every
//!   other candidate pair naming the absorbed record (it is gone); they are kept with the
//!   merge and put back on undo, with their ids, statuses and decisions, when both people
//!   exist again and the pair is not recorded already (either way round).

use entity::pending_merge;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Value};
use serde_json::{Value as Json, json};

use super::merge_undo::FACT_TABLES;
use crate::db::statement;

/// The other candidate pairs of `gone` (all but `merge_id`), as JSON rows to keep with the
/// merge before they are removed.
pub async fn candidates_of<C: ConnectionTrait>(
    db: &C,
    gone: i64,
    merge_id: i64,
) -> Result<Json, DbErr> {
    let rows = pending_merge::Entity::find()
        .filter(pending_merge::Column::Id.ne(merge_id))
        .filter(
            sea_orm::Condition::any()
                .add(pending_merge::Column::PersonId.eq(gone))
                .add(pending_merge::Column::CandidateId.eq(gone)),
        )
        .all(db)
        .await?;
    Ok(Json::Array(
        rows.iter()
            .map(|m| {
                json!({
                    "id": m.id,
                    "person_id": m.person_id,
                    "candidate_id": m.candidate_id,
                    "reason": m.reason,
                    "status": m.status,
                    "created_at": m.created_at,
                    "resolved_at": m.resolved_at,
                    "resolved_by": m.resolved_by,
                })
            })
            .collect(),
    ))
}

/// Which kept candidate pairs came back and which could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoredCandidates {
    /// The pairs put back (their ids).
    pub restored: Vec<i64>,
    /// The pairs not put back (their ids): a person of the pair is gone, or the pair is
    /// recorded again.
    pub skipped: Vec<i64>,
}

async fn exists<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<Value>) -> Result<bool, DbErr> {
    Ok(db
        .query_one_raw(statement(db, sql, values))
        .await?
        .is_some())
}

/// Puts back the candidate pairs [`candidates_of`] kept (in the undo's transaction).
pub async fn restore_candidates<C: ConnectionTrait>(
    db: &C,
    kept: &Json,
) -> Result<RestoredCandidates, DbErr> {
    let mut outcome = RestoredCandidates::default();
    for row in kept.as_array().into_iter().flatten() {
        let (Some(id), Some(person), Some(candidate)) = (
            row["id"].as_i64(),
            row["person_id"].as_i64(),
            row["candidate_id"].as_i64(),
        ) else {
            continue;
        };
        let people_exist = exists(
            db,
            "SELECT 1 FROM person a JOIN person b ON b.id = $2 WHERE a.id = $1",
            vec![person.into(), candidate.into()],
        )
        .await?;
        let recorded = exists(
            db,
            "SELECT 1 FROM pending_merge WHERE id = $1 \
             OR (person_id = $2 AND candidate_id = $3) OR (person_id = $3 AND candidate_id = $2)",
            vec![id.into(), person.into(), candidate.into()],
        )
        .await?;
        if !people_exist || recorded {
            outcome.skipped.push(id);
            continue;
        }
        let text = |key: &str| row[key].as_str().map(str::to_owned);
        let time = |key: &str| {
            row[key]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc))
        };
        db.execute_raw(statement(
            db,
            "INSERT INTO pending_merge (id, person_id, candidate_id, reason, status, created_at, \
             resolved_at, resolved_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                id.into(),
                person.into(),
                candidate.into(),
                text("reason").unwrap_or_default().into(),
                text("status")
                    .unwrap_or_else(|| "pending".to_owned())
                    .into(),
                time("created_at").unwrap_or_else(chrono::Utc::now).into(),
                time("resolved_at").into(),
                text("resolved_by").into(),
            ],
        ))
        .await?;
        outcome.restored.push(id);
    }
    Ok(outcome)
}

/// The document numbers the absorbed record was known by: its own, and the second
/// passports among its facts (numbers merged into it by earlier merges).
pub async fn identifiers_of<C: ConnectionTrait>(
    db: &C,
    restored: i64,
    own: &str,
) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(statement(
            db,
            "SELECT DISTINCT number FROM identity_document WHERE person_id = $1 AND kind = 'passport'",
            vec![restored.into()],
        ))
        .await?;
    let mut numbers = vec![own.to_owned()];
    for row in rows {
        let number: String = row.try_get("", "number")?;
        if !numbers.contains(&number) {
            numbers.push(number);
        }
    }
    Ok(numbers)
}

/// Moves back to `restored` every fact of `survivor` from a row that named the person by
/// one of `numbers` (none of the survivor's own numbers); the ids moved, by table.
pub async fn return_later_facts<C: ConnectionTrait>(
    db: &C,
    survivor: i64,
    restored: i64,
    numbers: &[String],
) -> Result<Json, DbErr> {
    let mut moved = serde_json::Map::new();
    if numbers.is_empty() {
        return Ok(Json::Object(moved));
    }
    // Numbers bound from $2 on; the survivor's own numbers never name a row that moves.
    let list: Vec<String> = (0..numbers.len()).map(|i| format!("${}", i + 2)).collect();
    let rows = format!(
        "SELECT ps.source_row_id FROM person_source ps WHERE ps.person_id = $1 \
         AND ps.document_number IN ({list}) \
         AND ps.document_number <> (SELECT p.document_number FROM person p WHERE p.id = $1) \
         AND NOT EXISTS (SELECT 1 FROM identity_document d WHERE d.person_id = $1 \
             AND d.kind = 'passport' AND d.number = ps.document_number)",
        list = list.join(", ")
    );
    for table in FACT_TABLES {
        let mut values: Vec<Value> = vec![survivor.into()];
        values.extend(numbers.iter().map(|n| Value::from(n.clone())));
        let found = db
            .query_all_raw(statement(
                db,
                format!(
                    "SELECT id FROM {table} WHERE person_id = $1 AND source_row_id IN ({rows}) ORDER BY id"
                ),
                values,
            ))
            .await?;
        let ids = found
            .iter()
            .map(|row| row.try_get::<i64>("", "id"))
            .collect::<Result<Vec<_>, _>>()?;
        if ids.is_empty() {
            continue;
        }
        let id_list: Vec<String> = ids.iter().map(i64::to_string).collect();
        db.execute_raw(statement(
            db,
            format!(
                "UPDATE {table} SET person_id = $2 WHERE person_id = $1 AND id IN ({})",
                id_list.join(", ")
            ),
            vec![survivor.into(), restored.into()],
        ))
        .await?;
        moved.insert(table.to_owned(), json!(ids));
    }
    Ok(Json::Object(moved))
}
