//! `GET /graphql/ws`: GraphQL subscriptions over a websocket (`graphql-transport-ws` or
//! the older `graphql-ws` protocol). The token comes in the upgrade request's
//! `Authorization` header or, from a browser (which cannot set it), in the
//! `connection_init` payload as `{"Authorization": "Bearer hub_…"}` (or `{"token": …}`);
//! it is checked with the same limits as every request, and each subscription then checks
//! the role.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::{authenticate, limit_key};
use crate::error::HubError;

/// The `Authorization` header of a `connection_init` payload.
fn payload_headers(payload: &serde_json::Value) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let value = payload
        .get("Authorization")
        .or_else(|| payload.get("authorization"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| {
            payload
                .get("token")
                .and_then(|v| v.as_str())
                .map(|t| format!("Bearer {t}"))
        });
    if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(AUTHORIZATION, value);
    }
    headers
}

/// Upgrades to the GraphQL websocket protocol; 401 at once when the upgrade request names
/// a token that is not live.
pub async fn graphql_ws(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    upgrade: WebSocketUpgrade,
) -> Response {
    let client = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| limit_key(c.0.ip()));
    let from_header = if headers.contains_key(AUTHORIZATION) {
        match authenticate(&state, &headers, client).await {
            Ok(principal) => Some(principal),
            Err(error) => return error.into_response(),
        }
    } else {
        None
    };
    let schema = state.schema.subscriptions();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let principal = match from_header {
                        Some(principal) => principal,
                        None => authenticate(&state, &payload_headers(&payload), client)
                            .await
                            .map_err(|e: HubError| async_graphql::Error::new(e.to_string()))?,
                    };
                    let mut data = Data::default();
                    data.insert(principal);
                    Ok(data)
                })
                .serve()
                .await;
        })
}
