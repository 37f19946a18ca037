//! The workbooks the hub hands out read back as they should.

mod common;

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use common::ok;
use importers::{
    IssueCode, REASON_HEADER, ROW_NUMBER_HEADER, RejectedRowOut, SourceKind, canonical_headers,
    rejections_xlsx, template_xlsx,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../tests/fixtures/daqing-2020-02/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn templates_read_back_as_their_kind() {
    for kind in SourceKind::ALL {
        let bytes = template_xlsx(kind).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        assert_eq!(
            wb.sheet_names(),
            vec![kind.label_zh().to_string(), "填表说明".to_string()]
        );
        let guide = wb.worksheet_range("填表说明").unwrap();
        assert!(guide.rows().count() >= 8);
        let first = wb.worksheet_range(kind.label_zh()).unwrap();
        let headers: Vec<String> = first
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(headers, canonical_headers(kind));

        for given in [Some(kind), None] {
            let up = ok(&bytes, "template.xlsx", given);
            assert_eq!(up.kind, kind);
            assert_eq!(up.header_row, 1);
            assert_eq!(up.data_rows(), 0);
        }
    }
}

#[test]
fn rejections_round_trip_and_can_be_fixed() {
    let up = ok(&fixture("police_visas.xlsx"), "police_visas.xlsx", None);
    let rejected: Vec<RejectedRowOut> = up.rejected_rows().map(RejectedRowOut::from_row).collect();
    assert_eq!(rejected.len(), 2);
    let bytes = rejections_xlsx(&up.headers, &rejected).unwrap();

    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..up.headers.len()], up.headers.as_slice());
    assert_eq!(header[up.headers.len()], ROW_NUMBER_HEADER);
    assert_eq!(header[up.headers.len() + 1], REASON_HEADER);
    let second: Vec<String> = range
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(second[up.headers.len()], "20");
    assert!(second[up.headers.len() + 1].contains("火星"), "{second:?}");

    // Re-uploaded as it is, the same rows are rejected for the same reasons.
    let again = ok(&bytes, "rejections.xlsx", None);
    assert_eq!(again.kind, SourceKind::VisaRegistry);
    assert_eq!(again.data_rows(), 2);
    assert_eq!(again.rejected(), 2);
    assert_eq!(
        again.rows[0].rejections()[0].code,
        IssueCode::UnknownNationality
    );
    assert_eq!(
        again.rows[1].rejections()[0].code,
        IssueCode::MissingDocumentNumber
    );

    // Fixed (nationality and passport number filled in), both rows are accepted.
    let nat = up.headers.iter().position(|h| h == "国籍").unwrap();
    let doc = up.headers.iter().position(|h| h == "护照号码").unwrap();
    let mut fixed = rejected.clone();
    fixed[0].cells[nat] = "俄罗斯".into();
    fixed[1].cells[doc] = "C1234567".into();
    let bytes = rejections_xlsx(&up.headers, &fixed).unwrap();
    let fixed_up = ok(&bytes, "fixed.xlsx", None);
    assert_eq!(fixed_up.accepted(), 2);
    assert_eq!(
        fixed_up.with_warnings(),
        1,
        "the impossible birth date is still reported"
    );
}

#[test]
fn sample_workbook_is_realistic_and_deterministic() {
    let a = ok(
        &devtools::sample::visa_registry_xlsx(300, 42).unwrap(),
        "sample.xlsx",
        None,
    );
    assert_eq!(a.kind, SourceKind::VisaRegistry);
    assert_eq!(a.header_row, 2);
    assert_eq!(a.data_rows(), 300);
    assert_eq!(a.accepted(), 300);
    assert_eq!(a.with_warnings(), 0);
    let nationalities: std::collections::HashSet<_> = a
        .records()
        .filter_map(|r| r.person())
        .map(|p| p.nationality.clone())
        .collect();
    assert!(nationalities.len() > 30, "{}", nationalities.len());
    let b = ok(
        &devtools::sample::visa_registry_xlsx(300, 42).unwrap(),
        "sample.xlsx",
        None,
    );
    let recs = |u: &importers::ParsedUpload| u.records().cloned().collect::<Vec<_>>();
    assert_eq!(recs(&a), recs(&b));
    let c = ok(
        &devtools::sample::visa_registry_xlsx(300, 43).unwrap(),
        "sample.xlsx",
        None,
    );
    assert_ne!(recs(&a), recs(&c));
}
