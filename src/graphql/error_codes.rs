//! Every GraphQL error gets a public `extensions.code`.
//!
//! Errors from our resolvers already carry one (see [`crate::error::HubError`]). Errors
//! that do not are either about the request itself (parse, validation, depth or complexity
//! limit, variables: no `path`; an argument's value: a `path` and async-graphql's wording),
//! which become `BAD_INPUT` with their message kept, or a
//! resolver error that bypassed `HubError` (has a `path`), which becomes `INTERNAL` with
//! its message replaced and logged, so internal text never reaches a client.

use async_graphql::Response;

use crate::error::{ErrorCode, INTERNAL_MESSAGE};

/// Whether a message is async-graphql's complaint about an argument's value (a type
/// mismatch, a null for a non-null argument): the caller's mistake, even with a `path`.
fn is_input_error(message: &str) -> bool {
    [
        "Failed to parse",
        "Expected input type",
        "Invalid value for argument",
    ]
    .iter()
    .any(|prefix| message.starts_with(prefix))
}

/// Gives every error of `response` a public `extensions.code` (see the module's
/// documentation).
pub fn public_codes(mut response: Response) -> Response {
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if error.path.is_empty() || is_input_error(&error.message) {
            tracing::debug!(message = %error.message, "GraphQL request rejected");
            ErrorCode::BadInput
        } else {
            tracing::error!(message = %error.message, path = ?error.path, "GraphQL resolver failed");
            error.message = INTERNAL_MESSAGE.to_owned();
            ErrorCode::Internal
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
    }
    response
}
