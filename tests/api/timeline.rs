//! The city timeline (overview, counts and trend for everyone at any T) against the SQL of
//! the derived facts, at every moment the facts name and around it.

use crate::fixtures::{imported_city, report_time};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use hub::derived::{CityCache, Dimension, PersonFilter, counts_by, overview, present_trend};
use hub::time::start_of_day;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

const TZ: Tz = chrono_tz::Asia::Shanghai;

const DIMENSIONS: [Dimension; 5] = [
    Dimension::Nationality,
    Dimension::ManagingUnit,
    Dimension::ReportingUnit,
    Dimension::VisaStatus,
    Dimension::OrganizationKind,
];

/// Every moment the store's facts name: movements, the ends of affiliations and stays, and
/// the days visas start expiring and expire.
async fn moments(db: &DatabaseConnection) -> Vec<DateTime<Utc>> {
    let backend = db.get_database_backend();
    let query = |sql: &str| db.query_all_raw(Statement::from_string(backend, sql.to_owned()));
    let mut at = Vec::new();
    for sql in [
        "SELECT occurred_at FROM movement",
        "SELECT since FROM affiliation WHERE since IS NOT NULL",
        "SELECT until FROM affiliation WHERE until IS NOT NULL",
        "SELECT check_in FROM stay WHERE check_in IS NOT NULL",
        "SELECT check_out FROM stay WHERE check_out IS NOT NULL",
    ] {
        for row in query(sql).await.expect("moments") {
            at.push(row.try_get_by_index::<DateTime<Utc>>(0).expect("time"));
        }
    }
    for row in query(
        "SELECT valid_until FROM identity_document WHERE kind = 'visa' AND valid_until IS NOT NULL",
    )
    .await
    .expect("visas")
    {
        let until: NaiveDate = row.try_get_by_index(0).expect("date");
        at.push(start_of_day(until - Duration::days(30), TZ));
        at.push(start_of_day(until + Duration::days(1), TZ));
    }
    at.sort();
    at.dedup();
    at
}

/// Up to `n` of `moments`, evenly spread, each with the instant before and a second after.
fn probes(moments: &[DateTime<Utc>], n: usize) -> Vec<DateTime<Utc>> {
    let step = moments.len().div_ceil(n).max(1);
    moments
        .iter()
        .step_by(step)
        .flat_map(|&t| [t - Duration::microseconds(1), t, t + Duration::seconds(1)])
        .collect()
}

/// Counts sorted by key (the SQL orders ties by the database's collation).
fn by_key(mut counts: Vec<hub::derived::Count>) -> Vec<(String, String, i64)> {
    counts.sort_by(|a, b| a.key.cmp(&b.key));
    counts
        .into_iter()
        .map(|c| (c.key, c.label, c.count))
        .collect()
}

async fn compare_at(db: &DatabaseConnection, cache: &CityCache, probes: &[DateTime<Utc>]) {
    let everyone = PersonFilter::default();
    for &at in probes {
        let sql = overview(db, at, TZ).await.expect("SQL overview");
        let fast = cache.overview(db, at, TZ).await.expect("timeline overview");
        assert_eq!(fast, sql, "overview as of {at}");
        for dimension in DIMENSIONS {
            let sql = counts_by(db, dimension, &everyone, at, TZ)
                .await
                .expect("SQL counts");
            let fast = cache
                .counts_by(db, dimension, &everyone, at, TZ)
                .await
                .expect("timeline counts");
            let ordered = fast
                .windows(2)
                .all(|w| (-w[0].count, &w[0].key) <= (-w[1].count, &w[1].key));
            assert!(
                ordered,
                "{dimension:?} as of {at}: largest first, ties by key"
            );
            assert_eq!(by_key(fast), by_key(sql), "{dimension:?} as of {at}");
        }
    }
}

#[tokio::test]
async fn the_timeline_answers_what_the_sql_answers() {
    let (_test_db, db) = imported_city().await;
    let moments = moments(&db).await;
    assert!(
        moments.len() > 50,
        "the fixtures name {} moments",
        moments.len()
    );
    let cache = CityCache::default();
    let mut probes = probes(&moments, 60);
    probes.push(report_time());
    compare_at(&db, &cache, &probes).await;

    let (from, to) = (
        NaiveDate::from_ymd_opt(2020, 1, 20).expect("day"),
        NaiveDate::from_ymd_opt(2020, 2, 18).expect("day"),
    );
    let sql = present_trend(&db, from, to, report_time(), TZ)
        .await
        .expect("SQL trend");
    let fast = cache
        .present_trend(&db, from, to, report_time(), TZ)
        .await
        .expect("timeline trend");
    assert_eq!(fast, sql);
    assert!(
        fast.windows(2).any(|w| w[0].present != w[1].present),
        "the trend moves over the fixtures' month"
    );
}

#[tokio::test]
async fn the_timeline_follows_the_store_and_agrees_on_a_generated_city() {
    let test_db = crate::helpers::TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    let cache = CityCache::default();
    let empty = cache.overview(&db, report_time(), TZ).await.expect("empty");
    assert_eq!(empty, overview(&db, report_time(), TZ).await.expect("sql"));
    assert_eq!(empty.known_people, 0);

    hub::commands::bench::city::generate(&db, 3_000, 7)
        .await
        .expect("generated city");
    // The store changed: the timeline kept for the empty store is not used again.
    let moments = moments(&db).await;
    let mut probes = probes(&moments, 25);
    probes.push(report_time());
    compare_at(&db, &cache, &probes).await;
    let now = cache.overview(&db, report_time(), TZ).await.expect("city");
    assert_eq!(now.known_people, 3_000);
}

#[tokio::test]
async fn presence_at_every_time_expected_json_names_agrees_on_both_paths() {
    let (_test_db, db) = imported_city().await;
    let cache = CityCache::default();
    let expected = crate::fixtures::expected();
    let present_at = expected["present_at"].as_object().expect("present_at");
    assert!(present_at.len() >= 4, "{present_at:?}");
    for (time, want) in present_at {
        let at = DateTime::parse_from_rfc3339(time)
            .expect("an RFC 3339 time")
            .with_timezone(&Utc);
        let want = want.as_i64().expect("a count");
        let sql = overview(&db, at, TZ).await.expect("SQL overview");
        let fast = cache
            .overview(&db, at, TZ)
            .await
            .expect("timeline overview");
        assert_eq!(sql.present_people, want, "SQL as of {time}");
        assert_eq!(fast.present_people, want, "timeline as of {time}");
    }
}
