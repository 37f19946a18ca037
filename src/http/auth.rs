//! Who sends an HTTP request: the bearer token of its `Authorization` header, checked
//! against the store, the per-token rate limit and, for requests without a live token, the
//! per-address limit.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

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

/// The address a request came from, as the per-address limit keys it: the peer of its
/// connection (one address for every client behind a proxy), an IPv6 address by its /64
/// network (one host's share; it may pick any address inside it); unspecified when the
/// router runs without connection info (in-process tests).
fn client_address(parts: &Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    limit_key(peer)
}

/// `address` as the per-address limit keys it: IPv4 (also mapped into IPv6) as it is, IPv6
/// by its /64 network.
pub(super) fn limit_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        v4 => v4,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_limited_by_their_64_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("address");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("address");
        let other: IpAddr = "2001:db8:1:3::1".parse().expect("address");
        assert_eq!(limit_key(a), limit_key(b));
        assert_ne!(limit_key(a), limit_key(other));
        let v4: IpAddr = "192.0.2.7".parse().expect("address");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("address");
        assert_eq!(limit_key(v4), v4);
        assert_eq!(limit_key(mapped), v4);
    }
}
