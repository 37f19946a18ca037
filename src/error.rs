//! The hub's one error type and the one place where errors become what a client sees.
//!
//! Every fallible path of the root crate returns [`HubError`]. Clients never see the
//! internal text of an error: [`HubError::public_code`] gives a stable code and
//! [`HubError::public_message`] a message that is safe to show, while the details go to
//! `tracing`. GraphQL errors carry the code in `extensions.code`
//! ([`HubError::into_graphql`]); HTTP errors answer `{ "error": { "code", "message" } }`
//! (the [`IntoResponse`] impl).

use async_graphql::ErrorExtensions;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;
use serde::Serialize;

/// Everything that can go wrong in the hub's root crate.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The caller did not say who they are (no or an unknown API token).
    #[error("authentication required")]
    Unauthenticated,
    /// The caller is known but may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request itself is wrong: a bad argument, a malformed body, a bad query.
    #[error("bad input: {0}")]
    BadInput(String),
    /// The thing asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request body is larger than the configured limit.
    #[error("request body too large: {0}")]
    PayloadTooLarge(String),
    /// The caller's token made more requests than its per-minute limit.
    #[error("too many requests / 请求过于频繁，请稍后再试")]
    RateLimited,
    /// A websocket connection holds as many subscriptions as it may, or a token as many
    /// connections.
    #[error("{0}")]
    TooManySubscriptions(String),
    /// The settings are wrong (file, environment or flags); reported at startup.
    #[error("configuration error: {0}")]
    Config(String),
    /// The database failed or refused a statement.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// A file or socket operation failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Anything else that is the hub's fault, not the caller's.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The stable public error codes clients can rely on (GraphQL `extensions.code` and the
/// `code` of HTTP JSON errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No or an unknown credential.
    Unauthenticated,
    /// Known caller, not allowed.
    Forbidden,
    /// The request is malformed or invalid.
    BadInput,
    /// A GraphQL query selects more fields, once its fragments are expanded, than
    /// `graphql.max_fields` allows; it was not run.
    QueryTooLarge,
    /// The requested object does not exist.
    NotFound,
    /// The request body is over the size limit (HTTP 413).
    PayloadTooLarge,
    /// The request took longer than the request timeout (HTTP 408).
    Timeout,
    /// Too many requests with one token (HTTP 429).
    RateLimited,
    /// A websocket connection holds as many subscriptions as `graphql.subscriptions_per_connection`
    /// allows, or its token as many connections as `graphql.connections_per_token` (HTTP 429).
    TooManySubscriptions,
    /// The hub failed; details are in the server log only.
    Internal,
}

impl ErrorCode {
    /// The code as written on the wire, e.g. `BAD_INPUT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::BadInput => "BAD_INPUT",
            Self::QueryTooLarge => "QUERY_TOO_LARGE",
            Self::NotFound => "NOT_FOUND",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::Timeout => "TIMEOUT",
            Self::RateLimited => "RATE_LIMITED",
            Self::TooManySubscriptions => "TOO_MANY_SUBSCRIPTIONS",
            Self::Internal => "INTERNAL",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::BadInput | Self::QueryTooLarge => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Timeout => StatusCode::REQUEST_TIMEOUT,
            Self::RateLimited | Self::TooManySubscriptions => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code of an error status produced outside the hub's handlers (a middleware
    /// layer, the router): 413, 408, 429 … keep their meaning, other 4xx are `BAD_INPUT`,
    /// 5xx `INTERNAL`.
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::UNAUTHORIZED => Self::Unauthenticated,
            StatusCode::FORBIDDEN => Self::Forbidden,
            StatusCode::NOT_FOUND => Self::NotFound,
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            StatusCode::REQUEST_TIMEOUT => Self::Timeout,
            StatusCode::TOO_MANY_REQUESTS => Self::RateLimited,
            s if s.is_server_error() => Self::Internal,
            _ => Self::BadInput,
        }
    }

    /// A message for an error of this code that carries no message of its own.
    pub fn default_message(self) -> &'static str {
        match self {
            Self::Unauthenticated => {
                "需要有效的访问令牌（Authorization: Bearer …） / a valid API token is required (Authorization: Bearer …)"
            }
            Self::Forbidden => "无权执行此操作 / forbidden",
            Self::BadInput => "请求无效 / bad request",
            Self::QueryTooLarge => "查询过大 / the query selects too many fields",
            Self::NotFound => "未找到 / not found",
            Self::PayloadTooLarge => "请求体超过大小上限 / request body too large",
            Self::Timeout => "请求超时 / the request took too long",
            Self::RateLimited => "请求过于频繁，请稍后再试 / too many requests",
            Self::TooManySubscriptions => "订阅过多 / too many subscriptions",
            Self::Internal => INTERNAL_MESSAGE,
        }
    }
}

/// The message clients get for every internal error, in Chinese and English.
pub const INTERNAL_MESSAGE: &str = "服务器内部错误 / internal server error";

impl HubError {
    /// The public code of this error. This match is the one mapping from internal errors
    /// to what clients see.
    pub fn public_code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::BadInput(_) => ErrorCode::BadInput,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            Self::RateLimited => ErrorCode::RateLimited,
            Self::TooManySubscriptions(_) => ErrorCode::TooManySubscriptions,
            Self::Config(_) | Self::Database(_) | Self::Io(_) | Self::Internal(_) => {
                ErrorCode::Internal
            }
        }
    }

    /// A message that is safe to show to a client: the caller's own mistake is explained,
    /// the hub's are not.
    pub fn public_message(&self) -> String {
        match self {
            Self::Unauthenticated => ErrorCode::Unauthenticated.default_message().to_owned(),
            _ if self.public_code() == ErrorCode::Internal => INTERNAL_MESSAGE.to_owned(),
            _ => self.to_string(),
        }
    }

    /// Write the error to the log: internal errors at `error` with their detail, the
    /// caller's mistakes at `debug`.
    pub fn log(&self) {
        match self.public_code() {
            ErrorCode::Internal => tracing::error!(error = %self, "request failed"),
            code => tracing::debug!(error = %self, code = code.as_str(), "request rejected"),
        }
    }

    /// Turn the error into a GraphQL error with `extensions.code`, logging the detail.
    pub fn into_graphql(self) -> async_graphql::Error {
        self.log();
        let code = self.public_code();
        async_graphql::Error::new(self.public_message())
            .extend_with(|_, ext| ext.set("code", code.as_str()))
    }
}

/// The JSON body of an HTTP error: `{ "error": { "code": "...", "message": "..." } }`.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// The error itself.
    pub error: ErrorDetail,
}

/// The inside of [`ErrorBody`].
#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    /// Stable public code, e.g. `BAD_INPUT`.
    pub code: ErrorCode,
    /// Human-readable message, safe to show.
    pub message: String,
}

impl ErrorBody {
    /// The body of an error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code,
                message: message.into(),
            },
        }
    }

    /// The response: the status of `code` and this body (a 401 also says which scheme
    /// to use: `WWW-Authenticate: Bearer`).
    pub fn into_response_with_status(self) -> Response {
        let status = self.error.code.http_status();
        let mut response = (status, Json(self)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        self.log();
        ErrorBody::new(self.public_code(), self.public_message()).into_response_with_status()
    }
}

impl From<async_graphql::ParseRequestError> for HubError {
    /// A body that is not a GraphQL request is the caller's mistake; one over the body
    /// limit (however the limit was hit) is `PAYLOAD_TOO_LARGE`.
    fn from(e: async_graphql::ParseRequestError) -> Self {
        use async_graphql::ParseRequestError as E;
        let too_large = match &e {
            E::PayloadTooLarge => true,
            E::Io(io) => is_length_limit(io),
            other => other.to_string().contains(LENGTH_LIMIT_TEXT),
        };
        if too_large {
            Self::PayloadTooLarge("the request body is over the limit / 请求体超过上限".to_owned())
        } else {
            Self::BadInput(format!("not a GraphQL request: {e}"))
        }
    }
}

/// What `http_body_util::Limited` says when a body is over its limit.
const LENGTH_LIMIT_TEXT: &str = "length limit exceeded";

/// Whether an I/O error reading a body came from the body-size limit.
fn is_length_limit(error: &std::io::Error) -> bool {
    error.to_string().contains(LENGTH_LIMIT_TEXT)
}

/// Whether `error`, or any error it was caused by, is the body-size limit. A body sent in
/// chunks (no `Content-Length`) hits the limit while it is read, and the multipart reader
/// reports that as "failed to read stream" with the limit's error several sources down.
pub fn caused_by_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.to_string().contains(LENGTH_LIMIT_TEXT) {
            return true;
        }
        cause = error.source();
    }
    false
}

/// Convert a `Result<T, E>` whose error is a [`HubError`] (or converts into one) into an
/// `async_graphql::Result<T>` with the public code: resolvers end with `.gql()?` instead
/// of `?`, so a raw database error can never reach a client.
pub trait GqlResultExt<T> {
    /// Map the error through [`HubError::into_graphql`].
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<HubError>> GqlResultExt<T> for Result<T, E> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.into().into_graphql())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_detail() {
        let err = HubError::Database(DbErr::Custom("secret table xyz".into()));
        assert_eq!(err.public_code(), ErrorCode::Internal);
        assert!(!err.public_message().contains("xyz"));
    }

    #[test]
    fn graphql_errors_carry_the_code() {
        let err = HubError::NotFound("unit nope".into()).into_graphql();
        let ext = err.extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(ext, Some(async_graphql::Value::from("NOT_FOUND")));
    }
}
