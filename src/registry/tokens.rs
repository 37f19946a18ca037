//! API tokens in the store: creating (only the hash is kept), listing, revoking, and
//! finding the token a request presents.

use chrono::{DateTime, Duration, Utc};
use entity::{api_token, member_unit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::auth::{Principal, Role, UnitRef, token};
use crate::error::HubError;
use crate::registry::units::find_unit;

/// How stale `last_used_at` may get before a request refreshes it (one write per token per
/// minute at most, not one per request).
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A token just created: the secret (shown once, never stored) and the stored row.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    /// The bearer token to hand to the unit.
    pub secret: String,
    /// The stored row (with the hash only).
    pub token: api_token::Model,
    /// The unit it acts for.
    pub unit: member_unit::Model,
}

/// What a new token is.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Code of the member unit it acts for.
    pub unit: String,
    /// Its role.
    pub role: Role,
    /// A name for people (default: `<unit> <role>`).
    pub name: Option<String>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates a token for an existing member unit. The secret is returned once.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    new: NewToken,
    now: DateTime<Utc>,
) -> Result<CreatedToken, HubError> {
    let unit = find_unit(db, &new.unit).await?;
    if new.expires_at.is_some_and(|at| at <= now) {
        return Err(HubError::BadInput(
            "the expiry is in the past / 过期时间早于当前时间".to_owned(),
        ));
    }
    let name = new
        .name
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("{} {}", unit.code, new.role));
    if name.chars().count() > 200 {
        return Err(HubError::BadInput(
            "a token name has at most 200 characters / 名称过长".to_owned(),
        ));
    }
    let secret = token::generate()?;
    let token = api_token::ActiveModel {
        name: Set(name),
        member_unit_id: Set(unit.id),
        role: Set(new.role.as_str().to_owned()),
        token_hash: Set(token::hash(&secret)),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(CreatedToken {
        secret,
        token,
        unit,
    })
}

/// Every token with its unit, oldest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(api_token::Model, member_unit::Model)>, HubError> {
    let rows = api_token::Entity::find()
        .find_also_related(member_unit::Entity)
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(token, unit)| Some((token, unit?)))
        .collect())
}

/// What became of a revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// Revoked now.
    Revoked(api_token::Model),
    /// It had been revoked before (the row as it is).
    AlreadyRevoked(api_token::Model),
    /// No such token.
    NotFound,
}

/// Revokes token `id`: it stops working at once, on every instance.
pub async fn revoke<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Revocation, HubError> {
    let Some(row) = api_token::Entity::find_by_id(id).one(db).await? else {
        return Ok(Revocation::NotFound);
    };
    if row.revoked_at.is_some() {
        return Ok(Revocation::AlreadyRevoked(row));
    }
    let mut active: api_token::ActiveModel = row.into();
    active.revoked_at = Set(Some(now));
    Ok(Revocation::Revoked(active.update(db).await?))
}

/// Whether a token row works at `now`: not revoked, not expired.
pub fn is_live(row: &api_token::Model, now: DateTime<Utc>) -> bool {
    row.revoked_at.is_none() && row.expires_at.is_none_or(|at| at > now)
}

/// The role of token `id` when it still works at `now` (not revoked, not expired);
/// `None` when it does not (or is gone). Read again while a websocket connection stays
/// open on the token.
pub async fn live_role<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Role>, sea_orm::DbErr> {
    let row = api_token::Entity::find_by_id(id).one(db).await?;
    Ok(row
        .filter(|row| is_live(row, now))
        .and_then(|row| row.role.parse().ok()))
}

/// The principal of a presented bearer token, or `UNAUTHENTICATED` when the token is
/// unknown, revoked or expired (the same answer for all three). Refreshes `last_used_at`
/// at most once a minute, in the background: the refresh is a write, and a request must
/// not wait for it behind a landing (nor fail when it cannot be written).
pub async fn authenticate(
    db: &DatabaseConnection,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Principal, HubError> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token::hash(secret)))
        .find_also_related(member_unit::Entity)
        .one(db)
        .await?;
    let Some((row, Some(unit))) = found else {
        return Err(HubError::Unauthenticated);
    };
    if !is_live(&row, now) {
        return Err(HubError::Unauthenticated);
    }
    let role: Role = row
        .role
        .parse()
        .map_err(|e| HubError::Internal(format!("token {}: {e}", row.id)))?;
    if row.last_used_at.is_none_or(|at| now - at > TOUCH_EVERY) {
        let db = db.clone();
        let id = row.id;
        tokio::spawn(async move {
            let touched = api_token::Entity::update_many()
                .col_expr(
                    api_token::Column::LastUsedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(api_token::Column::Id.eq(id))
                .exec(&db)
                .await;
            if let Err(e) = touched {
                tracing::warn!(token = id, error = %e, "token last use not recorded");
            }
        });
    }
    Ok(Principal::token(
        row.id,
        row.name,
        role,
        UnitRef {
            id: unit.id,
            code: unit.code,
        },
    ))
}
