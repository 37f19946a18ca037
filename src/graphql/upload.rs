//! The `upload` mutation (GraphQL multipart request spec): one file, the same report as
//! `hub import --json` and `POST /api/uploads`.

use std::io::Read;

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject, Upload};

use super::context::{database, importer, principal};
use super::mappings::ColumnAssignmentInput;
use crate::auth::Operation;
use crate::error::{GqlResultExt, HubError};
use crate::service::uploads as tickets;
use crate::service::uploads::FileError;
use crate::service::uploads::ImportReport as Report;
use crate::service::uploads::{self, UploadInput};

/// The report of one uploaded file, as `hub import --json` prints it. 上传报告。
#[derive(Debug, Clone, SimpleObject)]
pub struct ImportReport {
    /// The report of the file.
    #[graphql(flatten)]
    pub report: Report,
    /// The ticket of a QUEUED upload, for the `uploadTicket` query. 排队凭据。
    pub ticket: Option<ID>,
}

impl From<Report> for ImportReport {
    fn from(report: Report) -> Self {
        Self {
            report,
            ticket: None,
        }
    }
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
    pub error: Option<FileError>,
}

impl From<tickets::TicketView> for UploadTicket {
    fn from(view: tickets::TicketView) -> Self {
        Self {
            ticket: ID(view.ticket),
            status: view.status.into(),
            report: view.report.map(ImportReport::from),
            error: view.error,
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
                Ok(ImportReport {
                    report: Report::queued(file, unit.unwrap_or_default()),
                    ticket: Some(ID(ticket.ticket)),
                })
            }
        }
    }
}
