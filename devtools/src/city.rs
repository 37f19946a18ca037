//! A synthetic city of any size for `hub bench city` and `hub bench query`: people on a
//! police visa list (a visa, an employer or school) and, for about a third of them, one or
//! two arrivals or departures. It is generated as the importers' own records, so whoever
//! lands it (the benchmark directly, a test through workbooks) stores what an upload of the
//! same rows would store.
//!
//! The same seed gives the same city: a [`SplitMix`] sequence, drawn in a fixed order.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use importers::{Direction, PassengerRecord, PersonFields, Sex, VisaRecord};

use crate::demo::book::{self, Cell, Table};
use crate::rng::SplitMix;
use crate::{AIRPORT_HEADERS, DevError, POLICE_LIST_HEADERS};

/// People per batch (one police list and one passenger list each).
pub const BATCH: usize = 50_000;

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

/// The city's clock: China Standard Time (UTC+8).
fn city_time() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

fn day(base: NaiveDate, offset: usize) -> NaiveDate {
    base + Duration::days(i64::try_from(offset).unwrap_or(0))
}

/// Document number of the `i`-th person.
fn document_number(i: usize) -> String {
    format!("B{i:08}")
}

/// One person's row of the police list, with an employer or school.
fn person_row(i: usize, rng: &mut SplitMix, organisations: usize) -> VisaRecord {
    let nationality = (*rng.skewed(&NATIONALITIES)).to_owned();
    let name = format!("{} {}", SURNAMES[rng.below(16)], GIVEN[rng.below(16)]);
    let birth = day(
        NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default(),
        rng.below(15_000),
    );
    let student = rng.below(3) == 0;
    let org = rng.below(organisations);
    let valid_until = day(
        NaiveDate::from_ymd_opt(2019, 12, 1).unwrap_or_default(),
        rng.below(800),
    );
    let sex = if rng.below(2) == 0 {
        Sex::Male
    } else {
        Sex::Female
    };
    VisaRecord {
        person: PersonFields {
            document_number: document_number(i),
            nationality,
            latin_name: Some(name),
            chinese_name: None,
            sex: Some(sex),
            birth_date: Some(birth),
        },
        visa_type: Some(if student { "X1" } else { "Z" }.to_owned()),
        visa_valid_until: Some(valid_until),
        organization: Some(if student {
            format!("大庆第{org}学院")
        } else {
            format!("大庆合成{org}科技有限公司")
        }),
        address: None,
        note: None,
    }
}

/// One arrival or departure of the `i`-th person.
fn movement_row(i: usize, nationality: &str, rng: &mut SplitMix) -> PassengerRecord {
    let base = Utc
        .with_ymd_and_hms(2020, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let direction = if rng.below(4) == 0 {
        Direction::Departure
    } else {
        Direction::Arrival
    };
    let hours = i64::try_from(rng.below(24 * 60)).unwrap_or(0);
    let at: DateTime<FixedOffset> = (base + Duration::hours(hours)).with_timezone(&city_time());
    PassengerRecord {
        person: PersonFields {
            document_number: document_number(i),
            nationality: nationality.to_owned(),
            latin_name: None,
            chinese_name: None,
            sex: None,
            birth_date: None,
        },
        at,
        carrier_number: Some(format!("CZ{}", 6000 + rng.below(400))),
        origin: Some("上海".to_owned()),
        destination: Some("大庆".to_owned()),
        direction: Some(direction),
    }
}

/// One batch of the city: a police list and the airport's list of the same people.
#[derive(Debug, Clone)]
pub struct CityBatch {
    /// The batch's number, from 0.
    pub index: usize,
    /// The police list's rows.
    pub people: Vec<VisaRecord>,
    /// The airport's rows about them.
    pub movements: Vec<PassengerRecord>,
}

/// The city of `people` people in batches of [`BATCH`], generated as they are taken.
pub fn batches(people: usize, seed: u64) -> impl Iterator<Item = CityBatch> {
    let organisations = (people / 500).max(10);
    let mut rng = SplitMix::new(seed);
    (0..people.div_ceil(BATCH)).map(move |index| {
        let start = index * BATCH;
        let end = (start + BATCH).min(people);
        let rows: Vec<VisaRecord> = (start..end)
            .map(|i| person_row(i, &mut rng, organisations))
            .collect();
        let mut movements = Vec::new();
        for (n, row) in rows.iter().enumerate() {
            if rng.below(3) != 0 {
                continue;
            }
            for _ in 0..=rng.below(2) {
                movements.push(movement_row(start + n, &row.person.nationality, &mut rng));
            }
        }
        CityBatch {
            index,
            people: rows,
            movements,
        }
    })
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|h| (*h).to_owned()).collect()
}

impl CityBatch {
    /// The police list as a workbook a unit would upload.
    ///
    /// # Errors
    /// [`DevError::Workbook`] if the workbook cannot be written.
    pub fn police_list_xlsx(&self) -> Result<Vec<u8>, DevError> {
        let rows = self
            .people
            .iter()
            .enumerate()
            .map(|(n, r)| {
                let sex = match r.person.sex {
                    Some(Sex::Male) => "男",
                    Some(Sex::Female) => "女",
                    None => "",
                };
                vec![
                    Cell::Number((n + 1) as f64),
                    Cell::from(r.person.chinese_name.clone()),
                    Cell::from(r.person.latin_name.clone()),
                    Cell::from(sex),
                    Cell::from(r.person.nationality.as_str()),
                    r.person.birth_date.map_or(Cell::Empty, Cell::Date),
                    Cell::from(r.person.document_number.as_str()),
                    Cell::from(r.visa_type.clone()),
                    r.visa_valid_until.map_or(Cell::Empty, Cell::Date),
                    Cell::from(r.organization.clone()),
                    Cell::from(r.address.clone()),
                    Cell::from(r.note.clone()),
                ]
            })
            .collect();
        book::xlsx(&Table {
            sheet: "签证登记".to_owned(),
            title: format!(
                "大庆市在住外国人签证登记表（生成城市第{}批）",
                self.index + 1
            ),
            headers: headers(&POLICE_LIST_HEADERS),
            rows,
            ..Table::default()
        })
    }

    /// The airport's list of arrivals and departures as a workbook, times in the city's
    /// clock.
    ///
    /// # Errors
    /// [`DevError::Workbook`] if the workbook cannot be written.
    pub fn passenger_list_xlsx(&self) -> Result<Vec<u8>, DevError> {
        let rows = self
            .movements
            .iter()
            .map(|r| {
                let direction = match r.direction {
                    Some(Direction::Arrival) => "进港",
                    Some(Direction::Departure) => "出港",
                    None => "",
                };
                vec![
                    Cell::DateTime(r.at.naive_local()),
                    Cell::from(r.carrier_number.clone()),
                    Cell::from(r.person.latin_name.clone()),
                    Cell::from(r.person.nationality.as_str()),
                    Cell::from(r.person.document_number.as_str()),
                    Cell::from(r.origin.clone()),
                    Cell::from(r.destination.clone()),
                    Cell::from(direction),
                ]
            })
            .collect();
        book::xlsx(&Table {
            sheet: "旅客".to_owned(),
            title: format!(
                "萨尔图机场境外旅客进出港记录（生成城市第{}批）",
                self.index + 1
            ),
            headers: headers(&AIRPORT_HEADERS),
            rows,
            ..Table::default()
        })
    }
}
