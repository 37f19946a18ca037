//! `GET /api/brief?asOf=…` (the daily brief as JSON, for the printable page) and
//! `GET /api/brief.docx?asOf=…` (the same brief as a Word file). Both read the brief from
//! [`crate::service::brief`] through the server's city cache, as the dashboard reads its
//! figures; analysts, leaders (masked) and admins may read it, uploaders may not (403).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::AppState;
use super::auth::Authenticated;
use super::xlsx;
use crate::auth::Principal;
use crate::error::HubError;
use crate::service::brief::{self, DailyBrief};
use crate::service::people::People;

async fn read(
    state: &AppState,
    principal: &Principal,
    query: &HashMap<String, String>,
) -> Result<DailyBrief, HubError> {
    let tz = state.settings.time_zone();
    let as_of = match query
        .get("asOf")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        Some(text) => brief::parse_as_of(text, tz)?,
        None => Utc::now(),
    };
    let people = People::new(&state.db, tz).with_cache(state.schema.city_cache());
    brief::daily_brief(&people, &state.db, tz, principal, as_of).await
}

/// `GET /api/brief`: the brief as JSON.
pub async fn json(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<DailyBrief>, HubError> {
    Ok(Json(read(&state, &principal, &query).await?))
}

/// `GET /api/brief.docx`: the brief as a Word file named after its day.
pub async fn docx(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, HubError> {
    let brief = read(&state, &principal, &query).await?;
    let tz = state.settings.time_zone();
    let bytes = brief::docx::brief_docx(&brief, tz)?;
    let name = format!(
        "每日情况报告_{}.docx",
        brief.as_of.with_timezone(&tz).format("%Y%m%d_%H%M")
    );
    let mut response = xlsx::attachment(&name, bytes);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(brief::docx::DOCX));
    Ok(response.into_response())
}
