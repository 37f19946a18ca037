//! Uploads, their rejections, member-unit activity and candidate merges.

use async_graphql::{ComplexObject, Context, ID, Object, Result, SimpleObject};

use super::mappings::FileWarning;
use super::warnings::RowWarningPage;
use chrono::{DateTime, Utc};
use entity::{member_unit, pending_merge, upload};

use super::context::{as_of, authorize, database, principal, read_audit, timezone};
use super::person::Person;
use super::view::PersonView;
use crate::auth::Operation;
use crate::auth::audit::Action;
use crate::error::{GqlResultExt, HubError};
use crate::registry::{merges, uploads};
use crate::service::people::PersonRecord;
use crate::service::uploads::{Rejection, RowCounts};

/// Most uploads one list returns.
pub const MAX_UPLOADS: i32 = 500;

/// One uploaded file and what became of it. 一次上传及其结果。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex, name = "UploadRecord")]
pub struct Upload {
    /// Id. 编号。
    pub id: ID,
    /// The uploading unit's row id.
    #[graphql(skip)]
    pub member_unit_id: i64,
    /// Uploading unit's code. 上传单位代码。
    pub unit_code: String,
    /// Uploading unit's name. 上传单位名称。
    pub unit_name: String,
    /// Source kind. 数据类型。
    pub kind: String,
    /// File name. 文件名。
    pub file_name: String,
    /// SHA-256. 文件哈希。
    pub sha256: String,
    /// Detected format. 文件格式。
    pub format: String,
    /// Who uploaded. 上传人。
    pub uploaded_by: String,
    /// When. 上传时间。
    pub uploaded_at: DateTime<Utc>,
    /// Status. 状态。
    pub status: String,
    /// Row counters. 行数统计。
    pub rows: RowCounts,
    /// The instant the file's list holds for: the date it states, else the upload time. 名单时点。
    pub as_of: Option<DateTime<Utc>>,
    /// Warnings about the file's columns (every column not read). 文件级警告。
    pub warnings: Vec<FileWarning>,
}

/// A row counter as stored (never negative).
fn stored_count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

impl Upload {
    /// From the stored upload and its unit.
    pub fn new(u: upload::Model, unit: member_unit::Model) -> Self {
        Self {
            id: ID(u.id.to_string()),
            member_unit_id: u.member_unit_id,
            unit_code: unit.code,
            unit_name: unit.name,
            kind: u.kind,
            file_name: u.file_name,
            sha256: u.sha256,
            format: u.format,
            uploaded_by: u.uploaded_by,
            uploaded_at: u.uploaded_at,
            status: u.status,
            rows: RowCounts {
                data: stored_count(u.data_rows),
                accepted: stored_count(u.accepted_rows),
                rejected: stored_count(u.rejected_rows),
                warnings: stored_count(u.warning_rows),
            },
            as_of: u.as_of,
            warnings: u
                .columns
                .as_ref()
                .and_then(|c| c.get("warnings"))
                .and_then(|w| serde_json::from_value::<Vec<importers::FileNote>>(w.clone()).ok())
                .unwrap_or_default()
                .into_iter()
                .map(FileWarning::from)
                .collect(),
        }
    }
}

#[ComplexObject]
impl Upload {
    /// The rejected rows with their reasons (not for leaders: they hold the rows as
    /// written). 被拒收的行及原因（含原始数据，领导角色不可见）。
    async fn rejections(&self, ctx: &Context<'_>) -> Result<Vec<Rejection>> {
        let id = self.upload_id()?;
        let rejections = crate::service::uploads::rejections(
            database(ctx)?,
            read_audit(ctx),
            principal(ctx)?,
            id,
            self.member_unit_id,
        )
        .await
        .gql()?;
        Ok(rejections)
    }

    /// The warnings of the accepted rows (stored, but to check: an ambiguous date, a value
    /// left empty, a person listed twice …), in row order, a page at a time; not for
    /// leaders (they hold the values as written). 已接收行的警告（分页；含原始值，领导角色不可见）。
    async fn row_warnings(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> Result<RowWarningPage> {
        let max = super::warnings::MAX_WARNINGS_PAGE;
        let (Ok(first), Ok(offset)) = (usize::try_from(first), usize::try_from(offset)) else {
            return Err(HubError::BadInput(format!(
                "first: give 0 to {max}; offset: 0 or more / 每页 0 至 {max} 条"
            )))
            .gql();
        };
        if first > max as usize {
            return Err(HubError::BadInput(format!(
                "first: give 0 to {max} / 每页 0 至 {max} 条"
            )))
            .gql();
        }
        let warnings = crate::service::uploads::warnings(
            database(ctx)?,
            read_audit(ctx),
            principal(ctx)?,
            self.upload_id()?,
            self.member_unit_id,
        )
        .await
        .gql()?;
        Ok(RowWarningPage::of(warnings, first, offset))
    }
}

impl Upload {
    /// The stored upload's id.
    fn upload_id(&self) -> Result<i64> {
        self.id
            .parse()
            .map_err(|_| HubError::Internal("upload id".to_owned()))
            .gql()
    }
}

/// A candidate match of two person records. 待确认的人员合并。
#[derive(Debug, Clone)]
pub struct PendingMerge {
    /// The stored candidate.
    pub model: pending_merge::Model,
}

#[Object]
impl PendingMerge {
    /// Id. 编号。
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }

    /// Why they look alike. 判定依据。
    async fn reason(&self) -> &str {
        &self.model.reason
    }

    /// `pending`, `accepted` or `rejected`. 状态。
    async fn status(&self) -> &str {
        &self.model.status
    }

    /// When it was found. 发现时间。
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    /// When it was decided. 处理时间。
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.model.resolved_at
    }

    /// The first record (kept when accepted). 人员甲（合并后保留）。
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        load_person(ctx, self.model.person_id).await
    }

    /// The other record. 人员乙。
    async fn candidate(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        load_person(ctx, self.model.candidate_id).await
    }
}

async fn load_person(ctx: &Context<'_>, id: i64) -> Result<Option<Person>> {
    let db = database(ctx)?;
    let Some(model) = entity::person::Entity::find_by_id(id).one(db).await.gql()? else {
        return Ok(None);
    };
    let at = as_of(ctx, None);
    let mut statuses = crate::derived::statuses(db, &[id], at, timezone(ctx))
        .await
        .gql()?;
    Ok(statuses.remove(&id).map(|status| {
        Person(PersonRecord {
            model,
            status,
            as_of: at,
            known_at: None,
            view: PersonView::Full,
        })
    }))
}

use sea_orm::EntityTrait;

/// Uploads and activity queries. 上传与报送情况查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct UploadsQuery;

#[Object]
impl UploadsQuery {
    /// An upload answered QUEUED: where it is, and its report once landed (the uploader's
    /// own tickets; an admin's: any). 排队上传的进度。
    async fn upload_ticket(
        &self,
        ctx: &Context<'_>,
        ticket: ID,
    ) -> Result<super::upload::UploadTicket> {
        let importer = super::context::importer(ctx)?;
        crate::service::uploads::ticket(importer, principal(ctx)?, &ticket)
            .map(super::upload::UploadTicket::from)
            .gql()
    }

    /// Uploads, newest first, optionally of one unit, kind or status; an uploader sees its
    /// own unit's only. 上传记录（最新在前；上传员仅见本单位）。
    async fn uploads(
        &self,
        ctx: &Context<'_>,
        unit: Option<String>,
        kind: Option<String>,
        status: Option<String>,
        #[graphql(desc = "Only uploads made at or before this time. 仅此时间及以前的上传。")]
        until: Option<DateTime<Utc>>,
        #[graphql(default = 50)] first: i32,
    ) -> Result<Vec<Upload>> {
        if !(0..=MAX_UPLOADS).contains(&first) {
            return Err(HubError::BadInput(format!(
                "first: give 0 to {MAX_UPLOADS}"
            )))
            .gql();
        }
        let grant = authorize(ctx, Operation::ReadUploads)?;
        let unit = match grant.restricted_to() {
            Some(_) => grant.unit_for(unit.as_deref()).gql()?.map(str::to_owned),
            None => unit,
        };
        let query = uploads::UploadQuery {
            unit,
            kind,
            status,
            until,
            limit: u64::try_from(first).unwrap_or(0),
        };
        let rows = uploads::list(database(ctx)?, &query).await.gql()?;
        Ok(rows
            .into_iter()
            .map(|(u, unit)| Upload::new(u, unit))
            .collect())
    }

    /// Candidate matches waiting for an analyst (or decided ones, by status). 待确认的人员合并。
    async fn pending_merges(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "String::from(\"pending\")")] status: String,
    ) -> Result<Vec<PendingMerge>> {
        authorize(ctx, Operation::ReadMerges)?;
        let db = database(ctx)?;
        let rows = merges::list(db, &status).await.gql()?;
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        read_audit(ctx)
            .record(
                db,
                principal(ctx)?,
                Action::ReadMerges,
                "pending_merges",
                serde_json::json!({ "status": status, "merges": ids }),
            )
            .await
            .gql()?;
        Ok(rows
            .into_iter()
            .map(|model| PendingMerge { model })
            .collect())
    }
}
