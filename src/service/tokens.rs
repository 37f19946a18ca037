//! Managing API tokens as a principal (`hub token`, the admin mutations): each change is
//! authorised by the policy and audited. The secret of a new token is returned once.

use chrono::Utc;
use entity::{api_token, member_unit};
use sea_orm::DatabaseConnection;

use crate::auth::audit::{self, Action};
use crate::auth::{Operation, Principal};
use crate::error::HubError;
use crate::registry::tokens::{self, CreatedToken, NewToken, Revocation};

/// Creates a token (admins).
pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewToken,
) -> Result<CreatedToken, HubError> {
    principal.authorize(Operation::ManageTokens)?;
    let created = tokens::create(db, new, Utc::now()).await?;
    audit::record(
        db,
        principal,
        Action::TokenCreate,
        format!("token:{}", created.token.id),
        serde_json::json!({
            "unit": created.unit.code,
            "role": created.token.role,
            "name": created.token.name,
            "expires_at": created.token.expires_at,
        }),
    )
    .await?;
    Ok(created)
}

/// Every token with its unit (admins).
pub async fn list(
    db: &DatabaseConnection,
    principal: &Principal,
) -> Result<Vec<(api_token::Model, member_unit::Model)>, HubError> {
    principal.authorize(Operation::ManageTokens)?;
    tokens::list(db).await
}

/// Revokes token `id` (admins): `NOT_FOUND` when there is none; revoking a revoked token
/// changes nothing and answers it as it is.
pub async fn revoke(
    db: &DatabaseConnection,
    principal: &Principal,
    id: i64,
) -> Result<api_token::Model, HubError> {
    principal.authorize(Operation::ManageTokens)?;
    match tokens::revoke(db, id, Utc::now()).await? {
        Revocation::Revoked(token) => {
            audit::record(
                db,
                principal,
                Action::TokenRevoke,
                format!("token:{id}"),
                serde_json::json!({ "name": token.name }),
            )
            .await?;
            Ok(token)
        }
        Revocation::AlreadyRevoked(token) => Ok(token),
        Revocation::NotFound => Err(HubError::NotFound(format!(
            "no token with id {id} / 无此令牌"
        ))),
    }
}
