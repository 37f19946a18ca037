//! Files as units write them, in spellings nobody listed: decorated, shuffled, mixed-language
//! headers and unknown columns give the same city; an employer column under an unseen
//! spelling is read or reported, and a mapping the unit confirms once is applied to its next
//! file; the kind comes from the uploading unit; rosters are dated by the file and an older
//! roster ends nothing newer.

use crate::fixtures::{
    check_city_of, check_figures, fixture_bytes, fixture_files, import_bytes, upload_request,
};
use crate::helpers::TestDatabase;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entity::{affiliation, person};
use hub::derived;
use hub::ingest::{ImportReport, ImportRequest, ImportStatus, import_file};
use importers::{ColumnOverride, ReadOptions, SourceKind, UNMAPPED_COLUMN};
use rust_xlsxwriter::Workbook;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// A small deterministic generator (xorshift), so that a failing seed reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

/// Headers that name nothing the hub reads, with values.
const UNKNOWN: &[(&str, [&str; 2])] = &[
    ("照片", ["已拍", "未拍"]),
    ("Hobby", ["chess", "football"]),
    ("微信号", ["wx_abc", "wx_def"]),
];

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A header decorated one of five ways; `english` is an English spelling of its field.
fn decorate(header: &str, english: Option<&str>, way: usize, position: usize) -> String {
    match (way % 5, english) {
        (0, _) => format!("{}. {header}", position + 1),
        (1, _) => format!("*{header}"),
        (2, _) => format!("{header}（必填）"),
        (3, Some(en)) => format!("{header}/{en}"),
        (3, None) => format!("{header}（请填写）"),
        (_, Some(en)) => full_width(&en.to_uppercase()),
        (_, None) => format!(" {} ", full_width(header)),
    }
}

/// A table as text cells: headers and rows.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A fixture file as the hub reads it: every header and every data row's texts.
    fn of_fixture(name: &str) -> (Self, SourceKind, Vec<Option<String>>) {
        let bytes = fixture_bytes(name);
        let parsed = importers::read_upload(&bytes, name, None, &ReadOptions::default())
            .expect("the fixture reads");
        let fields = parsed.columns.iter().map(|c| c.field.clone()).collect();
        let table = Self {
            headers: parsed.headers.clone(),
            rows: parsed
                .rows
                .iter()
                .map(|r| r.raw.iter().map(|(_, v)| v.clone()).collect())
                .collect(),
        };
        (table, parsed.kind, fields)
    }

    /// The table as an xlsx, with a title row above the header when given.
    fn xlsx(&self, title: Option<&str>) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let mut row = 0u32;
        if let Some(title) = title {
            sheet.write_string(0, 0, title).expect("title");
            row = 1;
        }
        for (c, h) in self.headers.iter().enumerate() {
            sheet
                .write_string(row, u16::try_from(c).expect("column"), h)
                .expect("header");
        }
        for (r, cells) in self.rows.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                if !v.is_empty() {
                    let at = row + 1 + u32::try_from(r).expect("row");
                    sheet
                        .write_string(at, u16::try_from(c).expect("column"), v)
                        .expect("cell");
                }
            }
        }
        book.save_to_buffer().expect("workbook")
    }
}

/// A fixture rewritten as a unit might have written it: every header decorated, some in
/// English, columns shuffled and unknown columns added. Returns the bytes and the unknown
/// headers added.
fn respelled(name: &str, rng: &mut Rng) -> (Vec<u8>, Vec<String>) {
    let (table, kind, fields) = Table::of_fixture(name);
    let mut columns: Vec<(String, Vec<String>)> = Vec::new();
    for (i, header) in table.headers.iter().enumerate() {
        let english = fields[i].as_deref().and_then(|field| {
            let spellings: Vec<&str> = importers::field_synonyms(kind, field)
                .into_iter()
                .filter(|s| s.is_ascii() && s.len() > 2)
                .collect();
            (!spellings.is_empty()).then(|| spellings[rng.below(spellings.len())])
        });
        let decorated = decorate(header, english, rng.below(5), i);
        let values = table.rows.iter().map(|r| r[i].clone()).collect();
        columns.push((decorated, values));
    }
    let mut unknown = Vec::new();
    for (header, values) in UNKNOWN.iter().take(1 + rng.below(UNKNOWN.len())) {
        let values = (0..table.rows.len())
            .map(|r| values[r % 2].to_owned())
            .collect();
        columns.push(((*header).to_owned(), values));
        unknown.push((*header).to_owned());
    }
    for i in (1..columns.len()).rev() {
        columns.swap(i, rng.below(i + 1));
    }
    let rewritten = Table {
        headers: columns.iter().map(|(h, _)| h.clone()).collect(),
        rows: (0..table.rows.len())
            .map(|r| columns.iter().map(|(_, v)| v[r].clone()).collect())
            .collect(),
    };
    (rewritten.xlsx(Some("外籍人员名单")), unknown)
}

#[tokio::test]
async fn respelled_shuffled_files_with_unknown_columns_give_the_same_city() {
    for seed in [0x9e37_79b9_7f4a_7c15_u64, 0x2545_f491_4f6c_dd1d] {
        let mut rng = Rng(seed);
        let mut files = Vec::new();
        let mut unknown_of = Vec::new();
        for (name, unit, _) in fixture_files() {
            let (bytes, unknown) = respelled(&name, &mut rng);
            files.push((format!("{name}.xlsx"), unit, bytes));
            unknown_of.push(unknown);
        }
        let reports = check_city_of(&files).await;
        for (report, unknown) in reports.iter().zip(&unknown_of) {
            let mut warned: Vec<String> = report
                .warnings
                .iter()
                .filter(|w| w.code == UNMAPPED_COLUMN)
                .filter_map(|w| w.column.clone())
                .collect();
            warned.sort();
            let mut want = unknown.clone();
            want.sort();
            assert_eq!(warned, want, "seed {seed:x}, {}: {report:#?}", report.file);
            for warning in &report.warnings {
                assert_eq!(warning.samples.len(), 2, "{warning:?}");
                assert_eq!(warning.likely, None, "{warning:?}");
            }
        }
    }
}

/// The hi-tech zone's staff list with its employer column under another header.
fn staff_list_with_employer_header(header: &str, reversed: bool) -> Vec<u8> {
    let (mut table, _, fields) = Table::of_fixture("hitech_foreign_staff.xlsx");
    let column = fields
        .iter()
        .position(|f| f.as_deref() == Some("employer"))
        .expect("the fixture has an employer column");
    table.headers[column] = header.to_owned();
    if reversed {
        table.rows.reverse();
    }
    table.xlsx(Some("在庆外籍人员工作信息"))
}

#[tokio::test]
async fn an_employer_column_under_an_unseen_spelling_is_read_or_reported_never_ignored() {
    for header in [
        "就职企业（全称）",
        "Employing Firm",
        "所在工作机构",
        "雇用方/Company",
        "所属实体",
        "甲方",
    ] {
        let bytes = staff_list_with_employer_header(header, false);
        let options = ReadOptions {
            preferred_kinds: importers::typical_kinds("government").to_vec(),
            ..ReadOptions::default()
        };
        let parsed =
            importers::read_upload(&bytes, "staff.xlsx", None, &options).expect("the file reads");
        assert_eq!(parsed.kind, SourceKind::EmploymentRoster, "{header}");
        let note = parsed
            .columns
            .iter()
            .find(|c| c.header == header)
            .expect("every header has a note");
        let read = note.field.as_deref() == Some("employer");
        let reported = parsed.notes.iter().any(|w| {
            w.code == UNMAPPED_COLUMN
                && w.column.as_deref() == Some(header)
                && w.likely.as_deref() == Some("LIKELY_EMPLOYER")
                && w.samples.len() == 2
        });
        assert!(read || reported, "{header}: {note:?} {:?}", parsed.notes);
    }
}

async fn import_with(
    db: &DatabaseConnection,
    unit: &str,
    name: &str,
    bytes: Vec<u8>,
    overrides: &[&str],
    dry_run: bool,
) -> ImportReport {
    let request = ImportRequest {
        dry_run,
        column_overrides: overrides
            .iter()
            .map(|o| o.parse::<ColumnOverride>().expect("header=field"))
            .collect(),
        ..upload_request(unit, name, bytes)
    };
    import_file(db, request, ReadOptions::default())
        .await
        .expect("import runs")
}

#[tokio::test]
async fn a_mapping_confirmed_once_gives_the_right_city_and_is_applied_to_the_next_file() {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    for (name, unit, _) in fixture_files() {
        if name != "hitech_foreign_staff.xlsx" {
            let report = import_bytes(&db, &name, &unit, fixture_bytes(&name)).await;
            assert_eq!(report.status, ImportStatus::Imported, "{name}");
        }
    }
    let header = "所属实体";
    let bytes = staff_list_with_employer_header(header, false);
    // Unconfirmed, the column is reported and would be ignored.
    let dry = import_with(&db, "hitech", "staff.xlsx", bytes.clone(), &[], true).await;
    assert!(
        dry.warnings
            .iter()
            .any(|w| w.likely.as_deref() == Some("LIKELY_EMPLOYER")),
        "{:?}",
        dry.warnings
    );
    // Confirmed in a dry run, then landed: the mapping is saved for these headers.
    let map = [format!("{header}=employer")];
    let map: Vec<&str> = map.iter().map(String::as_str).collect();
    let dry = import_with(&db, "hitech", "staff.xlsx", bytes.clone(), &map, true).await;
    assert!(dry.warnings.is_empty(), "{:?}", dry.warnings);
    let landed = import_with(&db, "hitech", "staff.xlsx", bytes, &map, false).await;
    assert_eq!(landed.status, ImportStatus::Imported, "{landed:?}");
    check_figures(&db).await;
    // The unit's next file with the same headers (another order of rows) needs no mapping.
    let next = staff_list_with_employer_header(header, true);
    let report = import_with(&db, "hitech", "staff-next.xlsx", next, &[], false).await;
    assert_eq!(report.status, ImportStatus::Imported, "{report:?}");
    assert!(report.saved_mapping, "{report:?}");
    let employer = report
        .columns
        .iter()
        .find(|c| c.header == header)
        .and_then(|c| c.field.as_deref());
    assert_eq!(employer, Some("employer"));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    check_figures(&db).await;
    // Another unit's file with the same headers is not read with it.
    let other = staff_list_with_employer_header(header, false);
    let dry = import_with(&db, "commerce", "staff.xlsx", other, &[], true).await;
    assert!(!dry.saved_mapping);
}

#[tokio::test]
async fn the_uploading_unit_decides_between_kinds_that_fit_alike() {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    let table = Table {
        headers: [
            "No.",
            "Name",
            "Nationality",
            "Passport No.",
            "Major",
            "College",
            "Status",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: vec![
            [
                "1",
                "KIM MINJUN",
                "Korea",
                "M1234567",
                "Medicine",
                "School of Medicine",
                "在校",
            ]
            .map(str::to_owned)
            .to_vec(),
        ],
    };
    let bytes = table.xlsx(None);
    for (unit, kind) in [
        ("nepu", SourceKind::UniversityRoster),
        ("education", SourceKind::StudentRoster),
    ] {
        let report = import_with(&db, unit, "roster.xlsx", bytes.clone(), &[], true).await;
        assert_eq!(report.status, ImportStatus::DryRun, "{unit}: {report:?}");
        assert_eq!(report.kind.as_deref(), Some(kind.as_str()), "{unit}");
    }
}

/// A police visa list dated `day` in its title, of people (passport, name, work unit).
pub(crate) fn visa_list(day: &str, people: &[(&str, &str, &str)]) -> Vec<u8> {
    let table = Table {
        headers: [
            "序号",
            "英文姓名",
            "国籍",
            "护照号码",
            "签证种类",
            "签证有效期至",
            "工作/学习单位",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: people
            .iter()
            .enumerate()
            .map(|(i, (passport, name, unit))| {
                vec![
                    (i + 1).to_string(),
                    (*name).to_owned(),
                    "韩国".to_owned(),
                    (*passport).to_owned(),
                    "Z".to_owned(),
                    "2021-12-31".to_owned(),
                    (*unit).to_owned(),
                ]
            })
            .collect(),
    };
    table.xlsx(Some(&format!("大庆常驻外籍人员签证情况（截至{day}）")))
}

fn local_midnight(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("date"),
        )
        .single()
        .expect("one instant")
        .with_timezone(&Utc)
}

/// The affiliations of a person, as (organisation id, until).
async fn affiliations_of(
    db: &DatabaseConnection,
    passport: &str,
) -> (i64, Vec<(i64, Option<DateTime<Utc>>)>) {
    let p = person::Entity::find()
        .filter(person::Column::DocumentNumber.eq(passport))
        .one(db)
        .await
        .expect("query")
        .expect("person known");
    let rows = affiliation::Entity::find()
        .filter(affiliation::Column::PersonId.eq(p.id))
        .all(db)
        .await
        .expect("query");
    (
        p.id,
        rows.into_iter()
            .map(|a| (a.organization_id, a.until))
            .collect(),
    )
}

async fn managing_at(db: &DatabaseConnection, person_id: i64, at: DateTime<Utc>) -> Option<i64> {
    let statuses = derived::statuses(db, &[person_id], at, chrono_tz::Asia::Shanghai)
        .await
        .expect("status");
    statuses[&person_id].managing_organization_id
}

#[tokio::test]
async fn rosters_are_dated_by_the_file_and_an_older_roster_ends_nothing_newer() {
    let test_db = TestDatabase::new().await;
    let db = test_db.connect_migrated().await;
    let a = ("M1000001", "KIM A", "大庆甲公司");
    let b = ("M1000002", "LEE B", "大庆乙公司");
    let c = ("M1000003", "PARK C", "大庆丙公司");
    let d = ("M1000004", "CHOI D", "大庆丁公司");
    let first = import_with(
        &db,
        "police",
        "v0210.xlsx",
        visa_list("2020年2月10日", &[a, c]),
        &[],
        false,
    )
    .await;
    assert_eq!(first.stated_date, NaiveDate::from_ymd_opt(2020, 2, 10));
    assert_eq!(first.as_of, Some(local_midnight(2020, 2, 10)));

    // The newer list, first as a dry run: it would end C's affiliation, and nothing lands.
    let newer = visa_list("2020年2月16日", &[a, b]);
    let dry = import_with(&db, "police", "v0216.xlsx", newer.clone(), &[], true).await;
    let roster = dry.roster.clone().expect("a roster report");
    assert_eq!(roster.ends, 1, "{roster:?}");
    assert_eq!(roster.ending[0].name.as_deref(), Some(c.1));
    assert_eq!(roster.ending[0].organization, c.2);
    let (c_id, c_affiliations) = affiliations_of(&db, c.0).await;
    assert!(
        c_affiliations.iter().all(|(_, until)| until.is_none()),
        "a dry run ends nothing"
    );

    let landed = import_with(&db, "police", "v0216.xlsx", newer, &[], false).await;
    let roster = landed.roster.clone().expect("a roster report");
    assert_eq!(roster.ends, 1);
    assert!(roster.stated);
    let (_, c_affiliations) = affiliations_of(&db, c.0).await;
    assert_eq!(
        c_affiliations.iter().map(|(_, u)| *u).collect::<Vec<_>>(),
        vec![Some(local_midnight(2020, 2, 16))],
        "ended as of the date the file states, not its upload"
    );

    // An older list uploaded late adds its history and ends nothing newer.
    let late = import_with(
        &db,
        "police",
        "v0212.xlsx",
        visa_list("2020年2月12日", &[a, b, c, d]),
        &[],
        false,
    )
    .await;
    let roster = late.roster.clone().expect("a roster report");
    assert_eq!(roster.newer_list_as_of, Some(local_midnight(2020, 2, 16)));
    assert_eq!(roster.ends, 0, "{roster:?}");
    let (b_id, b_affiliations) = affiliations_of(&db, b.0).await;
    assert!(
        b_affiliations.iter().any(|(_, until)| until.is_none()),
        "B stays on the newest list: {b_affiliations:?}"
    );
    let (d_id, d_affiliations) = affiliations_of(&db, d.0).await;
    assert_eq!(
        d_affiliations.iter().map(|(_, u)| *u).collect::<Vec<_>>(),
        vec![Some(local_midnight(2020, 2, 16))],
        "D, only on the older list, is gone by the newer one"
    );
    // C: with the unit between 02-10 and 02-16, no longer after.
    let mid = local_midnight(2020, 2, 14);
    let after = local_midnight(2020, 2, 17);
    let c_org = c_affiliations.first().map(|(org, _)| *org);
    assert_eq!(managing_at(&db, c_id, mid).await, c_org);
    assert_ne!(managing_at(&db, c_id, after).await, c_org);
    assert_ne!(
        managing_at(&db, d_id, after).await,
        managing_at(&db, d_id, mid).await
    );
    assert!(managing_at(&db, b_id, after).await.is_some());
}
