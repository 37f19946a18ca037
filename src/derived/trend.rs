//! How many people were present, day by day.

use super::overview::as_of_values;
use super::sql::derived_ctes;
use crate::time::start_of_day;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// The longest trend one call computes, in days.
pub const MAX_TREND_DAYS: i64 = 366;

/// Present people at the end of one day (or at `until`, for a day it cuts short).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendPoint {
    /// The calendar day in the hub's time zone.
    pub day: NaiveDate,
    /// The moment counted.
    pub at: DateTime<Utc>,
    /// People present then.
    pub present: i64,
}

/// The moments a trend counts: the end of each day from `from` to `to` (inclusive, at most
/// [`MAX_TREND_DAYS`]), never later than `until`.
pub fn trend_moments(
    from: NaiveDate,
    to: NaiveDate,
    until: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<(NaiveDate, DateTime<Utc>)>, DbErr> {
    let days = (to - from).num_days();
    if !(0..MAX_TREND_DAYS).contains(&days) {
        return Err(DbErr::Custom(format!(
            "trend of {} days: give 1 to {MAX_TREND_DAYS}",
            days + 1
        )));
    }
    Ok((0..=days)
        .map(|offset| {
            let day = from + Duration::days(offset);
            let end = start_of_day(day + Duration::days(1), tz) - Duration::seconds(1);
            (day, end.min(until))
        })
        .collect())
}

/// Present people at the end of each day from `from` to `to` (inclusive, at most
/// [`MAX_TREND_DAYS`]), never later than `until`, one SQL count per day (the reference the
/// timeline's trend is checked against).
pub async fn present_trend<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    to: NaiveDate,
    until: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<TrendPoint>, DbErr> {
    let sql = format!(
        "{} SELECT COUNT(*) AS n FROM derived WHERE present = 1",
        derived_ctes()
    );
    let backend = db.get_database_backend();
    let mut points = Vec::new();
    for (day, at) in trend_moments(from, to, until, tz)? {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql.clone(),
                as_of_values(at, tz),
            ))
            .await?;
        let present = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
        points.push(TrendPoint { day, at, present });
    }
    Ok(points)
}

/// Present people matching `filter` at the end of each day from `from` to `to` (as
/// [`present_trend`], whose moments it counts at), one SQL count per day: the timeline
/// answers the trend of everyone, this one a filtered set.
pub async fn filtered_trend<C: ConnectionTrait>(
    db: &C,
    filter: &super::PersonFilter,
    (from, to): (NaiveDate, NaiveDate),
    until: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<TrendPoint>, DbErr> {
    let mut points = Vec::new();
    for (day, at) in trend_moments(from, to, until, tz)? {
        let present = super::people::count(db, filter, at, tz).await?;
        points.push(TrendPoint { day, at, present });
    }
    Ok(points)
}
