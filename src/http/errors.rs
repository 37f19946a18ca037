//! Every error response has the JSON body `{ "error": { "code", "message" } }`, also those
//! made by middleware rather than by the hub's handlers: the body-size limit (413), the
//! request timeout (408), a method the route does not have (405), a caught panic (500).

use axum::body::{Body, Bytes, HttpBody};
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use tower::BoxError;

use crate::error::{ErrorBody, ErrorCode};

/// Whether a response already carries a JSON body.
fn is_json<B>(response: &Response<B>) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Replaces the body of an error response that is not JSON by the hub's JSON error body,
/// keeping the status and the other headers.
pub async fn json_error_bodies<B>(response: Response<B>) -> Response
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response.map(Body::new);
    }
    let code = ErrorCode::for_status(status);
    tracing::debug!(status = %status, code = code.as_str(), "error response from middleware");
    let (mut parts, _) = response.into_parts();
    let replacement = ErrorBody::new(code, code.default_message()).into_response_with_status();
    let (new_parts, body) = replacement.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    for (name, value) in new_parts.headers.iter() {
        parts.headers.insert(name.clone(), value.clone());
    }
    Response::from_parts(parts, body)
}

/// A multipart error: over the body limit (also when a chunked body hits it while it is
/// read) is `PAYLOAD_TOO_LARGE` with `too_large` as its message, anything else `BAD_INPUT`.
pub fn multipart_error(
    error: axum::extract::multipart::MultipartError,
    too_large: &str,
) -> crate::error::HubError {
    use crate::error::HubError;
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE
        || crate::error::caused_by_length_limit(&error)
    {
        HubError::PayloadTooLarge(too_large.to_owned())
    } else {
        HubError::BadInput(format!("malformed multipart body: {}", error.body_text()))
    }
}
