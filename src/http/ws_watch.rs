//! What keeps a subscription connection honest while it stays open: the number of
//! connections each token holds (at most `graphql.connections_per_token` per instance),
//! and its token checked again every `graphql.subscription_fallback_secs`, the
//! connection closed when the token is revoked or expires (close code 4401) or its role
//! changes (4403).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::auth::Principal;
use crate::error::HubError;
use crate::registry::tokens;

/// Close code of a connection whose token was revoked or expired.
pub const CLOSE_REVOKED: u16 = 4401;

/// Close code of a connection whose token's role changed.
pub const CLOSE_ROLE_CHANGED: u16 = 4403;

/// The websocket connections open per token on this instance.
#[derive(Debug, Default)]
pub struct TokenConnections(Mutex<HashMap<i64, usize>>);

impl TokenConnections {
    /// A place for one more connection of `token`, or `TOO_MANY_SUBSCRIPTIONS` when it
    /// holds `limit` already (0: no limit).
    pub fn enter(self: &Arc<Self>, token: i64, limit: usize) -> Result<ConnectionSlot, HubError> {
        let mut open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(token).or_insert(0);
        if limit > 0 && *count >= limit {
            return Err(HubError::TooManySubscriptions(format!(
                "TOO_MANY_SUBSCRIPTIONS: this token holds {limit} connections, the most it may"
            )));
        }
        *count += 1;
        Ok(ConnectionSlot {
            connections: Arc::clone(self),
            token,
        })
    }

    /// How many connections `token` holds.
    pub fn open(&self, token: i64) -> usize {
        let open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&token).copied().unwrap_or(0)
    }
}

/// A connection's place among its token's, given back when the connection ends.
#[derive(Debug)]
pub struct ConnectionSlot {
    connections: Arc<TokenConnections>,
    token: i64,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut open = self.connections.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.token) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.token);
            }
        }
    }
}

/// Waits for the principal of the connection (known once `connection_init` is checked),
/// then checks its token every `every`; returns the close code and reason when the token
/// no longer works or its role changed. Never returns for a principal without a token.
pub async fn token_lost(
    db: DatabaseConnection,
    mut principal: watch::Receiver<Option<Principal>>,
    every: Duration,
) -> (u16, &'static str) {
    let principal = loop {
        if let Some(p) = principal.borrow_and_update().clone() {
            break p;
        }
        if principal.changed().await.is_err() {
            return std::future::pending().await;
        }
    };
    let Some(id) = principal.token_id() else {
        return std::future::pending().await;
    };
    loop {
        tokio::time::sleep(every).await;
        match tokens::live_role(&db, id, Utc::now()).await {
            Ok(Some(role)) if role == principal.role => {}
            Ok(Some(_)) => {
                return (
                    CLOSE_ROLE_CHANGED,
                    "FORBIDDEN: the token's role changed; connect again",
                );
            }
            Ok(None) => {
                return (
                    CLOSE_REVOKED,
                    "UNAUTHENTICATED: the token was revoked or has expired",
                );
            }
            Err(error) => tracing::warn!(%error, token = id, "cannot check a subscriber's token"),
        }
    }
}
