//! Daily reports (日报告) and zero reports (零报告) in the store: adding one, listing them,
//! and who has reported on a day.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{daily_report, member_unit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// A report as a client submits it (the form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportInput {
    /// The member unit (code); only admins may name one other than their own.
    pub unit: Option<String>,
    /// The day reported on.
    pub date: NaiveDate,
    /// A zero report: nothing changed.
    pub zero: bool,
    /// Arrivals counted that day.
    pub arrivals: Option<i32>,
    /// Departures counted that day.
    pub departures: Option<i32>,
    /// Anomalies, as written.
    pub anomalies: Option<String>,
    /// Free note.
    pub note: Option<String>,
}

/// A report submitted through the API (the form), not in an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDailyReport {
    /// The reporting unit (the one the report names, or the submitter's).
    pub member_unit_id: i64,
    /// What the report says, checked.
    pub report: ReportInput,
    /// Who submitted (`token:<id> <name>` or `cli:<user>`).
    pub submitted_by: String,
    /// When.
    pub submitted_at: DateTime<Utc>,
}

/// Stores a report; a later report of the same unit and day supersedes earlier ones.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: NewDailyReport,
) -> Result<daily_report::Model, DbErr> {
    let report = new.report;
    daily_report::ActiveModel {
        member_unit_id: Set(new.member_unit_id),
        report_date: Set(report.date),
        is_zero: Set(report.zero),
        arrivals: Set(report.arrivals),
        departures: Set(report.departures),
        anomalies: Set(report.anomalies),
        note: Set(report.note),
        submitted_by: Set(new.submitted_by),
        submitted_at: Set(new.submitted_at),
        source_row_id: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Reports of days `from..=to`, optionally of one unit, newest first (at most `limit`).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    to: NaiveDate,
    member_unit_id: Option<i64>,
    limit: u64,
) -> Result<Vec<daily_report::Model>, DbErr> {
    let mut select = daily_report::Entity::find()
        .filter(daily_report::Column::ReportDate.gte(from))
        .filter(daily_report::Column::ReportDate.lte(to))
        .order_by_desc(daily_report::Column::ReportDate)
        .order_by_desc(daily_report::Column::SubmittedAt)
        .order_by_desc(daily_report::Column::Id);
    if let Some(unit) = member_unit_id {
        select = select.filter(daily_report::Column::MemberUnitId.eq(unit));
    }
    select.limit(limit).all(db).await
}

/// Who has reported on one day, among the active member units (registry order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayStatus {
    /// Units whose latest report of the day has figures or anomalies, with that report.
    pub reported: Vec<(member_unit::Model, daily_report::Model)>,
    /// Units whose latest report of the day is a zero report, with that report.
    pub zero: Vec<(member_unit::Model, daily_report::Model)>,
    /// Units with no report of the day.
    pub missing: Vec<member_unit::Model>,
}

/// The status of `date`: for each active member unit, its latest report of the day.
pub async fn status<C: ConnectionTrait>(db: &C, date: NaiveDate) -> Result<DayStatus, DbErr> {
    let units = member_unit::Entity::find()
        .filter(member_unit::Column::Active.eq(true))
        .order_by_asc(member_unit::Column::Id)
        .all(db)
        .await?;
    let reports = daily_report::Entity::find()
        .filter(daily_report::Column::ReportDate.eq(date))
        .order_by_asc(daily_report::Column::SubmittedAt)
        .order_by_asc(daily_report::Column::Id)
        .all(db)
        .await?;
    let mut latest: HashMap<i64, daily_report::Model> = HashMap::new();
    for report in reports {
        latest.insert(report.member_unit_id, report);
    }
    let mut status = DayStatus::default();
    for unit in units {
        match latest.remove(&unit.id) {
            Some(report) if report.is_zero => status.zero.push((unit, report)),
            Some(report) => status.reported.push((unit, report)),
            None => status.missing.push(unit),
        }
    }
    Ok(status)
}
