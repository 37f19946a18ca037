//! Generated data for trying and measuring the hub, kept out of the product's library:
//!
//! - [`demo`] — a synthetic city and the spreadsheets its member units would upload
//!   (`hub demo`);
//! - [`sample`] — a police visa list of any size (`hub bench import`, tests of large files).
//!
//! Everything here is deterministic for a given seed and writes files only where asked.

pub mod demo;
pub mod sample;

/// Why generated data could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    /// A workbook could not be written.
    #[error("cannot write a generated workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    /// A generated file could not be saved.
    #[error("cannot save a generated file: {0}")]
    Io(#[from] std::io::Error),
    /// More than a spreadsheet can hold was asked for.
    #[error("{0}")]
    TooLarge(String),
}
