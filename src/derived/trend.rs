//! How many people were present, day by day.

use super::PersonFilter;
use super::overview::as_of_values;
use super::people::{Sql, known_schema};
use super::sql::{MOMENT_COLUMNS, derived_cte_at_moments, derived_ctes};
use crate::time::start_of_day;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// The longest trend one call computes, in days.
pub const MAX_TREND_DAYS: i64 = 366;

/// Present people at the end of one day. 每日在庆人数。
// Or at `until`, for a day it cuts short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::SimpleObject)]
pub struct TrendPoint {
    /// The day. 日期。
    // The calendar day in the hub's time zone.
    pub day: NaiveDate,
    /// The moment counted.
    #[graphql(skip)]
    pub at: DateTime<Utc>,
    /// People present at the end of the day. 在庆人数。
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
/// [`present_trend`], whose moments it counts at), in one SQL statement: every moment is a
/// row of a `moments` table, the derived facts and the filter are computed for each
/// moment and person ([`derived_cte_at_moments`]), and the people present are counted per
/// moment. The same numbers as [`filtered_trend_per_day`], which counts one day at a time.
pub async fn filtered_trend<C: ConnectionTrait>(
    db: &C,
    filter: &PersonFilter,
    (from, to): (NaiveDate, NaiveDate),
    until: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<TrendPoint>, DbErr> {
    let moments = trend_moments(from, to, until, tz)?;
    let schema = known_schema(db, filter).await?;
    // The filter is written for one time ($1, $2, $3): read from each moment's columns
    // instead, and its own parameters follow on from $1.
    let mut sql = Sql::with_values(as_of_values(until, tz));
    let condition = filter.condition(&mut sql);
    let known = match (filter.known_at, &schema) {
        (Some(at), Some(_)) => Some(sql.param(at)),
        _ => None,
    };
    let mut values = sql.values.split_off(3);
    let condition = rebind(&condition);
    let mut rows = Vec::with_capacity(moments.len());
    for (k, (_, at)) in moments.iter().enumerate() {
        let n = values.len();
        rows.push(format!("({k}, ${}, ${}, ${})", n + 1, n + 2, n + 3));
        values.extend(as_of_values(*at, tz));
    }
    let text = format!(
        "WITH moments ({MOMENT_COLUMNS}) AS (VALUES {}), {} \
         SELECT CAST(p.k AS BIGINT) AS k, COUNT(*) AS n FROM derived p WHERE {condition} GROUP BY p.k",
        rows.join(", "),
        derived_cte_at_moments()
    );
    let text = match (known, schema) {
        (Some(param), Some(schema)) => super::known::shadowed(&text, &schema, &rebind(&param)),
        _ => text,
    };
    let backend = db.get_database_backend();
    let counted = db
        .query_all_raw(Statement::from_sql_and_values(backend, text, values))
        .await?;
    let mut present = vec![0_i64; moments.len()];
    for row in counted {
        let k: i64 = row.try_get("", "k")?;
        let n: i64 = row.try_get("", "n")?;
        if let Some(slot) = usize::try_from(k).ok().and_then(|k| present.get_mut(k)) {
            *slot = n;
        }
    }
    Ok(moments
        .into_iter()
        .zip(present)
        .map(|((day, at), present)| TrendPoint { day, at, present })
        .collect())
}

/// `text` with `$1`, `$2`, `$3` read from the moment of the row `p` (`p.t`, `p.d`,
/// `p.d30`) and every later `$n` as `$(n - 3)`.
fn rebind(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
            digits.push(d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(1) => out.push_str("p.t"),
            Ok(2) => out.push_str("p.d"),
            Ok(3) => out.push_str("p.d30"),
            Ok(n) => out.push_str(&format!("${}", n - 3)),
            Err(_) => {
                out.push('$');
                out.push_str(&digits);
            }
        }
    }
    out
}

/// Present people matching `filter` at the end of each day from `from` to `to`, one SQL
/// count per day: the reference [`filtered_trend`] is checked against.
pub async fn filtered_trend_per_day<C: ConnectionTrait>(
    db: &C,
    filter: &PersonFilter,
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

#[cfg(test)]
mod tests {
    use super::rebind;

    #[test]
    fn the_time_parameters_become_the_moment_and_the_rest_move_down() {
        assert_eq!(
            rebind("a <= $1 AND d < $2 AND e <= $3 AND x IN ($4, $12)"),
            "a <= p.t AND d < p.d AND e <= p.d30 AND x IN ($1, $9)"
        );
        assert_eq!(rebind("'$' || $"), "'$' || $");
    }
}
