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
    /// The requested object does not exist.
    NotFound,
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
            Self::NotFound => "NOT_FOUND",
            Self::Internal => "INTERNAL",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::BadInput => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
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
            Self::Config(_) | Self::Database(_) | Self::Io(_) | Self::Internal(_) => {
                ErrorCode::Internal
            }
        }
    }

    /// A message that is safe to show to a client: the caller's own mistake is explained,
    /// the hub's are not.
    pub fn public_message(&self) -> String {
        match self.public_code() {
            ErrorCode::Internal => INTERNAL_MESSAGE.to_owned(),
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

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        self.log();
        let code = self.public_code();
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message: self.public_message(),
            },
        };
        (code.http_status(), Json(body)).into_response()
    }
}

impl From<async_graphql::ParseRequestError> for HubError {
    /// A body that is not a GraphQL request is the caller's mistake.
    fn from(e: async_graphql::ParseRequestError) -> Self {
        Self::BadInput(format!("not a GraphQL request: {e}"))
    }
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
