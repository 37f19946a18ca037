//! The `upload` mutation (GraphQL multipart request spec): one file, the same report as
//! `hub import --json` and `POST /api/uploads`.

use std::io::Read;

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject, Upload};

use super::context::{database, importer, principal};
use super::mappings::{ColumnAssignmentInput, ColumnNote, FileWarning, RosterReport};
use super::uploads::{UploadRejection, UploadRows};
use crate::auth::Operation;
use crate::error::{GqlResultExt, HubError};
use crate::service::uploads as tickets;
use crate::service::uploads::{self as ingest, ImportReport as Report};
use crate::service::uploads::{self, UploadInput};

/// What became of an uploaded file. 上传结果。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
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

impl From<ingest::ImportStatus> for ImportStatus {
    fn from(status: ingest::ImportStatus) -> Self {
        match status {
            ingest::ImportStatus::Imported => Self::Imported,
            ingest::ImportStatus::Duplicate => Self::Duplicate,
            ingest::ImportStatus::DryRun => Self::DryRun,
            ingest::ImportStatus::Failed => Self::Failed,
        }
    }
}

/// Why a file could not be read. 文件无法读取的原因。
#[derive(Debug, Clone, SimpleObject)]
pub struct ImportFileError {
    /// Stable code, e.g. CORRUPT_FILE, ENCRYPTED_FILE, ZIP_BOMB. 错误代码。
    pub code: String,
    /// What to do about it. 说明。
    pub message: String,
}

/// The report of one uploaded file, as `hub import --json` prints it. 上传报告。
#[derive(Debug, Clone, SimpleObject)]
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
    pub upload_id: Option<ID>,
    /// Row counters. 行数统计。
    pub rows: UploadRows,
    /// Every rejected row. 被拒收的行。
    pub rejections: Vec<UploadRejection>,
    /// Every warning of an accepted row, in row order (`rows.warnings` counts the rows
    /// with one). 已接收行的警告（请核对）。
    pub row_warnings: Vec<super::warnings::RowWarning>,
    /// Why the file could not be read (status FAILED only). 无法读取的原因。
    pub error: Option<ImportFileError>,
    /// How each header was read; for a file refused for its headers, the guesses to confirm or correct. 各列识别结果。
    pub columns: Vec<ColumnNote>,
    /// Warnings about the whole file: every column not read (UNMAPPED_COLUMN, with likely LIKELY_<FIELD>). 文件级警告。
    pub warnings: Vec<FileWarning>,
    /// The date the file states for its list. 文件所述日期。
    pub stated_date: Option<chrono::NaiveDate>,
    /// The instant the list holds for: the stated date's midnight, else the upload time. 名单时点。
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// For a roster: what it ends (would end, in a dry run). 名单结束的关系。
    pub roster: Option<RosterReport>,
    /// Whether a mapping the unit saved for these headers was applied. 是否应用了已保存的列映射。
    pub saved_mapping: bool,
    /// Fingerprint of the header row. 表头指纹。
    pub fingerprint: Option<String>,
    /// The ticket of a QUEUED upload, for the `uploadTicket` query. 排队凭据。
    pub ticket: Option<ID>,
}

/// Where an upload answered QUEUED is. 排队上传的进度。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum TicketStatus {
    /// Waiting for its turn to land. 排队中。
    Queued,
    /// Its rows are landing. 正在入库。
    Landing,
    /// Done: `report` says what became of the file. 已完成（见报告）。
    Landed,
    /// The landing failed; nothing stored. 失败（未保存）。
    Failed,
}

impl From<tickets::TicketStatus> for TicketStatus {
    fn from(status: tickets::TicketStatus) -> Self {
        match status {
            tickets::TicketStatus::Queued => Self::Queued,
            tickets::TicketStatus::Landing => Self::Landing,
            tickets::TicketStatus::Landed => Self::Landed,
            tickets::TicketStatus::Failed => Self::Failed,
        }
    }
}

/// An upload ticket. 上传凭据。
#[derive(Debug, Clone, SimpleObject)]
pub struct UploadTicket {
    /// The ticket. 凭据。
    pub ticket: ID,
    /// Where the upload is. 进度。
    pub status: TicketStatus,
    /// The report, once landed. 上传报告。
    pub report: Option<ImportReport>,
    /// Why the landing failed (status FAILED). 失败原因。
    pub error: Option<ImportFileError>,
}

impl From<tickets::TicketView> for UploadTicket {
    fn from(view: tickets::TicketView) -> Self {
        Self {
            ticket: ID(view.ticket),
            status: view.status.into(),
            report: view.report.map(ImportReport::from),
            error: view.error.map(|e| ImportFileError {
                code: e.code,
                message: e.message,
            }),
        }
    }
}

impl UploadTicket {
    /// The report the `upload` mutation answers for a ticket still queued or landing.
    fn queued_report(self, unit: Option<String>, file: String) -> ImportReport {
        ImportReport {
            file,
            unit: unit.unwrap_or_default(),
            kind: None,
            status: ImportStatus::Queued,
            upload_id: None,
            rows: UploadRows {
                data: 0,
                accepted: 0,
                rejected: 0,
                warnings: 0,
            },
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
            ticket: Some(self.ticket),
        }
    }
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<Report> for ImportReport {
    fn from(r: Report) -> Self {
        Self {
            file: r.file,
            unit: r.unit,
            kind: r.kind,
            status: r.status.into(),
            upload_id: r.upload_id.map(|id| ID(id.to_string())),
            rows: UploadRows {
                data: count(r.rows.data),
                accepted: count(r.rows.accepted),
                rejected: count(r.rows.rejected),
                warnings: count(r.rows.warnings),
            },
            rejections: r
                .rejections
                .into_iter()
                .map(|x| UploadRejection {
                    sheet: x.sheet,
                    row: count(x.row),
                    column: x.column,
                    value: x.value,
                    code: x.code,
                    reason: x.reason,
                })
                .collect(),
            row_warnings: r
                .row_warnings
                .into_iter()
                .map(super::warnings::RowWarning::from)
                .collect(),
            error: r.error.map(|e| ImportFileError {
                code: e.code,
                message: e.message,
            }),
            columns: r.columns.into_iter().map(ColumnNote::from).collect(),
            warnings: r.warnings.into_iter().map(FileWarning::from).collect(),
            stated_date: r.stated_date,
            as_of: r.as_of,
            roster: r.roster.map(RosterReport::from),
            saved_mapping: r.saved_mapping,
            fingerprint: r.fingerprint,
            ticket: None,
        }
    }
}

/// Reads an uploaded file's bytes, at most `limit + 1` of them (the importer refuses a
/// file over the limit).
async fn read_upload(value: async_graphql::UploadValue, limit: u64) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || {
        let mut bytes = Vec::new();
        value
            .content
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    })
    .await
    .map_err(|e| HubError::Internal(format!("upload reader failed: {e}")))
    .gql()?
    .map_err(HubError::Io)
    .gql()
}

/// The upload mutation. 上传。
#[derive(Debug, Default, Clone, Copy)]
pub struct UploadMutation;

#[Object]
impl UploadMutation {
    /// Uploads one file of the token's unit (an admin may name another `unit`; an uploader
    /// naming another unit is FORBIDDEN). Send it as a GraphQL multipart request. The
    /// report is that of `hub import --json`; a file that cannot be read is status FAILED
    /// with an error code, and nothing is stored. A file not landed within the queue wait
    /// is status QUEUED with a `ticket` for the `uploadTicket` query. 上传一个文件（本单位）；返回与命令行导入相同的报告。
    async fn upload(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The spreadsheet: xlsx, xlsm, xls, ods or csv. 表格文件。")] file: Upload,
        #[graphql(
            desc = "Source kind, e.g. visa_registry or 外国人签证登记; detected from the headers when omitted. 数据类型（可省略，按表头识别）。"
        )]
        kind: Option<String>,
        #[graphql(desc = "Read and check only; store nothing (default false). 只检查不保存。")]
        dry_run: Option<bool>,
        #[graphql(
            desc = "Member unit code (admins only; default the token's unit). 成员单位代码（仅管理员）。"
        )]
        unit: Option<String>,
        #[graphql(
            desc = "Columns fixed for this file (try with dryRun first); a landed upload saves them for the unit's files with these headers. 指定列对应的字段。"
        )]
        mapping: Option<Vec<ColumnAssignmentInput>>,
    ) -> Result<ImportReport> {
        let principal = principal(ctx)?;
        principal.authorize(Operation::Upload).gql()?;
        let importer = importer(ctx)?;
        let value = file
            .value(ctx)
            .map_err(|e| HubError::BadInput(format!("no such file in the request: {e}")))
            .gql()?;
        let file_name = value.filename.clone();
        let bytes = read_upload(value, importer.read_options().max_file_bytes).await?;
        let input = UploadInput {
            unit,
            kind,
            file_name,
            bytes,
            dry_run: dry_run.unwrap_or(false),
            mapping: mapping
                .unwrap_or_default()
                .into_iter()
                .map(|c| format!("{}={}", c.header, c.field))
                .collect(),
        };
        let (unit, file) = (
            input.unit.clone(),
            uploads::clean_file_name(&input.file_name),
        );
        match uploads::submit(database(ctx)?, importer, principal, input)
            .await
            .gql()?
        {
            uploads::Submitted::Done(report) => Ok(report.into()),
            uploads::Submitted::Queued(ticket) => {
                let unit = unit.or_else(|| principal.unit.as_ref().map(|u| u.code.clone()));
                Ok(UploadTicket::from(ticket).queued_report(unit, file))
            }
        }
    }
}
