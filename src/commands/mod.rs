//! One module per `hub` command; each has a `run` that [`crate::cli::run`] calls.

pub mod bench;
pub mod brief;
pub mod demo;
pub mod export;
pub mod import;
pub mod mappings;
pub mod migrate;
pub mod query;
pub mod read_upload;
pub mod rejections;
pub mod serve;
pub mod supplies;
pub mod template;
pub mod token;
pub mod units;

/// Writes a file a command produced; a path that cannot be written is the caller's to fix
/// (`BAD_INPUT`, naming it).
pub(crate) fn write_output(
    path: &std::path::Path,
    bytes: &[u8],
) -> Result<(), crate::error::HubError> {
    std::fs::write(path, bytes).map_err(|e| {
        crate::error::HubError::BadInput(format!(
            "无法写入 {0} / cannot write {0}: {e}",
            path.display()
        ))
    })
}
