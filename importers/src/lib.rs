//! Spreadsheet readers and normalisers of the Daqing foreign-affairs data hub.
//!
//! Member units upload spreadsheets as they make them (xlsx, xlsm, xls, ods, csv in UTF-8, UTF-8 with
//! BOM or GBK/GB18030). [`read_upload`] detects the format from the content, finds the sheet and the
//! header row (by synonyms, in Chinese and English), detects the [`SourceKind`] when not given, and
//! turns every data row into a typed [`Record`] or a list of [`RowIssue`]s. The crate knows nothing of
//! HTTP, GraphQL or the database.
//!
//! ```no_run
//! use importers::{ReadOptions, read_upload};
//!
//! let bytes = std::fs::read("police_visas.xlsx").unwrap();
//! let upload = read_upload(&bytes, "police_visas.xlsx", None, &ReadOptions::default()).unwrap();
//! println!("{} rows, {} accepted", upload.data_rows(), upload.accepted());
//! for row in upload.rejected_rows() {
//!     for issue in row.rejections() {
//!         println!("row {}: {} {}", row.row, issue.code, issue.reason);
//!     }
//! }
//! ```

#![warn(missing_docs)]

mod cell;
pub mod countries;
mod csv_reader;
mod error;
mod format;
mod headers;
mod issues;
mod kinds;
mod lengths;
mod limits;
mod mapping;
mod matching;
mod merge;
pub mod normalize;
mod notes;
mod ods_scan;
mod options;
mod read;
mod records;
mod rows;
mod shared_strings;
mod sheet;
mod stated;
pub mod supplies;
mod upload;
mod workbook;
mod writer;
mod xls_scan;
mod xlsx_merges;

pub use countries::Country;
pub use error::ImportError;
pub use headers::{canonical_headers, normalize_header};
pub use issues::{IssueCode, RowIssue};
pub use kinds::{SourceKind, UNRANKED, UnknownKind, typical_kinds};
pub use mapping::{
    BadOverride, ColumnMapping, ColumnOverride, MappedHeader, field_choices, field_synonyms,
    header_fingerprint, header_key, resolve_target,
};
pub use notes::{ColumnNote, FileNote, MAPPING_NOT_USED, UNMAPPED_COLUMN};
pub use options::{ProgressFn, ReadOptions};
pub use read::{RowSink, read_upload, read_upload_rows};
pub use records::{
    DailyReportRecord, Direction, EmploymentRecord, HealthCheckRecord, LodgingRecord, MemberType,
    Moment, PassengerRecord, PersonFields, Record, Sex, StudentRecord, UniversityRecord,
    VisaRecord,
};
pub use upload::{FileFormat, ParsedRow, ParsedUpload, RowOutcome, UploadEnd, UploadHead};
pub use writer::{
    REASON_HEADER, ROW_NUMBER_HEADER, RejectedRowOut, rejections_xlsx, template_xlsx,
};
