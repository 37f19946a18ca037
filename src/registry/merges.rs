//! Candidate matches of two person records and an analyst's decision on them.
//!
//! Accepting a candidate makes the two records one person: every fact of the candidate
//! moves to the kept person, the candidate's document becomes a second passport of the
//! kept person (so later uploads naming it find the same person), and the candidate
//! record is removed from the lists, kept in `merged_person` as merged into the survivor
//! (with the facts that moved and its other candidate pairs, which the merge removes), so
//! the merge can be undone ([`super::merge_undo`]).
//! Rejecting only records the decision; the pair is not proposed again.

use chrono::Utc;
use entity::{
    affiliation, health_check, identity_document, movement, pending_merge, person, person_source,
    stay,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

/// Candidate matches with the given status (`pending` by default), oldest first.
pub async fn list(
    db: &DatabaseConnection,
    status: &str,
) -> Result<Vec<pending_merge::Model>, DbErr> {
    pending_merge::Entity::find()
        .filter(pending_merge::Column::Status.eq(status))
        .order_by_asc(pending_merge::Column::Id)
        .all(db)
        .await
}

/// What became of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The decision was recorded.
    Done(pending_merge::Model),
    /// No such candidate.
    NotFound,
    /// The candidate was decided before.
    AlreadyDecided(pending_merge::Model),
}

macro_rules! move_facts {
    ($txn:expr, $from:expr, $to:expr, $($module:ident),+) => {
        $(
            $module::Entity::update_many()
                .col_expr($module::Column::PersonId, Expr::value($to))
                .filter($module::Column::PersonId.eq($from))
                .exec($txn)
                .await?;
        )+
    };
}

/// Accepts or rejects a candidate match.
pub async fn resolve(
    db: &DatabaseConnection,
    id: i64,
    accept: bool,
    by: &str,
) -> Result<Decision, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(candidate) = pending_merge::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(Decision::NotFound);
    };
    if candidate.status != "pending" {
        return Ok(Decision::AlreadyDecided(candidate));
    }
    let now = Utc::now();
    if accept {
        let (keep, gone) = (candidate.person_id, candidate.candidate_id);
        if let Some(other) = person::Entity::find_by_id(gone).one(&txn).await? {
            let first_source = person_source::Entity::find()
                .filter(person_source::Column::PersonId.eq(gone))
                .order_by_asc(person_source::Column::Id)
                .one(&txn)
                .await?;
            let moved = super::merge_undo::facts_of(&txn, gone).await?;
            move_facts!(
                &txn,
                gone,
                keep,
                person_source,
                identity_document,
                affiliation,
                stay,
                movement,
                health_check
            );
            let candidates = super::merge_restore::candidates_of(&txn, gone, id).await?;
            let mut added_document = None;
            if let Some(source) = first_source {
                let added = identity_document::ActiveModel {
                    person_id: Set(keep),
                    kind: Set("passport".to_owned()),
                    number: Set(Some(other.document_number.clone())),
                    passport_number: Set(None),
                    issuing_nationality: Set(other.nationality.clone()),
                    category: Set(None),
                    valid_until: Set(None),
                    source_row_id: Set(source.source_row_id),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                added_document = Some(added.id);
            }
            super::merge_undo::archive(
                &txn,
                super::merge_undo::Absorbed {
                    merge_id: id,
                    survivor: keep,
                    person: &other,
                    moved: &moved,
                    added_document,
                    candidates: &candidates,
                },
                by,
                now,
            )
            .await?;
            pending_merge::Entity::delete_many()
                .filter(pending_merge::Column::Id.ne(id))
                .filter(
                    pending_merge::Column::PersonId
                        .eq(gone)
                        .or(pending_merge::Column::CandidateId.eq(gone)),
                )
                .exec(&txn)
                .await?;
            let mut decided: pending_merge::ActiveModel = candidate.clone().into();
            decided.candidate_id = Set(keep);
            decided.reason = Set(format!(
                "{}; merged {}/{}",
                candidate.reason, other.document_number, other.nationality
            ));
            decided.update(&txn).await?;
            person::Entity::delete_by_id(gone).exec(&txn).await?;
            super::shown::refresh_shown(&txn, &[keep], now).await?;
            crate::derived::store_changes::record_people(&txn, &[keep, gone]).await?;
        }
    }
    let mut decided: pending_merge::ActiveModel = pending_merge::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("pending merge {id}")))?
        .into();
    decided.status = Set(if accept { "accepted" } else { "rejected" }.to_owned());
    decided.resolved_at = Set(Some(now));
    decided.resolved_by = Set(Some(by.to_owned()));
    let decided = decided.update(&txn).await?;
    txn.commit().await?;
    Ok(Decision::Done(decided))
}

/// One candidate match by id.
pub async fn find(db: &DatabaseConnection, id: i64) -> Result<Option<pending_merge::Model>, DbErr> {
    pending_merge::Entity::find_by_id(id).one(db).await
}
