//! Daily reports (日报告和零报告制度): submitting one, listing them, and which active member
//! units reported on a day, sent a zero report, or are missing.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{daily_report, member_unit};
use sea_orm::EntityTrait;
use std::collections::HashMap;

use super::context::{authorize, database, principal, timezone};
use super::loaders::ProvenanceLoader;
use super::person::Source;
use super::types::MemberUnit;
use crate::auth::{Access, Operation};
use crate::error::{GqlResultExt, HubError};
use crate::registry::daily_reports;
use crate::service::daily_reports::{self as service, ReportInput};

/// Longest period `dailyReports` lists, in days.
const MAX_DAYS: i64 = 366;

/// Most reports one `dailyReports` call returns.
const MAX_REPORTS: i32 = 1000;

/// One daily report of a member unit. 成员单位日报告。
#[derive(Debug, Clone)]
pub struct DailyReport {
    model: daily_report::Model,
    unit: member_unit::Model,
    /// Whether the reader sees personal data masked (a leader): document numbers in the
    /// free text are masked.
    masked: bool,
}

impl DailyReport {
    /// Free text as this report's reader may see it.
    fn text<'a>(&self, text: Option<&'a str>) -> Option<std::borrow::Cow<'a, str>> {
        text.map(|t| {
            if self.masked {
                std::borrow::Cow::Owned(crate::auth::masking::document_numbers_in(t))
            } else {
                std::borrow::Cow::Borrowed(t)
            }
        })
    }
}

#[Object]
impl DailyReport {
    /// Id. 编号。
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }

    /// The reporting unit. 报告单位。
    async fn unit(&self) -> MemberUnit {
        MemberUnit::from(self.unit.clone())
    }

    /// The day reported on. 报告日期。
    async fn date(&self) -> NaiveDate {
        self.model.report_date
    }

    /// A zero report: nothing changed. 是否零报告。
    async fn zero(&self) -> bool {
        self.model.is_zero
    }

    /// New arrivals the unit counted. 新增人数。
    async fn arrivals(&self) -> Option<i32> {
        self.model.arrivals
    }

    /// Departures the unit counted. 离开人数。
    async fn departures(&self) -> Option<i32> {
        self.model.departures
    }

    /// Anomalies, as written (document numbers masked for a leader). 异常情况。
    async fn anomalies(&self) -> Option<String> {
        self.text(self.model.anomalies.as_deref())
            .map(std::borrow::Cow::into_owned)
    }

    /// Note (document numbers masked for a leader). 备注。
    async fn note(&self) -> Option<String> {
        self.text(self.model.note.as_deref())
            .map(std::borrow::Cow::into_owned)
    }

    /// Who submitted. 提交人。
    async fn submitted_by(&self) -> &str {
        &self.model.submitted_by
    }

    /// When. 提交时间。
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.model.submitted_at
    }

    /// The uploaded row, when the report came in a daily_report upload (none for the form).
    /// 来源（通过上传提交时）。
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        let Some(row) = self.model.source_row_id else {
            return Ok(None);
        };
        let provenance = super::loaders::load_one::<ProvenanceLoader>(ctx, row).await?;
        Ok(provenance.map(Source::from))
    }
}

/// Who reported on one day, among the active member units. 某日各成员单位报告情况。
#[derive(Debug, Clone, SimpleObject)]
pub struct DailyReportStatus {
    /// The day. 日期。
    pub date: NaiveDate,
    /// Active member units expected to report. 应报告单位数。
    pub expected: i32,
    /// Units that reported changes (their latest report of the day). 已报告（有变化）的单位。
    pub reported: Vec<DailyReport>,
    /// Units whose latest report of the day is a zero report. 零报告单位。
    pub zero_reported: Vec<DailyReport>,
    /// Units that have not reported. 未报告单位。
    pub missing: Vec<MemberUnit>,
}

async fn units_by_id(db: &sea_orm::DatabaseConnection) -> Result<HashMap<i64, member_unit::Model>> {
    Ok(member_unit::Entity::find()
        .all(db)
        .await
        .gql()?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

/// Daily-report queries. 日报告查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct DailyReportQuery;

#[Object]
impl DailyReportQuery {
    /// Reports of days `from` to `to` (at most 366 days), newest first, optionally of one
    /// unit; an uploader sees its own unit's only. 日报告列表（上传员仅见本单位）。
    async fn daily_reports(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
        unit: Option<String>,
        #[graphql(default = 100)] first: i32,
    ) -> Result<Vec<DailyReport>> {
        let grant = authorize(ctx, Operation::ReadDailyReports)?;
        if !(0..MAX_DAYS).contains(&(to - from).num_days()) {
            return Err(HubError::BadInput(format!(
                "from..to must span 1 to {MAX_DAYS} days / 时间范围须为1至{MAX_DAYS}天"
            )))
            .gql();
        }
        if !(0..=MAX_REPORTS).contains(&first) {
            return Err(HubError::BadInput(format!(
                "first: give 0 to {MAX_REPORTS}"
            )))
            .gql();
        }
        let named = match grant.restricted_to() {
            Some(_) => grant.unit_for(unit.as_deref()).gql()?,
            None => unit.as_deref(),
        };
        let db = database(ctx)?;
        let unit_id = match named {
            Some(code) => Some(crate::registry::units::find_unit(db, code).await.gql()?.id),
            None => None,
        };
        let limit = u64::try_from(first).unwrap_or(0);
        let rows = daily_reports::list(db, from, to, unit_id, limit)
            .await
            .gql()?;
        let units = units_by_id(db).await?;
        let masked = grant.access() == Access::Masked;
        Ok(rows
            .into_iter()
            .filter_map(|model| {
                let unit = units.get(&model.member_unit_id)?.clone();
                Some(DailyReport {
                    model,
                    unit,
                    masked,
                })
            })
            .collect())
    }

    /// Which active member units reported on `date` (default today), sent a zero report,
    /// or are missing. 某日报告情况：已报告、零报告、未报告的单位。
    async fn daily_report_status(
        &self,
        ctx: &Context<'_>,
        date: Option<NaiveDate>,
    ) -> Result<DailyReportStatus> {
        let grant = authorize(ctx, Operation::ReadDailyReportStatus)?;
        let masked = grant.access() == Access::Masked;
        let date = date.unwrap_or_else(|| Utc::now().with_timezone(&timezone(ctx)).date_naive());
        let status = daily_reports::status(database(ctx)?, date).await.gql()?;
        let expected = status.reported.len() + status.zero.len() + status.missing.len();
        let report = |(unit, model)| DailyReport {
            model,
            unit,
            masked,
        };
        Ok(DailyReportStatus {
            date,
            expected: i32::try_from(expected).unwrap_or(i32::MAX),
            reported: status.reported.into_iter().map(report).collect(),
            zero_reported: status.zero.into_iter().map(report).collect(),
            missing: status.missing.into_iter().map(MemberUnit::from).collect(),
        })
    }
}

/// The daily-report mutation. 日报告提交。
#[derive(Debug, Default, Clone, Copy)]
pub struct DailyReportMutation;

#[Object]
impl DailyReportMutation {
    /// Submits the daily report of the token's unit for `date` (an admin may name another
    /// `unit`). A zero report (`zero: true`) says nothing changed. A later report of the
    /// same day supersedes earlier ones. 提交日报告（零报告：zero 为 true）。
    #[allow(clippy::too_many_arguments)]
    async fn submit_daily_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day reported on. 报告日期。")] date: NaiveDate,
        #[graphql(desc = "Nothing changed (零报告); default false. 是否零报告。")] zero: Option<
            bool,
        >,
        #[graphql(desc = "New arrivals counted that day. 新增人数。")] arrivals: Option<i32>,
        #[graphql(desc = "Departures counted that day. 离开人数。")] departures: Option<i32>,
        #[graphql(desc = "Anomalies. 异常情况。")] anomalies: Option<String>,
        #[graphql(desc = "Note. 备注。")] note: Option<String>,
        #[graphql(desc = "Member unit code (admins only). 成员单位代码（仅管理员）。")]
        unit: Option<String>,
    ) -> Result<DailyReport> {
        let db = database(ctx)?;
        let input = ReportInput {
            unit,
            date,
            zero: zero.unwrap_or(false),
            arrivals,
            departures,
            anomalies,
            note,
        };
        let model = service::submit(db, principal(ctx)?, input, timezone(ctx))
            .await
            .gql()?;
        let unit = member_unit::Entity::find_by_id(model.member_unit_id)
            .one(db)
            .await
            .gql()?
            .ok_or_else(|| HubError::Internal("report of no unit".to_owned()))
            .gql()?;
        Ok(DailyReport {
            model,
            unit,
            masked: false,
        })
    }
}
