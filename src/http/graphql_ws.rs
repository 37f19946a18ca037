//! `GET /graphql/ws`: GraphQL subscriptions over a websocket (`graphql-transport-ws` or
//! the older `graphql-ws` protocol). The token comes in the upgrade request's
//! `Authorization` header or, from a browser (which cannot set it), in the
//! `connection_init` payload as `{"Authorization": "Bearer hub_…"}` (or `{"token": …}`);
//! it is checked with the same limits as every request, and each subscription then checks
//! the role. While the connection stays open its token is checked again and the
//! connection closed (4401) when it is revoked or expires ([`super::ws_watch`]); a token
//! holds at most `graphql.connections_per_token` connections, a connection at most
//! `graphql.subscriptions_per_connection` subscriptions (`TOO_MANY_SUBSCRIPTIONS`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures::future::Either;
use futures::{SinkExt, StreamExt};

use super::AppState;
use super::auth::{authenticate, limit_key};
use super::ws_watch::token_lost;
use crate::auth::Principal;
use crate::error::HubError;
use crate::graphql::subscription::ConnectionLimits;

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
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(socket, state, protocol, from_header, client))
}

/// Serves one connection: the GraphQL protocol over a channel to the socket, which a
/// watcher of the connection's token may close first.
async fn serve(
    socket: WebSocket,
    state: AppState,
    protocol: GraphQLProtocol,
    from_header: Option<Principal>,
    client: IpAddr,
) {
    let schema = state.schema.subscriptions();
    let limits = state.settings.graphql;
    let (mut sink, stream) = socket.split();
    let (to_client, mut outgoing) = futures::channel::mpsc::channel::<Message>(32);
    let (known, principal) = tokio::sync::watch::channel::<Option<Principal>>(None);
    let lost = token_lost(state.db.clone(), principal, limits.subscription_fallback());
    let graphql = GraphQLWebSocket::new_with_pair(to_client, stream, schema, protocol)
        .on_connection_init(move |payload| async move {
            let principal = match from_header {
                Some(principal) => principal,
                None => authenticate(&state, &payload_headers(&payload), client)
                    .await
                    .map_err(|e: HubError| async_graphql::Error::new(e.to_string()))?,
            };
            let mut data = Data::default();
            if let Some(token) = principal.token_id() {
                // Held in the connection's data: given back when the connection ends.
                let slot = state
                    .ws_connections
                    .enter(token, limits.connections_per_token)
                    .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                data.insert(std::sync::Arc::new(slot));
            }
            data.insert(ConnectionLimits::new(
                limits.subscriptions_per_connection,
                limits.subscription_fallback(),
            ));
            data.insert(principal.clone());
            known.send_replace(Some(principal));
            Ok(data)
        })
        .serve();
    let forward = async move {
        futures::pin_mut!(lost);
        loop {
            tokio::select! {
                message = outgoing.next() => match message {
                    Some(message) => {
                        let closing = matches!(message, Message::Close(_));
                        if sink.send(message).await.is_err() || closing {
                            break;
                        }
                    }
                    None => break,
                },
                (code, reason) = &mut lost => {
                    tracing::info!(code, reason, "closing a subscription connection");
                    let frame = CloseFrame { code, reason: reason.into() };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    break;
                }
            }
        }
        let _ = sink.close().await;
    };
    futures::pin_mut!(graphql, forward);
    match futures::future::select(graphql, forward).await {
        // The protocol ended: what it sent still goes out.
        Either::Left(((), forward)) => forward.await,
        // The socket closed, or the token was lost: the protocol stops.
        Either::Right(((), _)) => {}
    }
}
