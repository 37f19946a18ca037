//! The files of the web pages, embedded in the binary at build time (from `web/` at the
//! repository root): no Node.js and no files on disk are needed at run time.

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Path under `/assets/`.
    pub path: &'static str,
    /// Media type.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";

macro_rules! asset {
    ($path:literal, $type:expr) => {
        Asset {
            path: $path,
            content_type: $type,
            bytes: include_bytes!(concat!("../../web/", $path)),
        }
    };
}

/// The page shell served at `/`.
pub const INDEX_HTML: &str = include_str!("../../web/index.html");

/// Every file served under `/assets/`.
pub static ASSETS: &[Asset] = &[
    asset!("app.js", JS),
    asset!("api.js", JS),
    asset!("util.js", JS),
    asset!("pages/dashboard.js", JS),
    asset!("pages/upload.js", JS),
    asset!("pages/people.js", JS),
    asset!("pages/person.js", JS),
    asset!("pages/brief.js", JS),
    asset!("pages/visas.js", JS),
    asset!("pages/merges.js", JS),
    asset!("pages/reports.js", JS),
    asset!("pages/admin.js", JS),
    asset!("pages/supplies.js", JS),
    asset!("pages/supplies-panel.js", JS),
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("vendor/echarts/echarts.min.js", JS),
    asset!("vendor/echarts/LICENSE", "text/plain; charset=utf-8"),
    asset!("vendor/echarts/NOTICE", "text/plain; charset=utf-8"),
];

/// The asset at `path` (relative to `/assets/`), if any.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}
