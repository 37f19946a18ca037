//! `GET /api/exports/people.xlsx?…`: the filtered people list as an xlsx, with the same
//! role checks and masking as the GraphQL `people` query (leaders get masked numbers and
//! no birth dates; uploaders only their own unit's people; searching by name or number
//! needs the search permission). The query string is [`ExportFilter`]'s fields:
//! `asOf`, `nationality`, `present`, `unit`, `managingUnit`, `visaStatus`, `search`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{MethodRouter, get};

use super::AppState;
use super::auth::Authenticated;
use super::xlsx;
use crate::error::HubError;
use crate::export::ExportFilter;
use crate::service::people::{ExportRequest, People};
use crate::supplies::export::Sheet;

/// The export ([`People::export`]); 401 without a token, 403 for a role that may not read
/// people (or search them, when `search` is given), 400 for a malformed filter.
pub async fn people(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    query: Result<Query<ExportFilter>, QueryRejection>,
) -> Result<Response, HubError> {
    let Query(filter) =
        query.map_err(|e| HubError::BadInput(format!("export filter: {}", e.body_text())))?;
    let tz = state.settings.time_zone();
    let request = ExportRequest {
        filter,
        masked: false,
    };
    let file = People::new(&state.db, tz)
        .with_read_audit(state.schema.read_audit())
        .with_cache(state.schema.city_cache())
        .export(&principal, &request)
        .await?;
    let day = file.as_of.with_timezone(&tz).format("%Y%m%d");
    Ok(xlsx::attachment(
        &format!("外籍人员名单_{day}.xlsx"),
        file.bytes,
    ))
}

/// The query string of the supplies exports: `asOf` (RFC 3339; default now).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LedgerQuery {
    /// The time the ledger is read as of.
    #[serde(rename = "asOf")]
    pub as_of: Option<String>,
}

/// The route of a ledger sheet's export: `GET /api/exports/donations.xlsx?asOf=…` (the
/// donations as of a time, with the roles and masking of the `donations` query: uploaders
/// their own unit's rows, leaders private donors' names masked) or
/// `GET /api/exports/contracts.xlsx?asOf=…` (the purchase contracts as of a time, with
/// their state history and sources).
pub fn ledger(sheet: Sheet) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>,
              Authenticated(principal): Authenticated,
              query: Result<Query<LedgerQuery>, QueryRejection>| {
            ledger_sheet(state, principal, query, sheet)
        },
    )
}

async fn ledger_sheet(
    state: AppState,
    principal: crate::auth::Principal,
    query: Result<Query<LedgerQuery>, QueryRejection>,
    sheet: Sheet,
) -> Result<Response, HubError> {
    let Query(query) =
        query.map_err(|e| HubError::BadInput(format!("export filter: {}", e.body_text())))?;
    let filter = ExportFilter {
        as_of: query.as_of,
        ..Default::default()
    };
    let at = filter.as_of()?.unwrap_or_else(chrono::Utc::now);
    let tz = state.settings.time_zone();
    let bytes = crate::supplies::export::workbook(
        &state.db,
        state.schema.read_audit(),
        &principal,
        sheet,
        at,
        tz,
        false,
    )
    .await?;
    Ok(xlsx::attachment(&sheet.file_name(at, tz), bytes))
}
