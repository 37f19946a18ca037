//! Damaged copies of the fixtures (random byte changes and truncations, fixed seed): every read ends
//! in rows or in an error with a code, never in a panic or an abort.

mod common;

use std::path::PathBuf;

use importers::{ReadOptions, read_upload};

fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/daqing-2020-02");
    let mut next = xorshift(0x2020_0217);
    let files = [
        "police_visas.xlsx",
        "soe_foreign_staff.xls",
        "tourism_guests.ods",
        "airport_passengers.csv",
        "police_health_checks.xlsx",
    ];
    for name in files {
        let original = std::fs::read(dir.join(name)).unwrap();
        let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
        for i in 0..120 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 8 {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
            if i % 5 == 0 {
                let cut = (next() as usize) % bytes.len();
                bytes.truncate(cut);
            }
            let result = std::panic::catch_unwind(|| {
                read_upload(&bytes, name, None, &ReadOptions::default())
            });
            let outcome = match result {
                Ok(Ok(up)) => {
                    assert!(up.accepted() <= up.data_rows());
                    "ok".to_string()
                }
                Ok(Err(e)) => {
                    assert!(!e.to_string().is_empty());
                    e.code().to_string()
                }
                Err(_) => panic!("{name}: read_upload panicked on mutation {i}"),
            };
            *outcomes.entry(outcome).or_default() += 1;
        }
        println!("{name}: {outcomes:?}");
    }
}

#[test]
fn mutated_workbook_xml_never_panics() {
    // Damage the XML inside the zip (so the CRC holds and the XML readers see it).
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/daqing-2020-02");
    let original = std::fs::read(dir.join("police_visas.xlsx")).unwrap();
    let mut next = xorshift(0x0459_0000);
    for i in 0..80 {
        let seeds: Vec<u64> = (0..6).map(|_| next()).collect();
        let bytes = common::rezip(&original, |name, mut data| {
            if name.ends_with("sheet1.xml")
                || name.ends_with("sharedStrings.xml")
                || name.ends_with("workbook.xml")
            {
                for s in &seeds {
                    let at = (*s as usize) % data.len();
                    data[at] = (*s >> 32) as u8;
                }
            }
            data
        });
        let result = std::panic::catch_unwind(|| {
            read_upload(&bytes, "x.xlsx", None, &ReadOptions::default())
        });
        assert!(result.is_ok(), "read_upload panicked on XML mutation {i}");
    }
}
