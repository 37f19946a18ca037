//! The result of reading one upload: its rows, each accepted with a record or rejected with reasons.

use std::ops::Deref;

use chrono::NaiveDate;
use serde::Serialize;

use crate::issues::RowIssue;
use crate::kinds::SourceKind;
use crate::notes::{ColumnNote, FileNote};
use crate::records::Record;

/// The container format, detected from the content (not the file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// Office Open XML workbook.
    Xlsx,
    /// Office Open XML workbook with macros.
    Xlsm,
    /// Excel 97-2003 (BIFF8 in a compound file).
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// Delimited text (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK/GB18030 …).
    Csv,
}

impl FileFormat {
    /// Lower-case name, also the usual file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Xlsm => "xlsm",
            Self::Xls => "xls",
            Self::Ods => "ods",
            Self::Csv => "csv",
        }
    }
}

/// What became of one data row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "value", rename_all = "snake_case")]
pub enum RowOutcome {
    /// The row is valid: its normalised record.
    Accepted(Record),
    /// The row is not stored as a fact: every issue found, required fields first.
    Rejected(Vec<RowIssue>),
}

/// One data row of the sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedRow {
    /// Sheet name.
    pub sheet: String,
    /// Excel row number as the user sees it (1-based).
    pub row: u32,
    /// Every header column: (header as written, cell text as displayed).
    pub raw: Vec<(String, String)>,
    /// Accepted record or rejection reasons.
    pub outcome: RowOutcome,
    /// Things to check on an accepted row (invalid optional values, duplicates).
    pub warnings: Vec<RowIssue>,
}

impl ParsedRow {
    /// The record, when accepted.
    pub fn record(&self) -> Option<&Record> {
        match &self.outcome {
            RowOutcome::Accepted(r) => Some(r),
            RowOutcome::Rejected(_) => None,
        }
    }

    /// The rejection reasons (empty when accepted).
    pub fn rejections(&self) -> &[RowIssue] {
        match &self.outcome {
            RowOutcome::Accepted(_) => &[],
            RowOutcome::Rejected(issues) => issues,
        }
    }

    /// Whether the row was accepted.
    pub fn is_accepted(&self) -> bool {
        matches!(self.outcome, RowOutcome::Accepted(_))
    }
}

/// What is known of an upload once its header row is found: everything but its rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadHead {
    /// The kind (given or detected).
    pub kind: SourceKind,
    /// The detected container format.
    pub format: FileFormat,
    /// The sheet being read (the CSV's file name for CSV).
    pub sheet: String,
    /// Excel row number of the header row (1-based).
    pub header_row: u32,
    /// The header cells as written, in column order.
    pub headers: Vec<String>,
    /// SHA-256 of the uploaded bytes, hex.
    pub sha256: String,
    /// The detected text encoding of a CSV (`UTF-8`, `gb18030`, `UTF-16LE` …); `None` for workbooks.
    pub encoding: Option<&'static str>,
    /// How each header column was read (mapped to a field, ignored or unmapped).
    pub columns: Vec<ColumnNote>,
    /// Warnings about the whole file: every column not read (`UNMAPPED_COLUMN`), mappings
    /// given that named no column (`MAPPING_NOT_USED`).
    pub notes: Vec<FileNote>,
    /// The date the file states for its list: a title above the header ("截至2020年2月16日",
    /// "填报日期：…"); for [`ParsedUpload`], else a footer or signature under the table.
    pub stated_date: Option<NaiveDate>,
    /// Fingerprint of the header row (its headers, in any order): the key of a saved mapping.
    pub fingerprint: String,
    /// Whether a mapping the unit saved for these headers was applied.
    pub saved_mapping: bool,
}

/// What the rows under the table said, once every row is read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UploadEnd {
    /// The date a footer or signature under the table states ("大庆市教育局 2020年2月15日").
    pub footer_date: Option<NaiveDate>,
}

/// One upload, read and normalised: its head (kind, sheet, headers, notes …, read through
/// [`Deref`]: `upload.kind`, `upload.sheet`) and its rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedUpload {
    /// What is known of the upload besides its rows.
    #[serde(flatten)]
    head: UploadHead,
    /// Every data row (blank lines, titles and footers excluded).
    pub rows: Vec<ParsedRow>,
}

impl Deref for ParsedUpload {
    type Target = UploadHead;

    fn deref(&self) -> &UploadHead {
        &self.head
    }
}

impl ParsedUpload {
    /// The upload of this head, these rows and this end: the date a title states, else the
    /// date a footer states.
    pub fn from_parts(mut head: UploadHead, rows: Vec<ParsedRow>, end: &UploadEnd) -> Self {
        head.stated_date = head.stated_date.or(end.footer_date);
        Self { head, rows }
    }

    /// What is known of the upload besides its rows.
    pub fn head(&self) -> UploadHead {
        self.head.clone()
    }

    /// Number of data rows.
    pub fn data_rows(&self) -> usize {
        self.rows.len()
    }

    /// Number of accepted rows.
    pub fn accepted(&self) -> usize {
        self.rows.iter().filter(|r| r.is_accepted()).count()
    }

    /// Number of rejected rows.
    pub fn rejected(&self) -> usize {
        self.data_rows() - self.accepted()
    }

    /// Number of rows (accepted or not) that carry at least one warning.
    pub fn with_warnings(&self) -> usize {
        self.rows.iter().filter(|r| !r.warnings.is_empty()).count()
    }

    /// The accepted records, in row order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.rows.iter().filter_map(ParsedRow::record)
    }

    /// The rejected rows, in row order.
    pub fn rejected_rows(&self) -> impl Iterator<Item = &ParsedRow> {
        self.rows.iter().filter(|r| !r.is_accepted())
    }
}
