//! Every fixture file of tests/fixtures/daqing-2020-02 checked against expected.json ("files"):
//! kind (detected and given), header row, counts and the rejected rows' numbers, columns and codes.

use std::path::PathBuf;

use importers::{IssueCode, ParsedUpload, ReadOptions, Record, SourceKind, read_upload};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/daqing-2020-02")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn parse(name: &str, kind: Option<SourceKind>) -> ParsedUpload {
    let bytes = std::fs::read(fixtures_dir().join(name)).unwrap();
    read_upload(&bytes, name, kind, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The issues an expected reason describes: (column, code), e.g. "missing passport number (and
/// invalid date '1990-13-45' in 出生日期)" → the missing number, then the invalid date.
fn expected_issues(column: &str, reason: &str) -> Vec<(String, IssueCode, Option<String>)> {
    let main = if reason.starts_with("unknown nationality") {
        IssueCode::UnknownNationality
    } else if reason.starts_with("missing passport") || reason.starts_with("missing document") {
        IssueCode::MissingDocumentNumber
    } else if reason.starts_with("missing nationality") {
        IssueCode::MissingNationality
    } else {
        panic!("unmapped reason {reason}")
    };
    let value = reason
        .split('\'')
        .nth(1)
        .filter(|_| main == IssueCode::UnknownNationality);
    let mut out = vec![(column.to_string(), main, value.map(str::to_string))];
    if let Some(pos) = reason.find("invalid date '") {
        let rest = &reason[pos + "invalid date '".len()..];
        let (value, rest) = rest.split_once('\'').unwrap();
        let col = rest
            .trim()
            .trim_start_matches("in ")
            .trim_end_matches(')')
            .trim();
        out.push((
            col.to_string(),
            IssueCode::InvalidDate,
            Some(value.to_string()),
        ));
    }
    out
}

#[test]
fn every_fixture_matches_expected_json() {
    let expected = expected();
    let files = expected["files"].as_object().unwrap();
    assert_eq!(files.len(), 8);
    for (name, want) in files {
        let want_kind: SourceKind = want["kind"].as_str().unwrap().parse().unwrap();
        for given in [None, Some(want_kind)] {
            let up = parse(name, given);
            let ctx = format!("{name} (kind given: {given:?})");
            assert_eq!(up.kind, want_kind, "{ctx}");
            assert_eq!(
                u64::from(up.header_row),
                want["header_row"].as_u64().unwrap(),
                "{ctx}: header row"
            );
            assert_eq!(
                up.data_rows() as u64,
                want["data_rows"].as_u64().unwrap(),
                "{ctx}: data rows"
            );
            assert_eq!(
                up.accepted() as u64,
                want["accepted"].as_u64().unwrap(),
                "{ctx}: accepted"
            );
            let rejected = want["rejected"].as_array().unwrap();
            assert_eq!(up.rejected(), rejected.len(), "{ctx}: rejected");
            let got: Vec<_> = up.rejected_rows().collect();
            for (row, want_row) in got.iter().zip(rejected) {
                assert_eq!(
                    u64::from(row.row),
                    want_row["row"].as_u64().unwrap(),
                    "{ctx}"
                );
                let issues = row.rejections();
                let wanted = expected_issues(
                    want_row["column"].as_str().unwrap(),
                    want_row["reason"].as_str().unwrap(),
                );
                assert_eq!(
                    issues.len(),
                    wanted.len(),
                    "{ctx} row {}: {issues:?}",
                    row.row
                );
                for (issue, (column, code, value)) in issues.iter().zip(&wanted) {
                    assert_eq!(
                        issue.column.as_deref(),
                        Some(column.as_str()),
                        "{ctx} row {}",
                        row.row
                    );
                    assert_eq!(issue.code, *code, "{ctx} row {}", row.row);
                    if let Some(v) = value {
                        assert_eq!(&issue.value, v, "{ctx} row {}", row.row);
                    }
                    assert!(!issue.reason.is_empty());
                }
                assert_eq!(row.sheet, up.sheet);
            }
            for row in &up.rows {
                assert_eq!(row.raw.len(), up.headers.len(), "{ctx} row {}", row.row);
                if let Some(p) = row.record().and_then(Record::person) {
                    assert!(importers::countries::by_alpha3(&p.nationality).is_some());
                    assert!(!p.document_number.is_empty());
                    assert!(p.document_number.bytes().all(|b| b.is_ascii_alphanumeric()));
                }
            }
            assert_eq!(up.sha256.len(), 64);
        }
    }
}

#[test]
fn police_visas_details() {
    let up = parse("police_visas.xlsx", None);
    let rec = |row: u32| up.rows.iter().find(|r| r.row == row).unwrap();
    // Row 3: a Pakistani sharing a passport number with a Korean (row 4).
    let Some(Record::VisaRegistry(r3)) = rec(3).record() else {
        panic!()
    };
    let Some(Record::VisaRegistry(r4)) = rec(4).record() else {
        panic!()
    };
    assert_eq!(r3.person.document_number, "M99826306");
    assert_eq!(r3.person.nationality, "PAK");
    assert_eq!(r4.person.nationality, "KOR");
    assert_eq!(r3.person.latin_name.as_deref(), Some("HUSSAIN AYESHA"));
    assert_eq!(r3.person.sex, Some(importers::Sex::Female));
    assert_eq!(r3.person.birth_date.unwrap().to_string(), "1980-08-10");
    assert_eq!(
        r3.organization.as_deref(),
        Some("大庆环球化妆品容器(中国)有限公司")
    );
    assert_eq!(r3.visa_type.as_deref(), Some("Z"));
    // Long Chinese names are recognised.
    let nat = |row: u32| {
        rec(row)
            .record()
            .and_then(Record::person)
            .unwrap()
            .nationality
            .clone()
    };
    assert_eq!(nat(17), "KOR"); // 大韩民国
    assert_eq!(nat(33), "LAO"); // 老挝人民民主共和国
    assert_eq!(nat(100), "RUS"); // 俄罗斯联邦
    // The overstayer.
    let overstayer = up
        .records()
        .filter_map(|r| match r {
            Record::VisaRegistry(v) => Some(v),
            _ => None,
        })
        .find(|v| v.person.document_number == "A90260883")
        .unwrap();
    assert_eq!(overstayer.person.nationality, "ZAF");
    assert_eq!(
        overstayer.visa_valid_until.unwrap().to_string(),
        "2020-01-10"
    );
    // The rejected row keeps its cells as displayed.
    let r58 = rec(58);
    assert!(
        r58.raw
            .contains(&("出生日期".to_string(), "1990-13-45".to_string()))
    );
    assert!(r58.raw.contains(&("护照号码".to_string(), String::new())));
    assert_eq!(up.sheet, "Sheet1");
    assert_eq!(up.headers.len(), 12);
}

#[test]
fn other_fixtures_normalise_values() {
    let csv = parse("airport_passengers.csv", None);
    assert_eq!(csv.encoding, Some("gb18030"));
    let first = match csv.rows[0].record() {
        Some(Record::PassengerFlow(p)) => p.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(first.person.document_number, "TK2542833");
    assert_eq!(first.person.latin_name.as_deref(), Some("TAKAHASHI YUI"));
    assert_eq!(first.at.to_rfc3339(), "2019-12-25T22:00:00+08:00");
    assert_eq!(first.direction, Some(importers::Direction::Arrival));
    assert_eq!(first.carrier_number.as_deref(), Some("MU5621"));
    let departures = csv
        .records()
        .filter(|r| matches!(r, Record::PassengerFlow(p) if p.direction == Some(importers::Direction::Departure)))
        .count();
    assert!(departures > 5);

    let xls = parse("soe_foreign_staff.xls", None);
    match xls.rows[0].record() {
        Some(Record::EmploymentRoster(e)) => {
            assert_eq!(e.employer.as_deref(), Some("大庆油田"));
            assert_eq!(e.hired_on.unwrap().to_string(), "2015-05-20");
            assert_eq!(e.phone.as_deref(), Some("13239936417"));
        }
        other => panic!("{other:?}"),
    }

    let ods = parse("tourism_guests.ods", None);
    match ods.rows.last().unwrap().record() {
        Some(Record::LodgingRegister(l)) => {
            assert_eq!(l.check_in.unwrap().date().to_string(), "2020-01-24");
            assert_eq!(l.check_out.unwrap().date().to_string(), "2020-01-26");
        }
        other => panic!("{other:?}"),
    }

    let health = parse("police_health_checks.xlsx", None);
    match health.rows[0].record() {
        Some(Record::HealthCheck(h)) => {
            assert_eq!(h.temperature, Some(36.3));
            assert_eq!(h.checked_at.date().to_string(), "2020-02-07");
            assert_eq!(h.person.nationality, "ZAF");
        }
        other => panic!("{other:?}"),
    }

    let nepu = parse("nepu_roster.xlsx", None);
    match nepu.rows[3].record() {
        Some(Record::UniversityRoster(u)) => {
            assert_eq!(u.person.document_number, "B3066212");
            assert_eq!(u.person.nationality, "IDN");
            assert_eq!(u.member_type, Some(importers::MemberType::Student));
        }
        other => panic!("{other:?}"),
    }

    let hitech = parse("hitech_foreign_staff.xlsx", None);
    let docs: Vec<String> = hitech
        .records()
        .filter_map(|r| r.person())
        .map(|p| p.document_number.clone())
        .collect();
    assert!(
        docs.contains(&"AA1306938".to_string()),
        "full-width number normalised"
    );
    assert!(docs.contains(&"N4885396".to_string()), "hyphen dropped");
}
