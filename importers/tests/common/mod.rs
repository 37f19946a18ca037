//! Helpers shared by the integration tests: build workbooks and CSVs in memory.
#![allow(dead_code)]

use importers::{ImportError, ParsedUpload, ReadOptions, SourceKind, read_upload};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A cell to write.
#[derive(Clone, Debug)]
pub enum C {
    S(&'static str),
    T(String),
    N(f64),
    D(u16, u8, u8),
    Empty,
}

/// One sheet: name, rows, merges (first_row, first_col, last_row, last_col, text).
pub struct SheetSpec {
    pub name: &'static str,
    pub rows: Vec<Vec<C>>,
    pub merges: Vec<(u32, u16, u32, u16, &'static str)>,
}

/// Writes an xlsx with the given sheets.
pub fn xlsx(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for spec in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(spec.name).unwrap();
        for (r, row) in spec.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    C::T(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    C::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    C::D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                    C::Empty => {}
                }
            }
        }
        for (r0, c0, r1, c1, text) in &spec.merges {
            ws.merge_range(*r0, *c0, *r1, *c1, text, &Format::new())
                .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// One sheet named Sheet1 without merges.
pub fn simple_xlsx(rows: Vec<Vec<C>>) -> Vec<u8> {
    xlsx(&[SheetSpec {
        name: "Sheet1",
        rows,
        merges: vec![],
    }])
}

/// Reads with default options.
pub fn read(
    bytes: &[u8],
    name: &str,
    kind: Option<SourceKind>,
) -> Result<ParsedUpload, ImportError> {
    read_upload(bytes, name, kind, &ReadOptions::default())
}

/// Reads and panics with the message on error.
pub fn ok(bytes: &[u8], name: &str, kind: Option<SourceKind>) -> ParsedUpload {
    read(bytes, name, kind).unwrap_or_else(|e| panic!("{name}: {} {e}", e.code()))
}

/// The error code of a read that must fail.
pub fn err_code(bytes: &[u8], name: &str, kind: Option<SourceKind>) -> &'static str {
    match read(bytes, name, kind) {
        Ok(up) => panic!("{name}: expected an error, got {} rows", up.data_rows()),
        Err(e) => e.code(),
    }
}

/// Rewrites one entry of a zip archive.
pub fn rezip(bytes: &[u8], edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut src = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let data = edit(&name, data);
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Every entry of a zip archive, in order, as (name, inflated bytes).
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::{Cursor, Read};
    let mut src = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..src.len())
        .map(|i| {
            let mut f = src.by_index(i).unwrap();
            let name = String::from_utf8_lossy(f.name_raw()).into_owned();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (name, data)
        })
        .collect()
}

/// A zip archive of these entries, in this order (names may repeat).
pub fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::{Cursor, Write};
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        out.start_file(name.as_str(), opts).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A UTF-8 CSV of these rows (numbers as written, dates as yyyy-mm-dd, every text quoted).
pub fn csv(rows: &[Vec<C>]) -> String {
    let cell = |c: &C| match c {
        C::S(s) => format!("\"{}\"", s.replace('"', "\"\"")),
        C::T(s) => format!("\"{}\"", s.replace('"', "\"\"")),
        C::N(n) => n.to_string(),
        C::D(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
        C::Empty => String::new(),
    };
    rows.iter()
        .map(|r| r.iter().map(cell).collect::<Vec<_>>().join(",") + "\n")
        .collect()
}
