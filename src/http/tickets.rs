//! `GET /api/uploads/tickets/{id}`: where an upload answered `queued` is (queued, landing,
//! landed with its report, or failed).

use axum::Json;
use axum::extract::{Path, State};

use super::AppState;
use super::auth::Authenticated;
use crate::error::HubError;
use crate::service::uploads;
use crate::service::uploads::TicketView;

/// `GET /api/uploads/tickets/{id}`: the uploader's own ticket (an admin: any); 404 for an
/// unknown ticket or another's.
pub async fn get_ticket(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<TicketView>, HubError> {
    uploads::ticket(&state.importer, &principal, &id).map(Json)
}
