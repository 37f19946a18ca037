//! Answering with a workbook: the xlsx content type and a download file name that keeps its
//! Chinese characters (RFC 6266 `filename*`).

use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// The media type of an xlsx workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `name` percent-encoded for `filename*=UTF-8''…` (every byte but unreserved ones).
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An ASCII stand-in for `name` for clients that ignore `filename*`.
fn ascii_fallback(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii.trim_matches('_').trim_matches('.').is_empty() {
        "download.xlsx".to_owned()
    } else {
        ascii
    }
}

/// A 200 response with the workbook `bytes` offered for download as `name`; not cached
/// (rejected rows hold personal data).
pub fn attachment(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(name),
        percent_encode(name)
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(XLSX));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names and how they are written: `filename*`, then the ASCII `filename`.
    const NAMES: [(&str, &str, &str); 4] = [
        ("a b.xlsx", "a%20b.xlsx", "a_b.xlsx"),
        ("名", "%E5%90%8D", "download.xlsx"),
        (
            "名单-未导入的行.xlsx",
            "%E5%90%8D%E5%8D%95-%E6%9C%AA%E5%AF%BC%E5%85%A5%E7%9A%84%E8%A1%8C.xlsx",
            "__-_____.xlsx",
        ),
        ("名单.xlsx", "%E5%90%8D%E5%8D%95.xlsx", "__.xlsx"),
    ];

    #[test]
    fn chinese_names_are_encoded() {
        for (name, encoded, ascii) in NAMES {
            assert_eq!(percent_encode(name), encoded, "{name}");
            assert_eq!(ascii_fallback(name), ascii, "{name}");
        }
    }
}
