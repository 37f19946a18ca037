//! A streaming pre-scan of an ODS `content.xml`, before calamine expands it: how many cells each
//! table would occupy once repeated rows and columns are expanded (refused when too many), and the
//! merged (spanned) cells, which calamine does not expose for ODS.

use std::collections::HashMap;
use std::io::{BufReader, Cursor};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::ImportError;
use crate::merge::Merge;

/// What the pre-scan learnt about one table (sheet).
#[derive(Debug, Default, Clone)]
pub(crate) struct TableScan {
    /// Rows up to the last non-empty one, repeats expanded.
    pub rows: u64,
    /// Columns up to the last non-empty one, repeats expanded.
    pub cols: u64,
    /// Spanned cells.
    pub merges: Vec<Merge>,
}

impl TableScan {
    /// Cells of the bounding box calamine would allocate.
    pub fn cells(&self) -> u64 {
        self.rows.saturating_mul(self.cols)
    }
}

/// Most merged regions kept per table (more are ignored: only their filling is lost).
const MAX_MERGES: usize = 100_000;

fn attr_u64(e: &BytesStart<'_>, name: &str) -> u64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
        .max(1)
}

fn attr_string(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

fn has_attr(e: &BytesStart<'_>, name: &str) -> bool {
    e.attributes().flatten().any(|a| a.key.as_ref() == name)
}

/// Scans `content.xml` of an ODS package; tables by name.
pub(crate) fn scan(bytes: &[u8]) -> Result<HashMap<String, TableScan>, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(ImportError::corrupt)?;
    let entry = zip.by_name("content.xml").map_err(ImportError::corrupt)?;
    let mut reader = Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::with_capacity(4096);
    let mut tables = HashMap::new();
    let mut current: Option<(String, TableScan)> = None;
    let (mut row, mut col, mut row_repeat) = (0u64, 0u64, 1u64);
    let mut row_has_content = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(ImportError::corrupt)?;
        let (start, is_empty_element) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" if !is_empty_element => {
                    let name = attr_string(&e, "table:name").unwrap_or_default();
                    current = Some((name, TableScan::default()));
                    row = 0;
                }
                "table:table-row" => {
                    row_repeat = attr_u64(&e, "table:number-rows-repeated");
                    col = 0;
                    row_has_content = false;
                    if is_empty_element {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeat = attr_u64(&e, "table:number-columns-repeated");
                    let filled = !is_empty_element || has_attr(&e, "office:value-type");
                    if let Some((_, t)) = current.as_mut() {
                        if filled {
                            row_has_content = true;
                            t.cols = t.cols.max(col.saturating_add(repeat));
                        }
                        let spans_rows = attr_u64(&e, "table:number-rows-spanned");
                        let spans_cols = attr_u64(&e, "table:number-columns-spanned");
                        if (spans_rows > 1 || spans_cols > 1) && t.merges.len() < MAX_MERGES {
                            let to_u32 = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                            t.merges.push(Merge {
                                first_row: to_u32(row),
                                first_col: to_u32(col),
                                last_row: to_u32(row.saturating_add(spans_rows - 1)),
                                last_col: to_u32(col.saturating_add(spans_cols - 1)),
                            });
                        }
                    }
                    col = col.saturating_add(repeat);
                }
                _ => {}
            }
        }
        match event {
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if row_has_content && let Some((_, t)) = current.as_mut() {
                    t.rows = t.rows.max(row.saturating_add(row_repeat));
                }
                row = row.saturating_add(row_repeat);
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if let Some((name, t)) = current.take() {
                    tables.insert(name, t);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(tables)
}
