//! The HTTP surface: routes, shared state and the middleware stack.

mod graphql;
mod health;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Settings;
use crate::graphql::HubSchema;

/// State shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    /// Pool of database connections.
    pub db: DatabaseConnection,
    /// The GraphQL schema (built over the same pool).
    pub schema: HubSchema,
    /// The settings the server was started with.
    pub settings: Arc<Settings>,
}

/// The hub's routes with request ids, tracing spans, a body-size limit and a request
/// timeout:
///
/// - `POST /graphql` runs a query; `GET /graphql` serves GraphiQL (dev mode);
/// - `GET /healthz` answers 200 while the process is up;
/// - `GET /readyz` answers 200 when the database answers, 503 otherwise.
pub fn router(state: AppState) -> Router {
    let max_body = state.settings.http.max_body_bytes;
    let timeout = state.settings.request_timeout();
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(DefaultBodyLimit::max(max_body));
    Router::new()
        .route(
            "/graphql",
            get(graphql::graphiql).post(graphql::graphql_post),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .fallback(health::not_found)
        .layer(middleware)
        .with_state(state)
}

/// The span every request runs in: method, path and the request id.
fn request_span(request: &Request<Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "http_request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}
