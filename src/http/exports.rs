//! `GET /api/exports/people.xlsx?…`: the filtered people list as an xlsx, with the same
//! role checks and masking as the GraphQL `people` query (leaders get masked numbers and
//! no birth dates; uploaders only their own unit's people; searching by name or number
//! needs the search permission). The query string is [`ExportFilter`]'s fields:
//! `asOf`, `nationality`, `present`, `unit`, `managingUnit`, `visaStatus`, `search`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Utc;
use serde_json::json;

use super::AppState;
use super::auth::Authenticated;
use super::xlsx;
use crate::auth::Operation;
use crate::auth::audit::{self, Action};
use crate::error::HubError;
use crate::export::{ExportFilter, PeopleExport, people_xlsx};

/// The export; 401 without a token, 403 for a role that may not read people (or search
/// them, when `search` is given), 400 for a malformed filter.
pub async fn people(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    query: Result<Query<ExportFilter>, QueryRejection>,
) -> Result<Response, HubError> {
    let Query(filter) =
        query.map_err(|e| HubError::BadInput(format!("export filter: {}", e.body_text())))?;
    let grant = principal.authorize(Operation::ReadPeople)?;
    if filter.searches() {
        principal.authorize(Operation::SearchPeople)?;
    }
    let export = PeopleExport {
        filter: filter.to_filter()?,
        as_of: filter.as_of()?.unwrap_or_else(Utc::now),
        conditions: filter.describe(),
        masked: grant.masked(),
        unit_only: grant.restricted_to().map(|unit| unit.code.clone()),
        figures: principal.authorize(Operation::ReadFigures).is_ok(),
    };
    audit::record(
        &state.db,
        &principal,
        Action::ReadPeople,
        "export:people",
        json!({ "conditions": export.conditions, "masked": export.masked }),
    )
    .await?;
    let bytes = people_xlsx(&state.db, state.settings.time_zone(), &export).await?;
    let day = export
        .as_of
        .with_timezone(&state.settings.time_zone())
        .format("%Y%m%d");
    Ok(xlsx::attachment(&format!("外籍人员名单_{day}.xlsx"), bytes))
}
