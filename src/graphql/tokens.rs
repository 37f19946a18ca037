//! API tokens through GraphQL (admins): list, create (the token is shown once), revoke.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{api_token, member_unit};

use super::context::{database, principal};
use super::mutation::parse_id;
use super::types::MemberUnit;
use crate::auth::Role;
use crate::error::{GqlResultExt, HubError};
use crate::registry::tokens::{NewToken, is_live};
use crate::service::tokens as service;

/// An API token (never the token itself: only its hash is stored). 访问令牌。
#[derive(Debug, Clone, SimpleObject)]
pub struct ApiToken {
    /// Id. 编号。
    pub id: ID,
    /// Name. 名称。
    pub name: String,
    /// The unit it acts for. 所属成员单位。
    pub unit: MemberUnit,
    /// Role. 角色。
    pub role: Role,
    /// Created. 创建时间。
    pub created_at: DateTime<Utc>,
    /// Stops working at. 过期时间。
    pub expires_at: Option<DateTime<Utc>>,
    /// Revoked at. 吊销时间。
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last used (to the minute). 最近使用时间。
    pub last_used_at: Option<DateTime<Utc>>,
    /// Works now: not revoked, not expired. 当前是否有效。
    pub active: bool,
}

impl ApiToken {
    /// From the stored row and its unit.
    pub fn new(token: api_token::Model, unit: member_unit::Model) -> Result<Self> {
        let role: Role = token
            .role
            .parse()
            .map_err(|e| HubError::Internal(format!("token {}: {e}", token.id)))
            .gql()?;
        Ok(Self {
            id: ID(token.id.to_string()),
            active: is_live(&token, Utc::now()),
            name: token.name,
            unit: MemberUnit::from(unit),
            role,
            created_at: token.created_at,
            expires_at: token.expires_at,
            revoked_at: token.revoked_at,
            last_used_at: token.last_used_at,
        })
    }
}

/// A token just created. 新建的令牌。
#[derive(Debug, Clone, SimpleObject)]
pub struct CreatedApiToken {
    /// The bearer token, shown this once and never again: hand it to the unit. 令牌（仅显示一次）。
    pub token: String,
    /// The stored token. 令牌信息。
    pub api_token: ApiToken,
}

/// Token queries. 令牌查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct TokenQuery;

#[Object]
impl TokenQuery {
    /// Every API token, oldest first (admins). 全部访问令牌（管理员）。
    async fn api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>> {
        let rows = service::list(database(ctx)?, principal(ctx)?).await.gql()?;
        rows.into_iter()
            .map(|(token, unit)| ApiToken::new(token, unit))
            .collect()
    }
}

/// Token changes. 令牌管理。
#[derive(Debug, Default, Clone, Copy)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Creates a token for a member unit with a role (admins); the answer holds the token
    /// itself, which is never shown again. 创建访问令牌（管理员；令牌仅显示一次）。
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Member unit code. 成员单位代码。")] unit: String,
        role: Role,
        #[graphql(desc = "A name for people. 名称。")] name: Option<String>,
        #[graphql(desc = "When it stops working. 过期时间。")] expires_at: Option<DateTime<Utc>>,
    ) -> Result<CreatedApiToken> {
        let new = NewToken {
            unit,
            role,
            name,
            expires_at,
        };
        let created = service::create(database(ctx)?, principal(ctx)?, new)
            .await
            .gql()?;
        Ok(CreatedApiToken {
            token: created.secret,
            api_token: ApiToken::new(created.token, created.unit)?,
        })
    }

    /// Revokes a token: it stops working at once (admins). 吊销访问令牌（管理员）。
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<ApiToken> {
        let id = parse_id(&id, "id")?;
        let db = database(ctx)?;
        let token = service::revoke(db, principal(ctx)?, id).await.gql()?;
        let unit = crate::registry::units::list(db)
            .await
            .gql()?
            .into_iter()
            .find(|u| u.id == token.member_unit_id)
            .ok_or_else(|| HubError::Internal("token of no unit".to_owned()))
            .gql()?;
        ApiToken::new(token, unit)
    }
}
