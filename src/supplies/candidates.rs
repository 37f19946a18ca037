//! Donations without a receipt number that may be one (the same donor, item and quantity
//! within seven days): never merged silently, listed for analysts to merge or keep apart.

use chrono::{DateTime, Utc};
use entity::{donation_candidate, donation_row};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, sea_query::Expr,
};

use crate::error::HubError;

/// Records a pair, unless it is known already (in either order).
pub async fn propose<C: ConnectionTrait>(
    db: &C,
    donation_id: i64,
    other_donation_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (a, b) = if donation_id < other_donation_id {
        (donation_id, other_donation_id)
    } else {
        (other_donation_id, donation_id)
    };
    let known = donation_candidate::Entity::find()
        .filter(donation_candidate::Column::DonationId.eq(b))
        .filter(donation_candidate::Column::OtherDonationId.eq(a))
        .one(db)
        .await?;
    if known.is_some() {
        return Ok(());
    }
    donation_candidate::ActiveModel {
        donation_id: Set(b),
        other_donation_id: Set(a),
        reason: Set("同一捐赠方、同一物资和数量，日期相差不超过7天，且均无票据号".to_owned()),
        status: Set("pending".to_owned()),
        decided_by: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The pairs still waiting for a decision, oldest first.
pub async fn pending<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<donation_candidate::Model>, HubError> {
    Ok(donation_candidate::Entity::find()
        .filter(donation_candidate::Column::Status.eq("pending"))
        .order_by_asc(donation_candidate::Column::Id)
        .all(db)
        .await?)
}

/// An analyst's decision on a pair: merge (the later donation's rows join the earlier one)
/// or keep apart.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    id: i64,
    merge: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<donation_candidate::Model, HubError> {
    let Some(pair) = donation_candidate::Entity::find_by_id(id).one(db).await? else {
        return Err(HubError::NotFound(format!(
            "没有编号为 {id} 的待合并捐赠 / no donation candidate {id}"
        )));
    };
    if pair.status != "pending" {
        return Err(HubError::BadInput(format!(
            "该候选已处理（{}）/ the candidate was already resolved ({})",
            pair.status, pair.status
        )));
    }
    if merge {
        donation_row::Entity::update_many()
            .col_expr(
                donation_row::Column::DonationId,
                Expr::value(pair.other_donation_id),
            )
            .filter(donation_row::Column::DonationId.eq(pair.donation_id))
            .exec(db)
            .await?;
    }
    let updated = donation_candidate::ActiveModel {
        id: Set(pair.id),
        status: Set(if merge { "merged" } else { "kept_apart" }.to_owned()),
        decided_by: Set(Some(actor.to_owned())),
        decided_at: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(updated)
}
