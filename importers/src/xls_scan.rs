//! A pre-scan of an xls (BIFF) workbook stream before calamine reads it: calamine reserves cells from
//! each sheet's declared DIMENSIONS record and allocates the bounding box of the cells it finds, so
//! both are checked against the cell limit first.
//!
//! calamine finds the workbook stream with a compound-file reader of its own: the first directory
//! entry named `Workbook` (or `Book`) in the directory's order, wherever it sits and whether or
//! not the directory tree reaches it. A file holding a benign `/Workbook` and a hostile one
//! elsewhere would have one checked and the other read. So the checked stream is handed to
//! calamine alone, in a compound file written here.

use std::io::{Cursor, Read, Write};

use crate::error::ImportError;
use crate::limits::Limits;

/// Record types whose first four bytes are (row u16, column u16).
const CELL_RECORDS: &[u16] = &[
    0x0203, // Number
    0x0204, // Label
    0x00D6, // RString
    0x0205, // BoolErr
    0x027E, // RK
    0x00FD, // LabelSst
    0x00BD, // MulRk (its last column is in the last two bytes)
    0x0006, // Formula
];
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const DIMENSIONS: u16 = 0x0200;
const MUL_RK: u16 = 0x00BD;
const FILE_PASS: u16 = 0x002F;

#[derive(Default)]
struct Extent {
    min_row: u32,
    max_row: u32,
    min_col: u32,
    max_col: u32,
    any: bool,
}

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        if !self.any {
            *self = Self {
                min_row: row,
                max_row: row,
                min_col: col,
                max_col: col,
                any: true,
            };
        } else {
            self.min_row = self.min_row.min(row);
            self.max_row = self.max_row.max(row);
            self.min_col = self.min_col.min(col);
            self.max_col = self.max_col.max(col);
        }
    }

    fn cells(&self) -> u64 {
        if !self.any {
            return 0;
        }
        (u64::from(self.max_row - self.min_row) + 1) * (u64::from(self.max_col - self.min_col) + 1)
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Cells calamine reserves for a DIMENSIONS record (BIFF8: u32 rows; BIFF5: u16 rows), computed the
/// way calamine does, wrapping arithmetic included (reversed bounds wrap to a huge range).
fn declared_cells(data: &[u8]) -> u64 {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0).unwrap_or(0)),
            u32::from(u16_at(data, 2).unwrap_or(0)),
            u32::from(u16_at(data, 4).unwrap_or(0)),
            u32::from(u16_at(data, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0),
            u32_at(data, 4).unwrap_or(0),
            u32::from(u16_at(data, 8).unwrap_or(0)),
            u32::from(u16_at(data, 10).unwrap_or(0)),
        ),
        _ => return 0,
    };
    if 0xFF < first_col || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return 1;
    }
    let rows = (last_row - 1).wrapping_sub(first_row).wrapping_add(1);
    let cols = (last_col - 1).wrapping_sub(first_col).wrapping_add(1);
    u64::from(rows).saturating_mul(u64::from(cols))
}

/// Checks every sheet substream of an xls workbook against the cell limit; returns a compound file
/// holding only the checked workbook stream, for calamine to read.
pub(crate) fn check(bytes: &[u8], max_rows: u64, max_cells: u64) -> Result<Vec<u8>, ImportError> {
    let mut comp = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(ImportError::corrupt)?;
    let name = if comp.is_stream("/Workbook") {
        "/Workbook"
    } else {
        "/Book"
    };
    let stream = comp.open_stream(name).map_err(ImportError::corrupt)?;
    let mut data = Vec::new();
    stream
        .take(bytes.len() as u64)
        .read_to_end(&mut data)
        .map_err(ImportError::corrupt)?;
    scan(&data, max_rows, max_cells)?;
    repackage(name, &data)
}

/// A compound file (version 3, as Excel writes xls) holding `stream` under `name` alone.
fn repackage(name: &str, stream: &[u8]) -> Result<Vec<u8>, ImportError> {
    let mut comp =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
            .map_err(ImportError::corrupt)?;
    comp.create_stream(name)
        .and_then(|mut s| s.write_all(stream))
        .map_err(ImportError::corrupt)?;
    comp.flush().map_err(ImportError::corrupt)?;
    Ok(comp.into_inner().into_inner())
}

/// Checks the records of a workbook stream: encryption, declared and spanned cells per sheet.
fn scan(data: &[u8], max_rows: u64, max_cells: u64) -> Result<(), ImportError> {
    // Substream 0 is the workbook globals; sheets follow, numbered from 1 as Excel shows them.
    let mut substream = 0usize;
    let limits = |n: usize| Limits::new(&format!("#{n}"), max_rows, max_cells);
    let mut extent = Extent::default();
    let mut pos = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(data, pos), u16_at(data, pos + 2)) {
        let start = pos + 4;
        let end = (start + usize::from(len)).min(data.len());
        let record = &data[start.min(end)..end];
        match typ {
            FILE_PASS if u16_at(record, 0).is_some_and(|v| v != 0) => {
                return Err(ImportError::EncryptedFile);
            }
            BOF => extent = Extent::default(),
            EOF => {
                limits(substream).check_cells(extent.cells())?;
                extent = Extent::default();
                substream += 1;
            }
            DIMENSIONS => limits(substream).check_cells(declared_cells(record))?,
            t if CELL_RECORDS.contains(&t) => {
                if let (Some(row), Some(col)) = (u16_at(record, 0), u16_at(record, 2)) {
                    extent.add(u32::from(row), u32::from(col));
                    if t == MUL_RK
                        && let Some(last) = record
                            .len()
                            .checked_sub(2)
                            .and_then(|at| u16_at(record, at))
                    {
                        extent.add(u32::from(row), u32::from(last));
                    }
                }
            }
            _ => {}
        }
        pos = start + usize::from(len);
    }
    limits(substream).check_cells(extent.cells())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BIFF8 DIMENSIONS record: rows and columns from first to past last.
    fn biff8_dimensions(rows: (u32, u32), cols: (u16, u16)) -> Vec<u8> {
        let mut data = Vec::new();
        data.extend_from_slice(&rows.0.to_le_bytes());
        data.extend_from_slice(&rows.1.to_le_bytes());
        data.extend_from_slice(&cols.0.to_le_bytes());
        data.extend_from_slice(&cols.1.to_le_bytes());
        data.extend_from_slice(&0u16.to_le_bytes());
        data
    }

    #[test]
    fn declared_dimensions() {
        let biff8 = biff8_dimensions((0, 1_000_000), (0, 200));
        assert_eq!(declared_cells(&biff8), 1_000_000 * 200);
        let reversed = biff8_dimensions((10, 5), (0, 3));
        assert!(declared_cells(&reversed) > 1_000_000_000);
        assert_eq!(declared_cells(&[1, 2, 3]), 0);
        let mut e = Extent::default();
        e.add(0, 0);
        e.add(65_535, 65_535);
        assert_eq!(e.cells(), 65_536 * 65_536);
    }
}
