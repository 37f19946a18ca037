//! A synthetic city for `hub bench query`: people with visas, affiliations and movements,
//! landed through the hub's own landing code (as if units had uploaded them), so the
//! store has the shape and indexes of a real one.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use entity::member_unit;
use importers::SourceKind;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder, TransactionTrait};
use serde_json::json;

use crate::error::HubError;
use crate::ingest::facts::{AffiliationFact, DocumentFact, MovementFact, OrgRef, RowFacts};
use crate::ingest::land::{LandFile, LandRow, land};
use crate::registry::shown::PersonValues;

/// Rows per generated upload.
const BATCH: usize = 50_000;

/// Nationalities drawn from, the first ones more often.
const NATIONALITIES: [&str; 40] = [
    "KOR", "RUS", "USA", "JPN", "KAZ", "MYS", "FRA", "MNG", "NZL", "THA", "BRA", "GBR", "IDN",
    "IND", "KEN", "NLD", "CAN", "ITA", "MEX", "PAK", "VNM", "ZAF", "AUS", "BGD", "DEU", "EGY",
    "FIN", "KHM", "LAO", "NGA", "NPL", "SDN", "BLR", "ETH", "PHL", "TUR", "UKR", "GHA", "POL",
    "UZB",
];

const SURNAMES: [&str; 16] = [
    "KIM", "PARK", "IVANOV", "SMITH", "TANAKA", "NURLANOV", "MARTIN", "BATBAYAR", "SILVA", "KHAN",
    "NGUYEN", "MULLER", "ROSSI", "GARCIA", "OKAFOR", "SATO",
];
const GIVEN: [&str; 16] = [
    "MIN", "ANNA", "JOHN", "YUI", "ARMAN", "LEA", "TEMUULEN", "ANA", "ALI", "LINH", "FELIX",
    "GIULIA", "MARIA", "CHINEDU", "KEN", "SOFIA",
];

/// A small, seeded pseudo-random sequence (SplitMix64): the same city every run.
pub struct Rng(u64);

impl Rng {
    /// A sequence from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Picks from `items`, earlier ones more often.
    pub fn skewed<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let a = self.below(items.len() as u64);
        let b = self.below(items.len() as u64);
        &items[usize::try_from(a.min(b)).unwrap_or(0)]
    }
}

fn day(base: NaiveDate, offset: u64) -> NaiveDate {
    base + Duration::days(i64::try_from(offset).unwrap_or(0))
}

fn at(base: DateTime<Utc>, hours: u64) -> DateTime<Utc> {
    base + Duration::hours(i64::try_from(hours).unwrap_or(0))
}

/// One person's row of the police list, with an employer or school.
fn person_row(i: usize, rng: &mut Rng, organisations: usize) -> RowFacts {
    let nationality = (*rng.skewed(&NATIONALITIES)).to_owned();
    let name = format!(
        "{} {}",
        SURNAMES[usize::try_from(rng.below(16)).unwrap_or(0)],
        GIVEN[usize::try_from(rng.below(16)).unwrap_or(0)]
    );
    let birth = day(
        NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default(),
        rng.below(15_000),
    );
    let student = rng.below(3) == 0;
    let org = rng.below(organisations as u64);
    let valid_until = day(
        NaiveDate::from_ymd_opt(2019, 12, 1).unwrap_or_default(),
        rng.below(800),
    );
    RowFacts {
        identity: Some((format!("B{i:08}"), nationality)),
        values: PersonValues {
            latin_name: Some(name),
            sex: Some(if rng.below(2) == 0 { "M" } else { "F" }.to_owned()),
            birth_date: Some(birth),
            ..Default::default()
        },
        affiliation: Some(AffiliationFact {
            org: OrgRef::Named {
                name: if student {
                    format!("大庆第{org}学院")
                } else {
                    format!("大庆合成{org}科技有限公司")
                },
                kind: if student { "university" } else { "enterprise" },
            },
            role: if student { "student" } else { "employee" },
            since: None,
            until: None,
        }),
        documents: vec![DocumentFact {
            kind: "visa",
            number: None,
            passport_number: Some(format!("B{i:08}")),
            issuing_nationality: "CHN".to_owned(),
            category: Some(if student { "X1" } else { "Z" }.to_owned()),
            valid_until: Some(valid_until),
        }],
        ..Default::default()
    }
}

/// One arrival or departure of person `i`.
fn movement_row(i: usize, nationality: &str, rng: &mut Rng) -> RowFacts {
    let base = Utc
        .with_ymd_and_hms(2020, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    RowFacts {
        identity: Some((format!("B{i:08}"), nationality.to_owned())),
        movement: Some(MovementFact {
            direction: if rng.below(4) == 0 {
                "departure"
            } else {
                "arrival"
            },
            occurred_at: at(base, rng.below(24 * 60)),
            carrier_number: Some(format!("CZ{}", 6000 + rng.below(400))),
            origin: Some("上海".to_owned()),
            destination: Some("大庆".to_owned()),
        }),
        ..Default::default()
    }
}

async fn land_batch(
    db: &DatabaseConnection,
    unit: &member_unit::Model,
    kind: SourceKind,
    batch: usize,
    rows: Vec<RowFacts>,
) -> Result<(), HubError> {
    let rows: Vec<LandRow> = rows
        .into_iter()
        .enumerate()
        .map(|(n, facts)| LandRow {
            sheet: "Sheet1".to_owned(),
            row_number: u32::try_from(n + 3).unwrap_or(u32::MAX),
            raw: json!([facts.identity.as_ref().map(|i| i.0.clone())]),
            issues: json!([]),
            has_warnings: false,
            facts: Some(Box::new(facts)),
        })
        .collect();
    let file = LandFile {
        kind,
        file_name: format!("bench_{}_{batch}.xlsx", kind.as_str()),
        sha256: format!("bench-{}-{batch}", kind.as_str()),
        size_bytes: 0,
        format: "xlsx".to_owned(),
        sheet: "Sheet1".to_owned(),
        header_row: 2,
        headers: vec!["护照号码".to_owned()],
        uploaded_by: "bench".to_owned(),
        columns: json!({}),
    };
    let txn = db.begin().await?;
    land(&txn, unit, &file, &rows, Utc::now()).await?;
    txn.commit().await?;
    crate::ingest::statistics::refresh_after_landing(db, rows.len()).await;
    Ok(())
}

/// Lands a city of `people` people: a police-list row each (visa, employer or school),
/// and for about a third of them one or two arrivals or departures.
pub async fn generate(db: &DatabaseConnection, people: usize, seed: u64) -> Result<(), HubError> {
    let units = member_unit::Entity::find()
        .order_by_asc(member_unit::Column::Id)
        .all(db)
        .await?;
    let airport = units
        .iter()
        .find(|u| u.code == "airport")
        .cloned()
        .ok_or_else(|| HubError::Internal("the registry has no airport unit".to_owned()))?;
    let organisations = (people / 500).max(10);
    let mut rng = Rng::new(seed);
    let mut start = 0;
    let mut batch = 0;
    while start < people {
        let end = (start + BATCH).min(people);
        let rows: Vec<RowFacts> = (start..end)
            .map(|i| person_row(i, &mut rng, organisations))
            .collect();
        let mut moves: Vec<RowFacts> = Vec::new();
        for (n, facts) in rows.iter().enumerate() {
            if rng.below(3) != 0 {
                continue;
            }
            let nationality = facts
                .identity
                .as_ref()
                .map(|i| i.1.clone())
                .unwrap_or_default();
            for _ in 0..=rng.below(2) {
                moves.push(movement_row(start + n, &nationality, &mut rng));
            }
        }
        // Each batch is another unit's police-style list, so no list replaces another.
        let unit = &units[batch % units.len()];
        land_batch(db, unit, SourceKind::VisaRegistry, batch, rows).await?;
        land_batch(db, &airport, SourceKind::PassengerFlow, batch, moves).await?;
        tracing::info!(people = end, "bench city generated");
        start = end;
        batch += 1;
    }
    Ok(())
}
