//! The headline figures as of T.

use super::sql::derived_cte_materialized;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};

/// Headline figures as of T. Countries and managing units count present people only.
/// (The daily brief states them as they are: [`crate::service::brief::Figures`]; the API
/// gives them with their time: [`crate::graphql::city::Overview`].)
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    async_graphql::SimpleObject,
    FromQueryResult,
)]
#[serde(rename_all = "camelCase")]
#[graphql(name = "OverviewFigures")]
pub struct Overview {
    /// People the hub knows of. 掌握人数。
    pub known_people: i64,
    /// People present in the city. 在庆人数。
    pub present_people: i64,
    /// Countries and regions of present people. 国家和地区数。
    pub countries: i64,
    /// Managing units of present people. 具体负责管理单位数。
    pub managing_units: i64,
    /// Arrivals on the day. 当日入境（到达）人数。
    pub arrivals: i64,
    /// Departures on the day. 当日离开人数。
    pub departures: i64,
    /// Present people whose visa expires within 30 days. 签证30天内到期人数。
    pub expiring_visas: i64,
    /// Present people whose visa has expired. 签证过期（逾期滞留）人数。
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
    Overview::from_query_result(&row, "")
}
