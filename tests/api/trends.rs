//! A filtered present trend is answered in one statement over every day, with the numbers
//! of a count per day.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::fixtures::{fixture_files, import};
use crate::helpers::spawn_app;
use chrono::{NaiveDate, Utc};
use hub::auth::Principal;
use hub::derived::{self, Conditions, PersonFilter, VisaStatus};
use hub::service::people::{People, Presence};
use serde_json::json;

fn conditions(value: serde_json::Value) -> Conditions {
    serde_json::from_value(value).expect("conditions")
}

#[tokio::test]
async fn a_filtered_trend_is_one_statement_with_the_numbers_of_a_count_per_day() {
    let app = spawn_app().await;
    for (name, unit, _) in fixture_files() {
        import(&app.db, &name, &unit).await;
    }
    let tz = chrono_tz::Asia::Shanghai;
    let days = (
        NaiveDate::from_ymd_opt(2020, 1, 10).expect("a day"),
        NaiveDate::from_ymd_opt(2020, 2, 20).expect("a day"),
    );
    let until = Utc::now();
    let filters = [
        PersonFilter {
            nationality: Some(vec!["KOR".to_owned()]),
            ..PersonFilter::default()
        },
        // Derived at each day: the visa's status and the managing unit move with time.
        PersonFilter {
            visa_status: Some(vec![VisaStatus::Expired, VisaStatus::Expiring]),
            ..PersonFilter::default()
        },
        PersonFilter {
            or: vec![
                PersonFilter {
                    nationality: Some(vec!["RUS".to_owned()]),
                    ..PersonFilter::default()
                },
                PersonFilter {
                    conditions: conditions(json!({ "affiliation": { "active": true } })),
                    ..PersonFilter::default()
                },
            ],
            ..PersonFilter::default()
        },
        PersonFilter {
            conditions: conditions(json!({ "movement": { "direction": { "eq": "arrival" } } })),
            reported_by: Some(vec!["police".to_owned(), "airport".to_owned()]),
            ..PersonFilter::default()
        },
        PersonFilter {
            nationality: Some(vec!["KOR".to_owned(), "RUS".to_owned(), "USA".to_owned()]),
            known_at: Some(until),
            ..PersonFilter::default()
        },
    ];
    let statements = Arc::new(AtomicUsize::new(0));
    let mut counted = app.db.clone();
    let seen = Arc::clone(&statements);
    counted.set_metric_callback(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    let mut nonzero = 0;
    for filter in filters {
        let reference = derived::filtered_trend_per_day(
            &app.db,
            &Presence::Present.list_filter(filter.clone()),
            days,
            until,
            tz,
        )
        .await
        .expect("the per-day trend");
        statements.store(0, Ordering::SeqCst);
        let trend = People::new(&counted, tz)
            .present_trend(&Principal::cli("test"), filter.clone(), days, until)
            .await
            .expect("the trend");
        assert_eq!(trend, reference, "{filter:?}");
        assert_eq!(trend.len(), 42);
        // One statement (and one to name the schema, when it reads what the hub knew).
        assert!(
            statements.load(Ordering::SeqCst) <= 2,
            "{} statements for {filter:?}",
            statements.load(Ordering::SeqCst)
        );
        nonzero += usize::from(trend.iter().any(|p| p.present > 0));
    }
    assert!(nonzero >= 4, "the filters find people on some days");
}
