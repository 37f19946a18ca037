//! Reading the body of `POST /graphql`: JSON, or a GraphQL multipart request
//! (<https://github.com/jaydenseric/graphql-multipart-request-spec>) with at most one file.
//!
//! async-graphql's own multipart reader spools every file part to a temporary file and
//! does not bound how many there are; a hostile body of thousands of tiny parts would hold
//! thousands of open files. This reader takes `operations`, `map` and one file, and refuses
//! anything else.

use std::collections::HashMap;
use std::io::{Seek, Write};

use async_graphql::UploadValue;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use futures::TryStreamExt;

use crate::error::HubError;

/// The GraphQL request of a POST body. A body that is not one is `BAD_INPUT`; one over the
/// body limit `PAYLOAD_TOO_LARGE`.
pub struct GraphqlBody(pub async_graphql::Request);

/// A multipart error of this body (see [`super::errors::multipart_error`]).
fn multipart_error(error: MultipartError) -> HubError {
    super::errors::multipart_error(error, "the request is over the size limit / 请求体超过上限")
}

fn bad(message: &str) -> HubError {
    HubError::BadInput(format!("GraphQL multipart request: {message}"))
}

/// One file part: form field name, file name, content type, bytes.
type FilePart = (String, String, Option<String>, axum::body::Bytes);

/// Reads `operations`, `map` and at most one file.
async fn read_multipart(mut multipart: Multipart) -> Result<async_graphql::Request, HubError> {
    let (mut operations, mut map, mut file): (Option<_>, Option<_>, Option<FilePart>) =
        (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match (name.as_str(), field.file_name().map(str::to_owned)) {
            ("operations", _) => operations = Some(field.bytes().await.map_err(multipart_error)?),
            ("map", _) => map = Some(field.bytes().await.map_err(multipart_error)?),
            (_, Some(file_name)) if file.is_none() => {
                let content_type = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(multipart_error)?;
                file = Some((name, file_name, content_type, bytes));
            }
            (_, Some(_)) => return Err(bad("one file per request / 每次请求一个文件")),
            (other, None) => return Err(bad(&format!("unexpected field '{other}'"))),
        }
    }
    let operations = operations.ok_or_else(|| bad("no operations field"))?;
    let mut request: async_graphql::Request = serde_json::from_slice(&operations)
        .map_err(|e| bad(&format!("operations is not one GraphQL request: {e}")))?;
    let map: HashMap<String, Vec<String>> = match map {
        Some(map) => serde_json::from_slice(&map)
            .map_err(|e| bad(&format!("map is not a JSON map of paths: {e}")))?,
        None => HashMap::new(),
    };
    if let Some((name, file_name, content_type, bytes)) = file {
        let paths = map
            .get(&name)
            .ok_or_else(|| bad(&format!("the map does not name the file field '{name}'")))?;
        let content = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
            let mut spool = tempfile::tempfile()?;
            spool.write_all(&bytes)?;
            spool.rewind()?;
            Ok(spool)
        })
        .await
        .map_err(|e| HubError::Internal(format!("upload spool task failed: {e}")))??;
        for path in paths {
            request.set_upload(
                path,
                UploadValue {
                    filename: file_name.clone(),
                    content_type: content_type.clone(),
                    content: content.try_clone()?,
                },
            );
        }
    }
    Ok(request)
}

impl<S: Send + Sync> FromRequest<S> for GraphqlBody {
    type Rejection = HubError;

    async fn from_request(request: Request, state: &S) -> Result<Self, HubError> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        if content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/form-data"))
        {
            let multipart = Multipart::from_request(request, state)
                .await
                .map_err(|e| bad(&e.body_text()))?;
            return read_multipart(multipart).await.map(Self);
        }
        let body = request
            .into_body()
            .into_data_stream()
            .map_err(std::io::Error::other)
            .into_async_read();
        let request =
            async_graphql::http::receive_body(content_type, body, Default::default()).await?;
        Ok(Self(request))
    }
}
