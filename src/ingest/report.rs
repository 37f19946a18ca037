//! The report of one imported file, as `hub import --json`, `POST /api/uploads` and the
//! GraphQL `upload` mutation all return it.

use chrono::{DateTime, NaiveDate, Utc};
use importers::{ColumnNote, FileNote};
use serde::Serialize;

use super::roster::RosterReport;

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Read and landed.
    Imported,
    /// The same file (SHA-256, unit, kind) was imported before; nothing changed.
    Duplicate,
    /// Read and checked, nothing stored (`--dry-run`).
    DryRun,
    /// The file could not be read at all; nothing stored.
    Failed,
}

/// Row counters of a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    /// Data rows read (not title, blank or footer rows).
    pub data: u32,
    /// Rows accepted.
    pub accepted: u32,
    /// Rows rejected.
    pub rejected: u32,
    /// Rows with at least one warning.
    pub warnings: u32,
}

/// One rejected row: where it is, what is wrong, in Chinese, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// Sheet name.
    pub sheet: String,
    /// Excel row number as the user sees it.
    pub row: u32,
    /// Column header as written, when the problem is in one column.
    pub column: Option<String>,
    /// The offending value as written.
    pub value: String,
    /// Stable code, e.g. `UNKNOWN_NATIONALITY`.
    pub code: String,
    /// Reason a person can act on.
    pub reason: String,
}

/// One warning of an accepted row: the row was stored, and this is what to check in it
/// (an ambiguous or unreadable optional date, an unrecognised value left empty, a person
/// listed twice in the file …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowWarning {
    /// Sheet name.
    pub sheet: String,
    /// Excel row number as the user sees it.
    pub row: u32,
    /// Column header as written, when the warning is about one column.
    pub column: Option<String>,
    /// The value as written.
    pub value: String,
    /// Stable code, e.g. `AMBIGUOUS_DATE`.
    pub code: String,
    /// What to check, in Chinese.
    pub message: String,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// Stable code, e.g. `ENCRYPTED_FILE`.
    pub code: String,
    /// Message a person can act on.
    pub message: String,
}

/// The report of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// File name as given.
    pub file: String,
    /// Member unit code.
    pub unit: String,
    /// Source kind, when known.
    pub kind: Option<String>,
    /// What became of the file.
    pub status: ImportStatus,
    /// The upload, when stored (also for a duplicate: the earlier upload).
    pub upload_id: Option<i64>,
    /// Row counters.
    pub rows: RowCounts,
    /// Every rejected row.
    pub rejections: Vec<Rejection>,
    /// Every warning of an accepted row, in row order (`rows.warnings` counts the rows
    /// that carry one).
    pub row_warnings: Vec<RowWarning>,
    /// Why the file could not be read (status `failed` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FileError>,
    /// How each header was read (the field, how it was matched, two sample values); for a
    /// file refused for its headers, the hub's guesses to confirm or correct.
    pub columns: Vec<ColumnNote>,
    /// Warnings about the whole file: every column not read (`UNMAPPED_COLUMN`, with
    /// `likely: LIKELY_<FIELD>` when its values look like a field the file lacks).
    pub warnings: Vec<FileNote>,
    /// The date the file states for its list (a title "截至…", "填报日期：…", a signature).
    pub stated_date: Option<NaiveDate>,
    /// The instant the list holds for: the stated date's local midnight, else the upload time.
    pub as_of: Option<DateTime<Utc>>,
    /// For a roster: what it ends (in a dry run: what it would end).
    pub roster: Option<RosterReport>,
    /// Whether a column mapping the unit saved for these headers was applied.
    pub saved_mapping: bool,
    /// Fingerprint of the header row, the key under which a mapping is saved.
    pub fingerprint: Option<String>,
}

impl ImportReport {
    /// The report of a file that could not be read at all (or not even opened): nothing
    /// stored, no rows, and why.
    pub fn failed(
        file: &str,
        unit: &str,
        kind: Option<importers::SourceKind>,
        error: FileError,
    ) -> Self {
        Self {
            file: file.to_owned(),
            unit: unit.to_owned(),
            kind: kind.map(|k| k.as_str().to_owned()),
            status: ImportStatus::Failed,
            upload_id: None,
            rows: RowCounts::default(),
            rejections: Vec::new(),
            row_warnings: Vec::new(),
            error: Some(error),
            columns: Vec::new(),
            warnings: Vec::new(),
            stated_date: None,
            as_of: None,
            roster: None,
            saved_mapping: false,
            fingerprint: None,
        }
    }
}

/// One issue of a rejected row, borrowed from wherever it is kept.
#[derive(Debug, Clone, Copy)]
pub struct IssueRef<'a> {
    /// Header as written.
    pub column: Option<&'a str>,
    /// Value as written.
    pub value: &'a str,
    /// Stable code.
    pub code: &'a str,
    /// Reason.
    pub reason: &'a str,
}

impl Rejection {
    /// The rejection of a row from its issues: the first (most important) gives the column,
    /// value and code; the reason names the others too. `None` when there is no issue.
    pub fn from_issues(sheet: &str, row: u32, issues: &[IssueRef<'_>]) -> Option<Self> {
        let (first, others) = issues.split_first()?;
        let mut reason = first.reason.to_owned();
        for other in others {
            reason.push_str(&format!(
                "；另：{} {}",
                other.column.unwrap_or(""),
                other.reason
            ));
        }
        Some(Self {
            sheet: sheet.to_owned(),
            row,
            column: first.column.map(str::to_owned),
            value: first.value.to_owned(),
            code: first.code.to_owned(),
            reason,
        })
    }
}
