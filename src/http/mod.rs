//! The HTTP surface: routes, shared state and the middleware stack.

pub mod auth;
mod brief;
mod errors;
mod exports;
mod graphql;
mod graphql_body;
mod graphql_ws;
mod health;
mod tickets;
mod uploads;
pub mod ws_watch;
mod xlsx;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::rate_limit::RateLimiter;
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
    /// Requests per minute per token (`http.rate_limit_per_minute`).
    pub limiter: Arc<RateLimiter>,
    /// Lands uploaded files (shared with the schema's `upload` mutation).
    pub importer: Arc<crate::service::uploads::Importer>,
    /// Requests without a live token per minute per client address
    /// (`http.failed_auth_per_minute`).
    pub failed_auth: Arc<RateLimiter<std::net::IpAddr>>,
    /// Subscription connections open per token (`graphql.connections_per_token`).
    pub ws_connections: Arc<ws_watch::TokenConnections>,
}

impl AppState {
    /// The state of a server over `db` with `schema` and `settings`.
    pub fn new(db: DatabaseConnection, schema: HubSchema, settings: Settings) -> Self {
        let limiter = Arc::new(RateLimiter::new(settings.http.rate_limit_per_minute));
        let importer = Arc::clone(schema.importer());
        let failed_auth = Arc::new(RateLimiter::new(settings.http.failed_auth_per_minute));
        Self {
            importer,
            db,
            schema,
            settings: Arc::new(settings),
            limiter,
            failed_auth,
            ws_connections: Arc::default(),
        }
    }
}

/// The hub's routes with request ids, tracing spans, a body-size limit, a request
/// timeout and JSON error bodies on every error:
///
/// - `POST /graphql` runs a query (or a GraphQL multipart upload); `GET /graphql` serves
///   GraphiQL when introspection is on;
/// - `GET /graphql/ws` serves subscriptions over the GraphQL websocket protocols;
/// - `POST /api/uploads` imports a file (multipart; 202 with a ticket when it is still
///   queued or landing after `uploads.queue_wait_ms`);
/// - `GET /api/uploads/tickets/{id}` follows a queued upload;
/// - `GET /api/uploads/{id}/rejections.xlsx` gives an upload's rejected rows;
/// - `GET /api/templates/{kind}.xlsx` gives a blank template;
/// - `GET /healthz` answers 200 while the process is up;
/// - `GET /readyz` answers 200 when the database answers, 503 otherwise.
///
/// Everything but the probes and the GraphiQL page needs `Authorization: Bearer <token>`.
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
        .layer(axum::middleware::map_response(errors::json_error_bodies))
        .layer(CatchPanicLayer::custom(panic_response))
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
        .route("/graphql/ws", get(graphql_ws::graphql_ws))
        .route("/api/uploads", post(uploads::post_upload))
        .route("/api/uploads/tickets/{id}", get(tickets::get_ticket))
        .route(
            "/api/uploads/{id}/rejections.xlsx",
            get(uploads::get_rejections),
        )
        .route("/api/templates/{file}", get(uploads::get_template))
        .route("/api/exports/people.xlsx", get(exports::people))
        .route("/api/brief", get(brief::json))
        .route("/api/brief.docx", get(brief::docx))
        .route(
            "/api/exports/donations.xlsx",
            exports::ledger(crate::supplies::export::Sheet::Donations),
        )
        .route(
            "/api/exports/contracts.xlsx",
            exports::ledger(crate::supplies::export::Sheet::Contracts),
        )
        .merge(crate::web::router())
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
        actor = tracing::field::Empty,
    )
}

/// A handler that panicked: a plain 500 (the JSON body is added by
/// [`errors::json_error_bodies`]); the panic is logged, never sent.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %detail, "request handler panicked");
    axum::response::IntoResponse::into_response(StatusCode::INTERNAL_SERVER_ERROR)
}
