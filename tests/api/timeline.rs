//! The city timeline (overview, counts and trend for everyone at any T) against the SQL of
//! the derived facts, at every moment the facts name and around it.

use crate::fixtures::{import_bytes, imported_city, report_time};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use hub::derived::timeline_total::TimelineTotal;
use hub::derived::{
    CityCache, Dimension, PersonFilter, VisaStatus, counts_by, overview, present_trend,
};
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
        compare_totals_at(db, cache, at).await;
    }
}

/// The list totals the timeline answers (present people, alone or of some nationalities
/// or visa statuses, with presence as a list adds it) against the SQL count.
async fn compare_totals_at(db: &DatabaseConnection, cache: &CityCache, at: DateTime<Utc>) {
    let present = PersonFilter {
        present: Some(true),
        ..PersonFilter::default()
    };
    let nationalities: Vec<String> = counts_by(db, Dimension::Nationality, &present, at, TZ)
        .await
        .expect("SQL counts")
        .into_iter()
        .map(|c| c.key)
        .collect();
    let mut filters = vec![present.clone()];
    for list in [
        nationalities.iter().take(1).cloned().collect::<Vec<_>>(),
        nationalities.iter().skip(1).take(2).cloned().collect(),
        vec!["XXX".to_owned()],
    ] {
        if !list.is_empty() {
            filters.push(PersonFilter {
                nationality: Some(list),
                and: vec![present.clone()],
                ..PersonFilter::default()
            });
        }
    }
    for list in [
        vec![VisaStatus::Expired],
        vec![VisaStatus::Valid, VisaStatus::Expiring],
        vec![VisaStatus::Unknown],
    ] {
        filters.push(PersonFilter {
            visa_status: Some(list),
            ..present.clone()
        });
    }
    for filter in filters {
        assert!(
            TimelineTotal::of(&filter).is_some(),
            "the timeline counts {filter:?}"
        );
        let sql = hub::derived::people::count(db, &filter, at, TZ)
            .await
            .expect("SQL total");
        let fast = cache.total(db, &filter, at, TZ).await.expect("total");
        assert_eq!(fast, sql, "total of {filter:?} as of {at}");
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

    // A generated city (the benchmarks' shape), uploaded as the units would: the police
    // list, then the airport's arrivals and departures.
    let mut batches = devtools::city::batches(3_000, 7);
    let city = batches.next().expect("one batch");
    assert!(batches.next().is_none(), "3,000 people are one batch");
    for (name, unit, bytes, rows) in [
        (
            "city_police.xlsx",
            "police",
            city.police_list_xlsx(),
            city.people.len(),
        ),
        (
            "city_airport.xlsx",
            "airport",
            city.passenger_list_xlsx(),
            city.movements.len(),
        ),
    ] {
        let report = import_bytes(&db, name, unit, bytes.expect("a workbook")).await;
        assert_eq!(report.rows.accepted as usize, rows, "{name}: {report:?}");
    }
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

/// The store's timeline after a step: updated for what the step touched (one more update
/// than before, when the step changed the store), and answering what the SQL answers at
/// moments spread over the facts and over the fixtures' month.
async fn check_step(db: &DatabaseConnection, cache: &CityCache, step: &str, updates: &mut u64) {
    let timeline = cache.timeline(db, TZ).await.expect("timeline");
    assert_eq!(
        timeline.updates(),
        *updates + 1,
        "{step}: the timeline was updated, not built again"
    );
    *updates = timeline.updates();
    let fresh = hub::derived::timeline::load::build(db, TZ)
        .await
        .expect("a fresh timeline");
    assert_eq!(timeline.known(), fresh.known(), "{step}: people known");
    let mut probes = probes(&moments(db).await, 12);
    probes.push(report_time());
    compare_at(db, cache, &probes).await;
    let (from, to) = (
        NaiveDate::from_ymd_opt(2020, 1, 20).expect("day"),
        NaiveDate::from_ymd_opt(2020, 2, 18).expect("day"),
    );
    let sql = present_trend(db, from, to, report_time(), TZ)
        .await
        .expect("SQL trend");
    let fast = cache
        .present_trend(db, from, to, report_time(), TZ)
        .await
        .expect("timeline trend");
    assert_eq!(fast, sql, "{step}: trend");
}

async fn id_of(db: &DatabaseConnection, sql: &str, value: &str) -> i64 {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [value.to_owned().into()],
    ))
    .await
    .expect("query")
    .expect("a row")
    .try_get_by_index(0)
    .expect("an id")
}

#[tokio::test]
async fn the_timeline_follows_uploads_rosters_and_merges_step_by_step() {
    use crate::fixtures::{fixture_files, import, import_bytes};
    use crate::spellings::visa_list;
    let test_db = crate::helpers::TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    let cache = CityCache::default();
    let empty = cache.timeline(&db, TZ).await.expect("empty store");
    assert_eq!((empty.known(), empty.updates()), (0, 0));
    let mut updates = 0;

    for (name, unit, _) in fixture_files() {
        import(&db, &name, &unit).await;
        check_step(&db, &cache, &format!("upload of {name}"), &mut updates).await;
    }
    // The same file again is a duplicate: the store, and the timeline, stay as they were.
    let (name, unit, _) = fixture_files().into_iter().next().expect("a fixture");
    import(&db, &name, &unit).await;
    let again = cache.timeline(&db, TZ).await.expect("timeline");
    assert_eq!(again.updates(), updates, "a duplicate changes nothing");

    // A unit's roster, replaced by a newer one (C leaves), then an older one uploaded late.
    let a = ("M1000001", "KIM A", "大庆甲公司");
    let b = ("M1000002", "LEE B", "大庆乙公司");
    let c = ("M1000003", "PARK C", "大庆丙公司");
    let d = ("M1000004", "CHOI D", "大庆丁公司");
    let lists = [
        ("v0210.xlsx", visa_list("2020年2月10日", &[a, c])),
        ("v0216.xlsx", visa_list("2020年2月16日", &[a, b])),
        ("v0212.xlsx", visa_list("2020年2月12日", &[a, b, c, d])),
    ];
    for (name, bytes) in lists {
        import_bytes(&db, name, "police", bytes).await;
        check_step(&db, &cache, &format!("roster {name}"), &mut updates).await;
    }

    // An analyst merges D into A: D is gone, A holds both records' facts.
    let person = "SELECT id FROM person WHERE document_number = $1";
    let (keep, gone) = (id_of(&db, person, a.0).await, id_of(&db, person, d.0).await);
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "INSERT INTO pending_merge (person_id, candidate_id, reason, status, created_at)
         VALUES ($1, $2, 'same_name_birth_date', 'pending', $3)",
        [keep.into(), gone.into(), report_time().into()],
    ))
    .await
    .expect("a candidate");
    let merge = id_of(
        &db,
        "SELECT id FROM pending_merge WHERE status = $1 ORDER BY id DESC",
        "pending",
    )
    .await;
    hub::registry::merges::resolve(&db, merge, true, "test")
        .await
        .expect("merged");
    check_step(&db, &cache, "merge of two people", &mut updates).await;

    // Two organisations found to be one.
    let org = "SELECT id FROM organization WHERE name = $1";
    let (kept, merged) = (id_of(&db, org, a.2).await, id_of(&db, org, b.2).await);
    hub::registry::organizations::merge(&db, kept, merged)
        .await
        .expect("organisations merged");
    check_step(&db, &cache, "merge of two organisations", &mut updates).await;
}

#[tokio::test]
async fn an_upload_through_one_instance_is_counted_by_the_other_at_once() {
    use crate::helpers::{Backend, spawn_app};
    let first = spawn_app().await;
    let second = hub::server::Application::build(first._database.settings())
        .await
        .expect("a second instance on the same database");
    let city = second.city_cache();
    tokio::spawn(second.run_until(std::future::pending()));
    // The second instance holds the timeline of the store as it is.
    let version = upload_into_an_empty_city(&city, &first).await;
    if first._database.backend == Backend::Sqlite {
        // No notifications on SQLite: the next question (or the refresh) updates it.
        return;
    }
    // Told by NOTIFY, the second instance updates its timeline by itself, well before its
    // refresh would (every 15 s).
    let started = std::time::Instant::now();
    while city.kept_version().await != Some(version) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "the second instance still holds {:?}, the store is at {version:?}",
            city.kept_version().await
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let after = city
        .overview(&first.db, report_time(), TZ)
        .await
        .expect("overview");
    assert_eq!(
        after,
        overview(&first.db, report_time(), TZ).await.expect("SQL")
    );
    assert!(after.known_people > 0, "{after:?}");
}

#[tokio::test]
async fn an_upload_is_counted_by_its_own_instance_before_it_is_answered() {
    let app = crate::helpers::spawn_app().await;
    // The instance holds the timeline of the store as it is (empty).
    let version = upload_into_an_empty_city(&app.city, &app).await;
    // Before the uploader was answered, the landing updated the instance's timeline (no
    // notification on SQLite, and the refresh is 15 s away): the next question finds it
    // current and does not pay for the update.
    assert_eq!(app.city.kept_version().await, Some(version));
    let timeline = app.city.timeline(&app.db, TZ).await.expect("timeline");
    assert_eq!(timeline.updates(), 1, "updated, not built again");
    let after = app
        .city
        .overview(&app.db, report_time(), TZ)
        .await
        .expect("overview");
    assert_eq!(
        after,
        overview(&app.db, report_time(), TZ).await.expect("SQL")
    );
    assert!(after.known_people > 0, "{after:?}");
}

/// Asks `city` for the overview of the (empty) store, so that it holds its timeline, then
/// uploads the first fixture through `app` over HTTP; the store version it leaves.
async fn upload_into_an_empty_city(
    city: &CityCache,
    app: &crate::helpers::TestApp,
) -> hub::derived::cache::StoreVersion {
    use crate::helpers::Part;
    let before = city
        .overview(&app.db, report_time(), TZ)
        .await
        .expect("overview");
    assert_eq!(before.known_people, 0);
    let (name, unit, _) = crate::fixtures::fixture_files()
        .into_iter()
        .next()
        .expect("a fixture");
    let bytes = crate::fixtures::fixture_bytes(&name);
    let landed = app
        .upload_as(
            Some(&app.admin_token),
            &[Part::Text("unit", &unit), Part::File("file", &name, &bytes)],
        )
        .await;
    assert_eq!(landed.status, 200, "{}", landed.body);
    hub::derived::cache::store_version(&app.db)
        .await
        .expect("version")
}
