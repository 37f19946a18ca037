//! The web pages `hub serve` serves: sign-in with a token, the leadership dashboard, the
//! daily brief, the upload page, daily reports, the people list, visas, pending merges and
//! the admin pages. Plain HTML and JavaScript modules built only on the
//! public API (`/graphql`, `/api/…`); the files are embedded in the binary ([`assets`]).
//!
//! - `GET /` — the page shell (the pages route on the URL's `#/…`);
//! - `GET /assets/{path}` — scripts, styles and the vendored ECharts.

pub mod assets;

use axum::Router;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::HubError;
use crate::http::AppState;

/// What the pages may load and run: only the hub's own scripts, styles and API.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
    form-action 'self'";

/// The routes of the web pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/assets/{*path}", get(asset))
}

fn with_headers(
    mut response: Response,
    content_type: &'static str,
    cache: &'static str,
) -> Response {
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// `GET /`: the page shell.
async fn index() -> Response {
    let mut response = with_headers(
        assets::INDEX_HTML.into_response(),
        "text/html; charset=utf-8",
        "no-cache",
    );
    response.headers_mut().insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static(CSP),
    );
    response
}

/// `GET /assets/{path}`: an embedded file (`NOT_FOUND` for anything else). The vendored
/// library may be cached for a day; the hub's own files are revalidated.
async fn asset(Path(path): Path<String>) -> Result<Response, HubError> {
    let asset =
        assets::find(&path).ok_or_else(|| HubError::NotFound(format!("no asset {path}")))?;
    let cache = if path.starts_with("vendor/") {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    Ok(with_headers(
        asset.bytes.into_response(),
        asset.content_type,
        cache,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_the_pages_import_is_embedded() {
        for asset in assets::ASSETS.iter().filter(|a| a.path.ends_with(".js")) {
            let text = std::str::from_utf8(asset.bytes).unwrap_or("");
            for (_, rest) in text
                .match_indices("from '")
                .map(|(i, _)| ((), &text[i + 6..]))
            {
                let Some(target) = rest.split('\'').next() else {
                    continue;
                };
                let base = asset.path.rsplit_once('/').map_or("", |(dir, _)| dir);
                let resolved = match target.strip_prefix("../") {
                    Some(rest) => rest.to_owned(),
                    None => {
                        let rest = target.trim_start_matches("./");
                        if base.is_empty() {
                            rest.to_owned()
                        } else {
                            format!("{base}/{rest}")
                        }
                    }
                };
                assert!(
                    assets::find(&resolved).is_some(),
                    "{}: {target}",
                    asset.path
                );
            }
        }
        for page in [
            "dashboard",
            "upload",
            "people",
            "person",
            "brief",
            "visas",
            "merges",
            "reports",
            "admin",
            "supplies",
            "supplies-panel",
        ] {
            assert!(assets::find(&format!("pages/{page}.js")).is_some());
        }
        assert!(assets::INDEX_HTML.contains("/assets/app.js"));
    }

    /// The names a script imports from `path`, e.g. `import { h, table } from '../util.js'`.
    fn imported_names<'a>(text: &'a str, path: &str) -> Vec<&'a str> {
        text.split("import {")
            .skip(1)
            .filter_map(|rest| {
                let (names, after) = rest.split_once('}')?;
                after
                    .trim_start()
                    .strip_prefix("from '")?
                    .split('\'')
                    .next()
                    .filter(|target| target.ends_with(path))
                    .map(|_| names)
            })
            .flat_map(|names| names.split(',').map(str::trim).filter(|n| !n.is_empty()))
            .collect()
    }

    #[test]
    fn every_name_the_pages_import_is_exported() {
        for module in ["util.js", "api.js"] {
            let exported = std::str::from_utf8(assets::find(module).map_or(&[][..], |a| a.bytes))
                .unwrap_or("");
            for asset in assets::ASSETS.iter().filter(|a| a.path.ends_with(".js")) {
                let text = std::str::from_utf8(asset.bytes).unwrap_or("");
                for name in imported_names(text, module) {
                    let declared = ["function", "const", "class", "async function"]
                        .iter()
                        .any(|kind| exported.contains(&format!("export {kind} {name}")));
                    assert!(declared, "{} imports {name} from {module}", asset.path);
                }
            }
        }
    }
}
