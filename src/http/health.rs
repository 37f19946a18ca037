//! Liveness and readiness probes, and the JSON 404.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::AppState;
use crate::db;
use crate::error::HubError;

/// How long the readiness probe waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(3);

/// `GET /healthz`: 200 while the process is up; it does not touch the database.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 when the database answers `SELECT 1`, 503 otherwise.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(READY_TIMEOUT, db::ping(&state.db)).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok" })),
        ),
        outcome => {
            match outcome {
                Ok(Err(e)) => tracing::warn!(error = %e, "readiness: database failed"),
                _ => tracing::warn!("readiness: database timed out"),
            }
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}

/// Any unknown path: a JSON `NOT_FOUND` error.
pub async fn not_found() -> HubError {
    HubError::NotFound("no such endpoint / 无此接口".to_owned())
}
