//! A synthetic city for `hub demo`: a few thousand foreign nationals, the spreadsheets the
//! member units would upload about them over several weeks, written as real-shaped files
//! (merged title rows, varied header spellings, footers, a GBK csv, hostile rows).
//!
//! Generation is deterministic: the same [`DemoOptions`] give the same tables (a seeded
//! ChaCha generator; no clock is read here), the csv byte for byte.
//!
//! - [`names`]: nationalities, names and passport shapes;
//! - [`population`]: the people and what happens to them;
//! - [`sources`]: the files each unit uploads about them;
//! - [`supplies`]: the donation, procurement and outreach registers of the same weeks;
//! - [`book`]: writing a table as an xlsx or a GBK csv.

pub mod book;
pub mod names;
pub mod population;
pub mod sources;
pub mod supplies;

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use importers::SourceKind;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::DevError;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// People in the city.
    pub people: usize,
    /// People whose visa has expired (overstays).
    pub overstays: usize,
    /// Days of history.
    pub days: i64,
    /// The local time (the hub's time zone) the city is generated up to.
    pub now: NaiveDateTime,
    /// Seed of the generator.
    pub seed: u64,
}

/// One generated file, ready to import.
#[derive(Debug, Clone)]
pub struct DemoFile {
    /// The uploading member unit.
    pub unit: String,
    /// Its source kind.
    pub kind: SourceKind,
    /// File name.
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Generates the city's files in memory, in import order (daily reports and checks,
/// rosters, then passenger lists). `units` are the member units (code, name) that send daily
/// reports.
pub fn generate(
    options: &DemoOptions,
    units: &[(String, String)],
) -> Result<Vec<DemoFile>, DevError> {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let span = population::Span {
        now: options.now,
        days: options.days,
    };
    let people = population::generate(&mut rng, options.people, options.overstays, &span);
    let mut all = sources::all(&mut rng, &people, &span, units);
    all.extend(supplies::all(&mut rng, &span, 300, 200, 1500));
    all.into_iter()
        .map(|source| {
            let bytes = match source.format {
                sources::Format::Xlsx => book::xlsx(&source.table)?,
                sources::Format::GbkCsv => book::gbk_csv(&source.table),
            };
            Ok(DemoFile {
                unit: source.unit,
                kind: source.kind,
                file_name: source.file_name,
                bytes,
            })
        })
        .collect()
}

/// Writes the files under `dir/uploads/<unit>/` and returns their paths, in order.
pub fn write_files(dir: &Path, files: &[DemoFile]) -> Result<Vec<PathBuf>, DevError> {
    files
        .iter()
        .map(|file| {
            let unit_dir = dir.join("uploads").join(&file.unit);
            std::fs::create_dir_all(&unit_dir)?;
            let path = unit_dir.join(&file.file_name);
            std::fs::write(&path, &file.bytes)?;
            Ok(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn options() -> DemoOptions {
        DemoOptions {
            people: 400,
            overstays: 3,
            days: 21,
            now: NaiveDate::from_ymd_opt(2020, 2, 17)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .unwrap_or_default(),
            seed: 2020,
        }
    }

    fn units() -> Vec<(String, String)> {
        vec![
            ("police".into(), "大庆市公安局出入境管理局".into()),
            ("fao".into(), "大庆市人民政府外事办公室".into()),
        ]
    }

    #[test]
    fn every_file_reads_with_the_real_importers() {
        let files = generate(&options(), &units()).unwrap_or_default();
        assert!(files.len() > 20);
        let mut kinds = std::collections::BTreeSet::new();
        for file in &files {
            let parsed = importers::read_upload(
                &file.bytes,
                &file.file_name,
                None,
                &importers::ReadOptions::default(),
            );
            let parsed = match parsed {
                Ok(parsed) => parsed,
                Err(e) => panic!("{}: {e}", file.file_name),
            };
            assert_eq!(parsed.kind, file.kind, "{} detected as", file.file_name);
            kinds.insert(file.kind);
            if file.unit == "police" && file.kind == SourceKind::VisaRegistry {
                assert_eq!(parsed.rejected(), 2, "{}", file.file_name);
            }
        }
        assert_eq!(kinds.len(), SourceKind::ALL.len());
    }

    #[test]
    fn generation_is_deterministic() {
        let a = generate(&options(), &units()).unwrap_or_default();
        let b = generate(&options(), &units()).unwrap_or_default();
        let hashes = |files: &[DemoFile]| -> Vec<(String, Vec<u8>)> {
            files
                .iter()
                .filter(|f| f.file_name.ends_with(".csv"))
                .map(|f| (f.file_name.clone(), f.bytes.clone()))
                .collect()
        };
        assert_eq!(hashes(&a), hashes(&b));
        let names = |files: &[DemoFile]| -> Vec<String> {
            files.iter().map(|f| f.file_name.clone()).collect()
        };
        assert_eq!(names(&a), names(&b));
    }
}
