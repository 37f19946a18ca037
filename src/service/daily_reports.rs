//! Daily reports (日报告和零报告制度) through the API: a unit submits its report of a day;
//! the office sees which units reported, which sent a zero report, and which are missing.

use chrono::Utc;
use chrono_tz::Tz;
use entity::daily_report;
use sea_orm::DatabaseConnection;

use crate::auth::audit::{self, Action};
use crate::auth::{Operation, Principal};
use crate::error::HubError;
pub use crate::registry::daily_reports::ReportInput;
use crate::registry::daily_reports::{self, NewDailyReport};
use crate::registry::units::find_unit;

/// Longest anomalies or note text, in characters.
const MAX_TEXT: usize = 2000;

/// A trimmed, non-empty text of at most [`MAX_TEXT`] characters.
fn text(value: Option<String>, field: &str) -> Result<Option<String>, HubError> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if value.as_ref().is_some_and(|v| v.chars().count() > MAX_TEXT) {
        return Err(HubError::BadInput(format!(
            "{field}: at most {MAX_TEXT} characters / 内容过长"
        )));
    }
    Ok(value)
}

/// Checks a report: counts are not negative; a zero report has no arrivals, departures or
/// anomalies; the day is not in the future (in the hub's time zone).
fn check(input: &ReportInput, tz: Tz) -> Result<(), HubError> {
    for (name, value) in [
        ("arrivals", input.arrivals),
        ("departures", input.departures),
    ] {
        if value.is_some_and(|n| n < 0) {
            return Err(HubError::BadInput(format!(
                "{name} cannot be negative / 人数不能为负"
            )));
        }
    }
    let changed = input.arrivals.is_some_and(|n| n > 0)
        || input.departures.is_some_and(|n| n > 0)
        || input
            .anomalies
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty());
    if input.zero && changed {
        return Err(HubError::BadInput(
            "a zero report has no arrivals, departures or anomalies / 零报告不应有新增、离开或异常"
                .to_owned(),
        ));
    }
    let today = Utc::now().with_timezone(&tz).date_naive();
    if input.date > today {
        return Err(HubError::BadInput(format!(
            "date {} is in the future / 报告日期不能晚于今天",
            input.date
        )));
    }
    Ok(())
}

/// Stores the report of `principal`'s unit (or of the unit an admin names) and audits it.
pub async fn submit(
    db: &DatabaseConnection,
    principal: &Principal,
    input: ReportInput,
    tz: Tz,
) -> Result<daily_report::Model, HubError> {
    let grant = principal.authorize(Operation::SubmitDailyReport)?;
    let unit_code = grant.unit_for(input.unit.as_deref())?.ok_or_else(|| {
        HubError::BadInput("name the member unit (unit) / 请指定成员单位".to_owned())
    })?;
    let unit = find_unit(db, unit_code).await?;
    check(&input, tz)?;
    let report = ReportInput {
        anomalies: text(input.anomalies, "anomalies")?,
        note: text(input.note, "note")?,
        ..input
    };
    let report = daily_reports::insert(
        db,
        NewDailyReport {
            member_unit_id: unit.id,
            report,
            submitted_by: principal.submitted_by(),
            submitted_at: Utc::now(),
        },
    )
    .await?;
    audit::record(
        db,
        principal,
        Action::SubmitDailyReport,
        format!("daily_report:{}", report.id),
        serde_json::json!({ "unit": unit.code, "date": report.report_date, "zero": report.is_zero }),
    )
    .await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn zero_reports_carry_no_changes() {
        let tz = chrono_tz::Asia::Shanghai;
        let zero = ReportInput {
            date: day("2020-02-17"),
            zero: true,
            arrivals: Some(0),
            ..Default::default()
        };
        assert!(check(&zero, tz).is_ok());
        let wrong = ReportInput {
            arrivals: Some(2),
            ..zero.clone()
        };
        assert!(check(&wrong, tz).is_err());
        let negative = ReportInput {
            zero: false,
            departures: Some(-1),
            ..zero.clone()
        };
        assert!(check(&negative, tz).is_err());
        let future = ReportInput {
            date: day("2999-01-01"),
            ..zero
        };
        assert!(check(&future, tz).is_err());
    }
}
