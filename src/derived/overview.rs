//! The headline figures as of T.

use super::sql::derived_cte_materialized;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Headline figures as of T. Countries and managing units count present people only.
/// (The daily brief states them as they are: [`crate::service::brief::Figures`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// People the hub knows of.
    pub known_people: i64,
    /// People present in the city at T.
    pub present_people: i64,
    /// Nationalities among present people.
    pub countries: i64,
    /// Distinct managing organisations of present people.
    pub managing_units: i64,
    /// Arrivals on T's calendar day.
    pub arrivals: i64,
    /// Departures on T's calendar day.
    pub departures: i64,
    /// Present people whose visa expires within 30 days.
    pub expiring_visas: i64,
    /// Present people whose visa has expired (overstays).
    pub expired_visas: i64,
}

/// The parameters every derived query binds: T, T's day, T's day + 30.
pub fn as_of_values(as_of: DateTime<Utc>, tz: Tz) -> Vec<sea_orm::Value> {
    let day = as_of.with_timezone(&tz).date_naive();
    vec![as_of.into(), day.into(), (day + Duration::days(30)).into()]
}

/// Computes the overview as of `as_of`.
pub async fn overview<C: ConnectionTrait>(
    db: &C,
    as_of: DateTime<Utc>,
    tz: Tz,
) -> Result<Overview, DbErr> {
    overview_known(db, as_of, None, tz).await
}

/// [`overview`] answered from the uploads landed by `known_at` when given
/// ([`super::known`]): the figures the hub gave at that time.
pub async fn overview_known<C: ConnectionTrait>(
    db: &C,
    as_of: DateTime<Utc>,
    known_at: Option<DateTime<Utc>>,
    tz: Tz,
) -> Result<Overview, DbErr> {
    let day_start = as_of
        .with_timezone(&tz)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|naive| naive.and_local_timezone(tz).earliest())
        .map(|local| local.with_timezone(&Utc))
        .unwrap_or(as_of);
    let sql = format!(
        "{ctes}
        SELECT
            COUNT(*) AS known_people,
            COALESCE(SUM(present), 0) AS present_people,
            COUNT(DISTINCT CASE WHEN present = 1 THEN nationality END) AS countries,
            COUNT(DISTINCT CASE WHEN present = 1 THEN organization_id END) AS managing_units,
            (SELECT COUNT(*) FROM movement WHERE direction = 'arrival' AND occurred_at >= $4 AND occurred_at <= $1) AS arrivals,
            (SELECT COUNT(*) FROM movement WHERE direction = 'departure' AND occurred_at >= $4 AND occurred_at <= $1) AS departures,
            COALESCE(SUM(CASE WHEN present = 1 AND visa_status = 'EXPIRING' THEN 1 ELSE 0 END), 0) AS expiring_visas,
            COALESCE(SUM(CASE WHEN present = 1 AND visa_status = 'EXPIRED' THEN 1 ELSE 0 END), 0) AS expired_visas
        FROM derived",
        ctes = derived_cte_materialized()
    );
    let mut values = as_of_values(as_of, tz);
    values.push(day_start.into());
    let sql = super::known::as_known(db, sql, &mut values, known_at).await?;
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("overview".to_owned()))?;
    Ok(Overview {
        known_people: row.try_get("", "known_people")?,
        present_people: row.try_get("", "present_people")?,
        countries: row.try_get("", "countries")?,
        managing_units: row.try_get("", "managing_units")?,
        arrivals: row.try_get("", "arrivals")?,
        departures: row.try_get("", "departures")?,
        expiring_visas: row.try_get("", "expiring_visas")?,
        expired_visas: row.try_get("", "expired_visas")?,
    })
}
