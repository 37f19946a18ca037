//! The report of one imported file, as `hub import --json`, `POST /api/uploads` and the
//! GraphQL `upload` mutation all return it (the descriptions are the API's).

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use importers::{ColumnNote, FileNote};
use serde::Serialize;

use super::notes;
use super::roster::RosterReport;

/// What became of an uploaded file. 上传结果。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Enum)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Read and stored. 已导入。
    Imported,
    /// The same file was uploaded before by the unit as this kind; nothing changed. 重复上传（未改变任何数据）。
    Duplicate,
    /// Read and checked, nothing stored. 仅检查（未保存）。
    DryRun,
    /// The file could not be read; nothing stored. 无法读取（未保存）。
    Failed,
    /// Not landed within the queue wait: it lands in the background; follow `ticket` with
    /// the `uploadTicket` query. 排队中（凭 ticket 查询进度）。
    Queued,
}

/// Row counters of an upload. 行数统计。
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, SimpleObject)]
#[graphql(name = "UploadRows")]
pub struct RowCounts {
    /// Data rows read. 数据行数。
    pub data: u32,
    /// Rows accepted. 接收行数。
    pub accepted: u32,
    /// Rows rejected. 拒收行数。
    pub rejected: u32,
    /// Rows with warnings. 有警告的行数。
    pub warnings: u32,
}

/// A rejected row. 被拒收的行。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, SimpleObject)]
#[graphql(name = "UploadRejection")]
pub struct Rejection {
    /// Sheet. 工作表。
    pub sheet: String,
    /// Excel row number. Excel 行号。
    pub row: u32,
    /// Column header as written. 列名。
    pub column: Option<String>,
    /// Value as written. 原值。
    pub value: String,
    /// Stable code, e.g. UNKNOWN_NATIONALITY. 错误代码。
    pub code: String,
    /// Reason. 原因。
    pub reason: String,
}

// The row was stored, and this is what to check in it (an ambiguous or unreadable optional
// date, an unrecognised value left empty, a person listed twice in the file …).
/// A warning of an accepted row. 已接收行的警告（请核对）。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, SimpleObject)]
pub struct RowWarning {
    /// Sheet. 工作表。
    pub sheet: String,
    /// Excel row number. Excel 行号。
    pub row: u32,
    /// Column header as written. 列名。
    pub column: Option<String>,
    /// Value as written. 原值。
    pub value: String,
    /// Stable code, e.g. AMBIGUOUS_DATE, INVALID_SEX, DUPLICATE_IN_FILE. 警告代码。
    pub code: String,
    /// What to check, in Chinese. 说明。
    pub message: String,
}

/// Why a file could not be read. 文件无法读取的原因。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, SimpleObject)]
#[graphql(name = "ImportFileError")]
pub struct FileError {
    /// Stable code, e.g. CORRUPT_FILE, ENCRYPTED_FILE, ZIP_BOMB. 错误代码。
    pub code: String,
    /// What to do about it. 说明。
    pub message: String,
}

/// The report of one file. The API shows its fields in the `ImportReport` of the `upload`
/// mutation, next to the ticket of an upload still queued; the types the importer and the
/// roster report in are shown as the API's `ColumnNote`, `FileWarning` and `RosterReport`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, SimpleObject)]
#[graphql(name = "ImportReportFields")]
pub struct ImportReport {
    /// File name as uploaded. 文件名。
    pub file: String,
    /// Member unit code. 成员单位代码。
    pub unit: String,
    /// Source kind, when known. 数据类型。
    pub kind: Option<String>,
    /// What became of the file. 结果。
    pub status: ImportStatus,
    /// The upload, when stored (for a duplicate: the earlier upload). 上传编号。
    #[graphql(
        skip,
        derived(owned, name = "upload_id", into = "Option<ID>", with = "api_id")
    )]
    pub upload_id: Option<i64>,
    /// Row counters. 行数统计。
    pub rows: RowCounts,
    /// Every rejected row. 被拒收的行。
    pub rejections: Vec<Rejection>,
    /// Every warning of an accepted row, in row order (`rows.warnings` counts the rows
    /// with one). 已接收行的警告（请核对）。
    pub row_warnings: Vec<RowWarning>,
    /// Why the file could not be read (status FAILED only). 无法读取的原因。
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FileError>,
    /// How each header was read; for a file refused for its headers, the guesses to confirm or correct. 各列识别结果。
    #[graphql(
        skip,
        derived(
            owned,
            name = "columns",
            into = "Vec<notes::ColumnNote>",
            with = "api_list"
        )
    )]
    pub columns: Vec<ColumnNote>,
    /// Warnings about the whole file: every column not read (UNMAPPED_COLUMN, with likely LIKELY_<FIELD>). 文件级警告。
    #[graphql(
        skip,
        derived(
            owned,
            name = "warnings",
            into = "Vec<notes::FileWarning>",
            with = "api_list"
        )
    )]
    pub warnings: Vec<FileNote>,
    /// The date the file states for its list. 文件所述日期。
    pub stated_date: Option<NaiveDate>,
    /// The instant the list holds for: the stated date's midnight, else the upload time. 名单时点。
    pub as_of: Option<DateTime<Utc>>,
    /// For a roster: what it ends (would end, in a dry run). 名单结束的关系。
    #[graphql(
        skip,
        derived(
            owned,
            name = "roster",
            into = "Option<notes::RosterReport>",
            with = "api_option"
        )
    )]
    pub roster: Option<RosterReport>,
    /// Whether a mapping the unit saved for these headers was applied. 是否应用了已保存的列映射。
    pub saved_mapping: bool,
    /// Fingerprint of the header row. 表头指纹。
    pub fingerprint: Option<String>,
}

/// A row id as the API's `ID`.
fn api_id(id: Option<i64>) -> Option<ID> {
    id.map(|id| ID(id.to_string()))
}

/// Every item as the API shows it.
fn api_list<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

/// The item, when there is one, as the API shows it.
fn api_option<T, U: From<T>>(item: Option<T>) -> Option<U> {
    item.map(U::from)
}

impl ImportReport {
    /// The report of a file with nothing read from it (yet): no upload, no rows.
    pub fn new(file: String, unit: String, kind: Option<String>, status: ImportStatus) -> Self {
        Self {
            file,
            unit,
            kind,
            status,
            upload_id: None,
            rows: RowCounts::default(),
            rejections: Vec::new(),
            row_warnings: Vec::new(),
            error: None,
            columns: Vec::new(),
            warnings: Vec::new(),
            stated_date: None,
            as_of: None,
            roster: None,
            saved_mapping: false,
            fingerprint: None,
        }
    }

    /// The report of a file that could not be read at all (or not even opened): nothing
    /// stored, no rows, and why.
    pub fn failed(
        file: &str,
        unit: &str,
        kind: Option<importers::SourceKind>,
        error: FileError,
    ) -> Self {
        let kind = kind.map(|k| k.as_str().to_owned());
        Self {
            error: Some(error),
            ..Self::new(file.to_owned(), unit.to_owned(), kind, ImportStatus::Failed)
        }
    }

    /// The report of a file not landed within the queue wait (it lands in the
    /// background): nothing read yet.
    pub fn queued(file: String, unit: String) -> Self {
        Self::new(file, unit, None, ImportStatus::Queued)
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
