//! Landing a file part by part (as large files land) gives the same store as landing it
//! in one go.

use crate::fixtures::{fixture_bytes, fixture_files, report_time, row_counts};
use crate::helpers::TestDatabase;
use chrono::Utc;
use hub::derived;
use hub::ingest::land::{Landing, RowTotals, land};
use hub::ingest::{find_unit, read};
use importers::{ReadOptions, read_upload};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder, TransactionTrait};

/// A passenger list naming one passenger twice, three parts apart, under two spellings.
const REPEATED_PASSENGER: &str = "日期时间,航班号,旅客姓名,国籍代码,证件号码,出发地,目的地,进出港
2020/02/01 10:00,MU5621,KIM/MIN,KOR,ZZ1234567,北京,大庆,进港
2020/02/01 10:00,MU5621,LEE/ANNA,KOR,ZZ7654321,北京,大庆,进港
2020/02/01 10:00,MU5621,PARK/JIN,KOR,ZZ5555555,北京,大庆,进港
2020/02/02 10:00,MU5622,LEE/ANNA,KOR,ZZ7654321,大庆,北京,出港
2020/02/03 10:00,MU5621,KIM/MINJI,KOR,ZZ1234567,北京,大庆,进港
2020/02/04 10:00,MU5622,PARK/JIN,KOR,ZZ5555555,大庆,北京,出港
";

/// Lands every fixture file and a generated passenger list, each in parts of `part` rows
/// (`None`: in one go).
async fn land_fixtures(db: &DatabaseConnection, part: Option<usize>) {
    let tz = chrono_tz::Asia::Shanghai;
    let mut files: Vec<(String, String, Vec<u8>)> = fixture_files()
        .into_iter()
        .map(|(name, unit, _)| (name.clone(), unit, fixture_bytes(&name)))
        .collect();
    files.push((
        "repeated_passenger.csv".to_owned(),
        "airport".to_owned(),
        REPEATED_PASSENGER.as_bytes().to_vec(),
    ));
    for (name, unit_code, bytes) in files {
        let parsed = read_upload(&bytes, &name, None, &ReadOptions::default()).expect("read");
        let unit = find_unit(db, &unit_code).await.expect("unit");
        let file = read::land_file(&parsed, &name, bytes.len(), "test");
        let totals = RowTotals {
            data: parsed.rows.len(),
            accepted: parsed.accepted(),
        };
        let rows = read::land_rows(parsed.rows, tz);
        let txn = db.begin().await.expect("begin");
        match part {
            None => {
                land(&txn, &unit, &file, &rows, Utc::now())
                    .await
                    .expect("land");
            }
            Some(size) => {
                let mut landing = Landing::begin(&txn, &unit, &file, totals, Utc::now())
                    .await
                    .expect("begin landing");
                for rows in rows.chunks(size) {
                    landing.land_rows(&txn, rows).await.expect("land part");
                }
            }
        }
        txn.commit().await.expect("commit");
    }
}

/// Every affiliation as (person, organisation, role, whether and by which upload it ended).
async fn affiliations(db: &DatabaseConnection) -> Vec<String> {
    let people: std::collections::HashMap<i64, String> = entity::person::Entity::find()
        .all(db)
        .await
        .expect("people")
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.document_number, p.nationality)))
        .collect();
    let mut all: Vec<String> = entity::affiliation::Entity::find()
        .all(db)
        .await
        .expect("affiliations")
        .into_iter()
        .map(|a| {
            format!(
                "{:?} {} {} {:?} {:?} {:?}",
                people.get(&a.person_id),
                a.organization_id,
                a.role,
                a.since,
                a.until.is_some(),
                a.ended_by_upload_id
            )
        })
        .collect();
    all.sort();
    all
}

/// Everyone as (document number, nationality, shown values, conflict flag), sorted.
async fn people(db: &DatabaseConnection) -> Vec<String> {
    let mut people: Vec<String> = entity::person::Entity::find()
        .order_by_asc(entity::person::Column::Id)
        .all(db)
        .await
        .expect("people")
        .into_iter()
        .map(|p| {
            format!(
                "{} {} {:?} {:?} {:?} {:?} {}",
                p.document_number,
                p.nationality,
                p.latin_name,
                p.chinese_name,
                p.sex,
                p.birth_date,
                p.has_conflicts
            )
        })
        .collect();
    people.sort();
    people
}

#[tokio::test]
async fn a_file_landed_in_parts_gives_the_same_store_as_in_one_go() {
    let whole_db = TestDatabase::new().await;
    let whole = whole_db.connect_migrated().await;
    land_fixtures(&whole, None).await;
    let parts_db = TestDatabase::new().await;
    let parts = parts_db.connect_migrated().await;
    land_fixtures(&parts, Some(3)).await;

    assert_eq!(row_counts(&parts).await, row_counts(&whole).await);
    let everyone = people(&whole).await;
    assert!(
        everyone.len() > 100,
        "the fixtures name {} people",
        everyone.len()
    );
    assert_eq!(people(&parts).await, everyone);
    let twice = everyone
        .iter()
        .find(|p| p.starts_with("ZZ1234567 KOR"))
        .expect("the repeated passenger");
    assert!(
        twice.ends_with("true"),
        "two spellings are a conflict: {twice}"
    );
    assert_eq!(affiliations(&parts).await, affiliations(&whole).await);
    let merges = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            entity::pending_merge::Entity::find()
                .all(&db)
                .await
                .expect("merges")
                .len()
        }
    };
    assert_eq!(merges(&parts).await, merges(&whole).await);
    let tz = chrono_tz::Asia::Shanghai;
    assert_eq!(
        derived::overview(&parts, report_time(), tz)
            .await
            .expect("overview"),
        derived::overview(&whole, report_time(), tz)
            .await
            .expect("overview")
    );
}
