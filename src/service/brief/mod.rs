//! The daily brief (每日情况报告): the office's upward report for a chosen time, written
//! once for every surface — the printable page (`GET /api/brief`), the Word file
//! (`GET /api/brief.docx`) and `hub brief`.
//!
//! Every figure is read through the people reader ([`People`]), the same calls the
//! dashboard's GraphQL fields make (`overview`, `countsBy`, `people`): the brief never
//! counts on its own. Its special cases are people lists, so they carry the reader's
//! policy, masking (a leader's brief masks document numbers) and audit.
//!
//! - [`wording`] — the headline and the changes in the office's style;
//! - [`supplies`] — the supplies ledger's figures (物资保障) in sentences;
//! - [`docx`] — the brief as a Word document.

pub mod docx;
pub mod supplies;
pub mod wording;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{health_check, identity_document, organization};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::auth::{Operation, Principal};
use crate::derived::{Dimension, Overview, PersonFilter, PersonOrder, Start, VisaStatus};
use crate::error::HubError;
use crate::registry::daily_reports;
use crate::service::people::{Page, People, PersonQuery, PersonRecord, Presence};

/// Most people each special-case list of a brief names (its total is always given).
pub const MAX_CASES: usize = 500;

/// People read per page of a special-case list.
const CASE_PAGE: u64 = 100;

/// The headline figures of a brief: the dashboard's, as the people service gives them.
/// 总体数字。
pub type Figures = Overview;

/// One line of a table by country or managing unit, with its count in the previous brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRow {
    /// Stable key (ISO code, organisation id). 键。
    pub key: String,
    /// Name. 名称。
    pub label: String,
    /// Present people now. 人数。
    pub count: i64,
    /// Present people at the previous brief. 前一期人数。
    pub previous: i64,
}

/// A person of a special case. 特殊情况人员。
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    /// Person id (links to the person page). 人员编号。
    pub person_id: i64,
    /// Latin name. 英文姓名。
    pub name: Option<String>,
    /// Chinese name. 中文姓名。
    pub chinese_name: Option<String>,
    /// Nationality in Chinese. 国籍。
    pub nationality: String,
    /// Document number (masked for a leader). 证件号码。
    pub document_number: String,
    /// The managing unit. 具体负责管理单位。
    pub managing_unit: Option<String>,
    /// End of the visa valid longest. 签证有效期至。
    pub visa_valid_until: Option<NaiveDate>,
    /// The latest health check up to the brief's time. 最近一次检测。
    pub last_check: Option<Check>,
}

/// A health check of a special case. 体温检测。
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// When. 时间。
    pub checked_at: DateTime<Utc>,
    /// Temperature in ℃. 体温。
    pub temperature: Option<f64>,
    /// Condition as written. 情况。
    pub status: Option<String>,
}

/// A special-case list: how many, and the first [`MAX_CASES`] of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseList {
    /// People in the case. 人数。
    pub total: i64,
    /// The people listed. 名单。
    pub people: Vec<Case>,
}

/// A member unit named in the report status. 成员单位。
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    /// Code. 代码。
    pub code: String,
    /// Name. 名称。
    pub name: String,
}

/// Which member units reported on the brief's day. 日报告情况。
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportsOfDay {
    /// The day. 日期。
    pub date: NaiveDate,
    /// Units that reported with figures. 已报告。
    pub reported: Vec<UnitRef>,
    /// Units that sent a zero report. 零报告。
    pub zero_reported: Vec<UnitRef>,
    /// Units that have not reported. 未报告。
    pub missing: Vec<UnitRef>,
}

/// The changes since the previous brief. 与上期相比。
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    /// The previous brief's time (a day before). 上期时间。
    pub since: DateTime<Utc>,
    /// The previous brief's time as the office writes it. 上期时间（文字）。
    pub since_text: String,
    /// The previous brief's headline figures. 上期数字。
    pub figures: Figures,
    /// One phrase per headline figure. 各项变化。
    pub lines: Vec<String>,
    /// Countries with present people now and none before. 新增国家和地区。
    pub new_countries: Vec<String>,
    /// Countries with present people before and none now. 不再有人员的国家和地区。
    pub gone_countries: Vec<String>,
}

/// The daily brief. 每日情况报告。
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyBrief {
    /// The time the brief is for. 统计时间。
    pub as_of: DateTime<Utc>,
    /// That time as the office writes it ("2月17日中午12:00"). 统计时间（文字）。
    pub as_of_text: String,
    /// The headline sentence. 总体情况。
    pub headline: String,
    /// The headline figures. 总体数字。
    pub figures: Figures,
    /// Present people by country, largest first. 按国籍。
    pub by_country: Vec<GroupRow>,
    /// Present people by managing unit, largest first. 按具体负责管理单位。
    pub by_managing_unit: Vec<GroupRow>,
    /// Present people whose visa has expired (overstays). 签证过期（逾期滞留）人员。
    pub overstays: CaseList,
    /// Present people whose visa expires within 30 days. 签证30天内到期人员。
    pub expiring: CaseList,
    /// Changes since the previous brief. 与上期相比。
    pub changes: Changes,
    /// Member units' daily reports of the day. 成员单位日报告情况。
    pub reports: ReportsOfDay,
    /// The supplies ledger's figures in sentences, when the reader may read the ledger and
    /// it holds anything by then. 物资保障情况。
    pub supplies: Option<Vec<String>>,
    /// Whether personal data is masked (a leader's brief). 是否脱敏。
    pub masked: bool,
}

/// Writes the brief as of `as_of` for `principal`: `FORBIDDEN` for a role that may not
/// read figures or the daily-report status (uploaders).
pub async fn daily_brief(
    people: &People<'_>,
    db: &DatabaseConnection,
    tz: Tz,
    principal: &Principal,
    as_of: DateTime<Utc>,
) -> Result<DailyBrief, HubError> {
    principal.authorize(Operation::ReadFigures)?;
    principal.authorize(Operation::ReadDailyReportStatus)?;
    let since = as_of - Duration::days(1);
    let now = people.overview(principal, as_of).await?;
    let before = people.overview(principal, since).await?;
    let by_country = groups(people, principal, Dimension::Nationality, as_of, since).await?;
    let by_managing_unit = groups(people, principal, Dimension::ManagingUnit, as_of, since).await?;
    let overstays = cases(people, db, principal, VisaStatus::Expired, as_of).await?;
    let expiring = cases(people, db, principal, VisaStatus::Expiring, as_of).await?;
    let day = as_of.with_timezone(&tz).date_naive();
    let status = daily_reports::status(db, day).await?;
    let unit = |u: &entity::member_unit::Model| UnitRef {
        code: u.code.clone(),
        name: u.name.clone(),
    };
    let changes = Changes {
        since,
        since_text: wording::time_text(since.with_timezone(&tz)),
        figures: before,
        lines: wording::figure_changes(&before, &now),
        new_countries: by_country
            .iter()
            .filter(|r| r.count > 0 && r.previous == 0)
            .map(|r| r.label.clone())
            .collect(),
        gone_countries: by_country
            .iter()
            .filter(|r| r.count == 0 && r.previous > 0)
            .map(|r| r.label.clone())
            .collect(),
    };
    let supplies = supplies::section(db, tz, principal, as_of).await?;
    let masked = principal
        .authorize(Operation::ReadPeople)
        .map(|grant| crate::service::people::PersonView::of(&grant).masked())
        .unwrap_or(true);
    Ok(DailyBrief {
        as_of,
        as_of_text: wording::time_text(as_of.with_timezone(&tz)),
        headline: wording::headline(as_of.with_timezone(&tz), &now),
        figures: now,
        by_country,
        by_managing_unit,
        overstays,
        expiring,
        changes,
        reports: ReportsOfDay {
            date: day,
            reported: status.reported.iter().map(|(u, _)| unit(u)).collect(),
            zero_reported: status.zero.iter().map(|(u, _)| unit(u)).collect(),
            missing: status.missing.iter().map(unit).collect(),
        },
        supplies,
        masked,
    })
}

/// Present people by `dimension` now and at the previous brief: every group of either
/// time, largest now first (a group that emptied shows 0).
async fn groups(
    people: &People<'_>,
    principal: &Principal,
    dimension: Dimension,
    as_of: DateTime<Utc>,
    since: DateTime<Utc>,
) -> Result<Vec<GroupRow>, HubError> {
    let now = people
        .counts(
            principal,
            dimension,
            PersonFilter::default(),
            Presence::Present,
            as_of,
        )
        .await?;
    let before = people
        .counts(
            principal,
            dimension,
            PersonFilter::default(),
            Presence::Present,
            since,
        )
        .await?;
    let previous: HashMap<&str, i64> = before.iter().map(|c| (c.key.as_str(), c.count)).collect();
    let mut rows: Vec<GroupRow> = now
        .iter()
        .map(|c| GroupRow {
            key: c.key.clone(),
            label: c.label.clone(),
            count: c.count,
            previous: previous.get(c.key.as_str()).copied().unwrap_or(0),
        })
        .collect();
    rows.extend(
        before
            .iter()
            .filter(|b| !now.iter().any(|c| c.key == b.key))
            .map(|b| GroupRow {
                key: b.key.clone(),
                label: b.label.clone(),
                count: 0,
                previous: b.count,
            }),
    );
    Ok(rows)
}

/// The present people of a visa status as of `as_of` (at most [`MAX_CASES`]), read as the
/// people list reads them, with managing unit, visa end and latest check.
async fn cases(
    people: &People<'_>,
    db: &DatabaseConnection,
    principal: &Principal,
    status: VisaStatus,
    as_of: DateTime<Utc>,
) -> Result<CaseList, HubError> {
    let filter = PersonFilter {
        present: Some(true),
        visa_status: Some(vec![status]),
        ..PersonFilter::default()
    };
    let mut records: Vec<PersonRecord> = Vec::new();
    let mut offset = 0;
    let total = loop {
        let page = people
            .list(
                principal,
                PersonQuery {
                    filter: filter.clone(),
                    order: PersonOrder::Nationality,
                    descending: false,
                    page: Page::new(CASE_PAGE as i64, 0)?,
                    start: Start::Offset(offset),
                    as_of,
                    presence: Presence::Present,
                },
            )
            .await?;
        records.extend(page.people);
        if !page.has_next || records.len() >= MAX_CASES {
            break page.total;
        }
        offset += CASE_PAGE;
    };
    records.truncate(MAX_CASES);
    let facts = CaseFacts::load(db, &records, as_of).await?;
    Ok(CaseList {
        total,
        people: records.iter().map(|r| facts.case(r)).collect(),
    })
}

/// What a special case shows besides the person: names of managing units, visa ends and
/// latest checks (three statements for the whole list).
struct CaseFacts {
    organizations: HashMap<i64, String>,
    visas: HashMap<i64, NaiveDate>,
    checks: HashMap<i64, Check>,
}

impl CaseFacts {
    async fn load(
        db: &DatabaseConnection,
        records: &[PersonRecord],
        as_of: DateTime<Utc>,
    ) -> Result<Self, HubError> {
        let ids: Vec<i64> = records.iter().map(|r| r.model.id).collect();
        let orgs: Vec<i64> = records
            .iter()
            .filter_map(|r| r.status.managing_organization_id)
            .collect();
        let mut facts = Self {
            organizations: HashMap::new(),
            visas: HashMap::new(),
            checks: HashMap::new(),
        };
        if ids.is_empty() {
            return Ok(facts);
        }
        for org in organization::Entity::find()
            .filter(organization::Column::Id.is_in(orgs))
            .all(db)
            .await?
        {
            facts.organizations.insert(org.id, org.name);
        }
        for doc in identity_document::Entity::find()
            .filter(identity_document::Column::PersonId.is_in(ids.clone()))
            .filter(identity_document::Column::Kind.eq("visa"))
            .all(db)
            .await?
        {
            if let Some(until) = doc.valid_until {
                let entry = facts.visas.entry(doc.person_id).or_insert(until);
                *entry = (*entry).max(until);
            }
        }
        for check in health_check::Entity::find()
            .filter(health_check::Column::PersonId.is_in(ids))
            .filter(health_check::Column::CheckedAt.lte(as_of))
            .order_by_desc(health_check::Column::CheckedAt)
            .all(db)
            .await?
        {
            facts.checks.entry(check.person_id).or_insert(Check {
                checked_at: check.checked_at,
                temperature: check.temperature,
                status: check.status,
            });
        }
        Ok(facts)
    }

    fn case(&self, record: &PersonRecord) -> Case {
        let person = &record.model;
        Case {
            person_id: person.id,
            name: person.latin_name.clone(),
            chinese_name: person.chinese_name.clone(),
            nationality: importers::countries::by_alpha3(&person.nationality)
                .map_or_else(|| person.nationality.clone(), |c| c.name_zh.to_owned()),
            document_number: record.view.document_number(&person.document_number),
            managing_unit: record
                .status
                .managing_organization_id
                .and_then(|id| self.organizations.get(&id).cloned()),
            visa_valid_until: self.visas.get(&person.id).copied(),
            last_check: self.checks.get(&person.id).cloned(),
        }
    }
}

/// The time a brief is asked for: RFC 3339 (`2020-02-17T12:00:00+08:00`), a local time
/// (`2020-02-17 12:00`, `2020-02-17T12:00`) or a day (`2020-02-17`: its end, as the
/// dashboard's day) in the hub's zone; `BAD_INPUT` otherwise.
pub fn parse_as_of(text: &str, tz: Tz) -> Result<DateTime<Utc>, HubError> {
    use chrono::{NaiveDateTime, TimeZone};
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(23, 59, 59))
        });
    local
        .and_then(|t| tz.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            HubError::BadInput(format!(
                "asOf: give a time such as 2020-02-17T12:00:00+08:00, 2020-02-17 12:00 or 2020-02-17 / 时间格式应为 2020-02-17 12:00: {text}"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brief_is_asked_for_as_the_office_writes_times() {
        let tz = chrono_tz::Asia::Shanghai;
        let noon = "2020-02-17T04:00:00Z";
        for text in [
            "2020-02-17T12:00:00+08:00",
            "2020-02-17 12:00",
            "2020-02-17T12:00",
        ] {
            assert_eq!(
                parse_as_of(text, tz)
                    .ok()
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                Some(noon.to_owned()),
                "{text}"
            );
        }
        assert_eq!(
            parse_as_of("2020-02-17", tz)
                .ok()
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            Some("2020-02-17T15:59:59Z".to_owned())
        );
        assert!(matches!(
            parse_as_of("yesterday", tz),
            Err(HubError::BadInput(_))
        ));
    }
}
