//! Who sends an HTTP request: the bearer token of its `Authorization` header, checked
//! against the store and the per-token rate limit.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;

use super::AppState;
use crate::auth::{Principal, token};
use crate::error::HubError;
use crate::registry::tokens;

/// The principal of a request: `UNAUTHENTICATED` (401) without a live token,
/// `RATE_LIMITED` (429) when the token is over its per-minute limit. The actor is recorded
/// in the request's span (never the token).
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Principal, HubError> {
    let secret = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(token::from_authorization)
        .ok_or(HubError::Unauthenticated)?;
    let principal = tokens::authenticate(&state.db, secret, Utc::now()).await?;
    tracing::Span::current().record("actor", principal.actor_id().as_str());
    if let Some(id) = principal.token_id()
        && !state.limiter.check(id)
    {
        return Err(HubError::RateLimited);
    }
    Ok(principal)
}

/// Extractor of the request's principal (see [`authenticate`]); runs before the body is
/// read, so unauthenticated uploads are refused without reading them.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HubError> {
        authenticate(state, &parts.headers).await.map(Self)
    }
}
