//! Who sends an HTTP request: the bearer token of its `Authorization` header, checked
//! against the store, the per-token rate limit and, for requests without a live token, the
//! per-address limit.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;

use super::AppState;
use crate::auth::{Principal, token};
use crate::error::HubError;
use crate::registry::tokens;

/// The principal of a request from `client`: `UNAUTHENTICATED` (401) without a live token,
/// `RATE_LIMITED` (429) when the token is over its per-minute limit, or when `client` sent
/// more requests without a live token than `http.failed_auth_per_minute` (then no token is
/// looked up at all). The actor is recorded in the request's span (never the token).
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    client: IpAddr,
) -> Result<Principal, HubError> {
    if !state.failed_auth.allows(&client) {
        return Err(HubError::RateLimited);
    }
    let principal = match lookup(state, headers).await {
        Err(HubError::Unauthenticated) => {
            state.failed_auth.check(&client);
            return Err(HubError::Unauthenticated);
        }
        other => other?,
    };
    tracing::Span::current().record("actor", principal.actor_id().as_str());
    if let Some(id) = principal.token_id()
        && !state.limiter.check(&id)
    {
        return Err(HubError::RateLimited);
    }
    Ok(principal)
}

/// The principal of the bearer token in `headers`, or `UNAUTHENTICATED`.
async fn lookup(state: &AppState, headers: &HeaderMap) -> Result<Principal, HubError> {
    let secret = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(token::from_authorization)
        .ok_or(HubError::Unauthenticated)?;
    tokens::authenticate(&state.db, secret, Utc::now()).await
}

/// The address a request came from: the peer of its connection (one address for every
/// client behind a proxy); unspecified when the router runs without connection info
/// (in-process tests).
fn client_address(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}

/// Extractor of the request's principal (see [`authenticate`]); runs before the body is
/// read, so unauthenticated uploads are refused without reading them.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HubError> {
        authenticate(state, &parts.headers, client_address(parts))
            .await
            .map(Self)
    }
}
