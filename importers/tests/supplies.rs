//! The supplies fixtures (tests/fixtures/supplies-2020-02) read against expected.json
//! ("files"): kind detected from the headers, header row, counts and the rejected rows with
//! their codes; and registers written other ways than the fixtures.

use std::path::PathBuf;

use importers::supplies::{ContractState, DonationState};
use importers::{IssueCode, ParsedUpload, ReadOptions, Record, SourceKind, read_upload};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/supplies-2020-02")
}

fn parse_bytes(bytes: &[u8], name: &str) -> ParsedUpload {
    read_upload(bytes, name, None, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The code an expected reason names.
fn code_of(reason: &str) -> IssueCode {
    if reason.starts_with("unknown item") {
        IssueCode::UnknownItem
    } else if reason.starts_with("quantity") {
        IssueCode::InvalidQuantity
    } else if reason.starts_with("missing item") {
        IssueCode::MissingItem
    } else if reason.starts_with("missing date") {
        IssueCode::MissingDate
    } else if reason.starts_with("unknown currency") {
        IssueCode::UnknownCurrency
    } else {
        panic!("unmapped reason {reason}")
    }
}

#[test]
fn every_supplies_fixture_matches_expected_json() {
    let text = std::fs::read_to_string(fixtures_dir().join("expected.json")).unwrap();
    let expected: Value = serde_json::from_str(&text).unwrap();
    for (name, want) in expected["files"].as_object().unwrap() {
        let bytes = std::fs::read(fixtures_dir().join(name)).unwrap();
        let upload = parse_bytes(&bytes, name);
        assert_eq!(
            upload.kind.as_str(),
            want["kind"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            u64::from(upload.header_row),
            want["header_row"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            upload.data_rows() as u64,
            want["data_rows"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            upload.accepted() as u64,
            want["accepted"].as_u64().unwrap(),
            "{name}"
        );
        let rejected: Vec<(u32, IssueCode)> = upload
            .rejected_rows()
            .map(|r| (r.row, r.rejections()[0].code))
            .collect();
        let wanted: Vec<(u32, IssueCode)> = want["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let row = u32::try_from(r["row"].as_u64().unwrap()).unwrap();
                (row, code_of(r["reason"].as_str().unwrap()))
            })
            .collect();
        assert_eq!(rejected, wanted, "{name}");
        for row in upload.rejected_rows() {
            for issue in row.rejections() {
                assert!(
                    issue.reason.chars().any(|c| c > '\u{2E80}'),
                    "Chinese reason: {issue:?}"
                );
            }
        }
    }
}

fn csv(text: &str) -> ParsedUpload {
    parse_bytes(text.as_bytes(), "register.csv")
}

#[test]
fn a_donation_register_written_another_way() {
    let upload = csv(
        "Date,Donor,Country,Item,Qty,Unit,Value,Currency,Status,Recipient,Receipt No.\n\
         2020-02-03,Kim Trading,KOR,KN95 masks,\"2,000\",pcs,,,delivered,Red Cross,RC-01\n\
         2020-02-04,某侨胞,美国,,,,\"USD 1,000\",,received,,\n\
         2020-02-05,某公司,日本,医用外科口罩,３万只,,9万日元,,在途,,\n\
         2020-02-06,某人,泰国,护目镜,10,箱,,,已接收,,\n\
         2020-02-07,某人,泰国,捐款,500,,,泰铢,已接收,,\n",
    );
    assert_eq!(upload.kind, SourceKind::DonationRegister);
    let rows: Vec<_> = upload.rows.iter().collect();
    let Some(Record::DonationRegister(first)) = rows[0].record() else {
        panic!("{:?}", rows[0]);
    };
    assert_eq!((first.item.as_str(), first.quantity), ("n95_mask", 2000.0));
    assert_eq!(first.receipt_number.as_deref(), Some("RC01"));
    assert_eq!(first.state, DonationState::Received);
    // Money without an item or a currency unit says nothing of what was given.
    assert_eq!(rows[1].rejections()[0].code, IssueCode::MissingItem);
    let Some(Record::DonationRegister(third)) = rows[2].record() else {
        panic!("{:?}", rows[2]);
    };
    assert_eq!(
        (third.item.as_str(), third.quantity),
        ("surgical_mask", 30_000.0)
    );
    assert_eq!(third.state, DonationState::InTransit);
    assert_eq!(
        third
            .value
            .as_ref()
            .map(|v| (v.amount, v.currency.as_str())),
        Some((90_000.0, "JPY"))
    );
    assert_eq!(rows[3].rejections()[0].code, IssueCode::UnknownUnit);
    assert_eq!(rows[4].rejections()[0].code, IssueCode::UnknownCurrency);
}

#[test]
fn a_procurement_register_written_another_way() {
    let upload = csv(
        "Contract No.,Date,Supplier,Country,Product,Quantity,Unit Price,Amount,Paid,Status,Buyer\n\
         US-01,2020/2/10,ACME,USA,N95,1万只,2.1,USD 21000,USD 21000,customs clearance,市采购组\n\
         US-02,2020/2/11,ACME,USA,防护服,若干,,,,已签合同,肇州县\n\
         US-03,2020/2/12,ACME,USA,防护服,,,,,洽谈中,肇州县\n\
         US-04,2020/2/12,ACME,USA,防护服,100,,,500泰铢,已付款,肇州县\n",
    );
    assert_eq!(upload.kind, SourceKind::ProcurementRegister);
    let rows: Vec<_> = upload.rows.iter().collect();
    let Some(Record::ProcurementRegister(first)) = rows[0].record() else {
        panic!("{:?}", rows[0]);
    };
    assert_eq!(first.state, ContractState::InTransit);
    assert_eq!(first.quantity, Some(10_000.0));
    assert_eq!(
        first.paid.as_ref().map(|m| m.currency.as_str()),
        Some("USD")
    );
    assert!(first.for_city);
    assert_eq!(rows[1].rejections()[0].code, IssueCode::InvalidQuantity);
    let Some(Record::ProcurementRegister(lead)) = rows[2].record() else {
        panic!("{:?}", rows[2]);
    };
    assert_eq!(
        (lead.state, lead.quantity, lead.for_city),
        (ContractState::Lead, None, false)
    );
    assert_eq!(rows[3].rejections()[0].code, IssueCode::UnknownCurrency);
}

#[test]
fn an_outreach_log_written_another_way() {
    let upload = csv(
        "Contact Date,Organisation,Country/Region,Channel,Subject,Outcome\n\
         2020-02-01,ＡＢＣ商会 12 号,香港,email,masks,已推荐\n\
         2020-02-02,,日本,phone,masks,待回复\n",
    );
    assert_eq!(upload.kind, SourceKind::OutreachLog);
    let rows: Vec<_> = upload.rows.iter().collect();
    let Some(Record::OutreachLog(first)) = rows[0].record() else {
        panic!("{:?}", rows[0]);
    };
    assert_eq!(first.country.as_deref(), Some("HKG"));
    assert!(first.recommended);
    assert_eq!(rows[1].rejections()[0].code, IssueCode::MissingValue);
}

#[test]
fn a_header_that_scales_its_numbers() {
    let upload = csv(
        "合同编号,状态日期,供应商,物资名称,数量（万只）,币种,合同金额（万元）,已付金额（万元）,状态,需求方\n\
         A-1,2020-02-10,某厂,医用口罩,3,元,3.6,1.8,已预付,肇州县\n\
         A-2,2020-02-10,某厂,医用口罩,5000只,元,6000元,0,已完成,肇州县\n",
    );
    let rows: Vec<_> = upload.rows.iter().collect();
    let Some(Record::ProcurementRegister(first)) = rows[0].record() else {
        panic!("{:?}", rows[0]);
    };
    assert_eq!(first.quantity, Some(30_000.0));
    assert_eq!(first.paid.as_ref().map(|m| m.amount), Some(18_000.0));
    let Some(Record::ProcurementRegister(second)) = rows[1].record() else {
        panic!("{:?}", rows[1]);
    };
    // A cell with its own unit is not scaled by the header's.
    assert_eq!(second.quantity, Some(5_000.0));
    assert_eq!(second.state, ContractState::Received);
}
