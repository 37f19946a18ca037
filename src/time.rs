//! Times of day in the hub's time zone, shared by the layers that read and derive facts.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Midnight of a calendar day in `tz`, in UTC (the first instant of the day when midnight
/// does not exist in `tz`).
pub fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|naive| naive.and_local_timezone(tz).earliest())
        .map(|local| local.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}
