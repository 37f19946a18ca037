//! Workbooks through calamine: xlsx/xlsm streamed cell by cell (memory stays bounded, declared
//! dimensions are checked, never allocated), xls and ods as ranges after a size check.

use std::io::Cursor;

use calamine::{Data, Ods, Range, Reader, SheetType, SheetVisible, Xls, XlsError, Xlsx, XlsxError};

use crate::cell::{CellValue, RawRow};
use crate::error::ImportError;
use crate::limits::Limits;
use crate::merge::Merge;
use crate::ods_scan;
use crate::options::ReadOptions;
use crate::shared_strings;
use crate::sheet::SheetInfo;
use crate::upload::FileFormat;
use crate::xls_scan;
use crate::xlsx_merges;

/// Called per sheet with its rows; returns `Some` to stop at this sheet.
pub(crate) type Visit<'v, T> = dyn FnMut(
        &SheetInfo,
        &mut dyn Iterator<Item = Result<RawRow, ImportError>>,
    ) -> Result<Option<T>, ImportError>
    + 'v;

/// Sheet names in reading order: visible worksheets first, then hidden ones; chart sheets skipped.
fn sheet_order(sheets: &[calamine::Sheet]) -> Vec<String> {
    let work = |s: &&calamine::Sheet| matches!(s.typ, SheetType::WorkSheet);
    let visible = sheets
        .iter()
        .filter(work)
        .filter(|s| s.visible == SheetVisible::Visible);
    let hidden = sheets
        .iter()
        .filter(work)
        .filter(|s| s.visible != SheetVisible::Visible);
    visible.chain(hidden).map(|s| s.name.clone()).collect()
}

/// Visits the sheets of a workbook in order until `visit` returns `Some`.
pub(crate) fn visit_sheets<T>(
    bytes: &[u8],
    format: FileFormat,
    options: &ReadOptions,
    visit: &mut Visit<'_, T>,
) -> Result<Option<T>, ImportError> {
    // A damaged file must never take the process down: a panic in a reader is a corrupt file.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        FileFormat::Xlsx | FileFormat::Xlsm => visit_xlsx(bytes, options, visit),
        FileFormat::Xls => visit_xls(bytes, options, visit),
        FileFormat::Ods => visit_ods(bytes, options, visit),
        FileFormat::Csv => Ok(None),
    }));
    result.unwrap_or_else(|_| {
        Err(ImportError::corrupt(
            "the workbook reader failed on malformed content",
        ))
    })
}

fn xlsx_error(e: XlsxError) -> ImportError {
    match e {
        XlsxError::Password => ImportError::EncryptedFile,
        other => ImportError::corrupt(other),
    }
}

fn visit_xlsx<T>(
    bytes: &[u8],
    options: &ReadOptions,
    visit: &mut Visit<'_, T>,
) -> Result<Option<T>, ImportError> {
    shared_strings::check(bytes, options)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let date1904 = wb.has_1904_epoch();
    for name in sheet_order(wb.sheets_metadata()) {
        let merges = match xlsx_merges::merged_regions(bytes, &name) {
            Some(merges) => merges,
            None => wb
                .merge_cells_by_sheet_name(&name)
                .map_err(xlsx_error)?
                .iter()
                .map(Merge::from)
                .collect(),
        };
        let info = SheetInfo {
            name: name.clone(),
            merges,
            date1904,
        };
        let reader = match wb.worksheet_cells_reader(&name) {
            Ok(r) => r,
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(xlsx_error(e)),
        };
        let limits = Limits::new(&name, options.max_rows, options.max_cells);
        let d = reader.dimensions();
        let declared = (u64::from(d.end.0.abs_diff(d.start.0)) + 1)
            * (u64::from(d.end.1.abs_diff(d.start.1)) + 1);
        limits.check_cells(declared)?;
        let mut rows = XlsxRows {
            reader,
            pending: None,
            done: false,
            limits,
        };
        if let Some(t) = visit(&info, &mut rows)? {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

/// Groups the streamed cells of an xlsx sheet into rows.
struct XlsxRows<'a, 'b> {
    reader: calamine::XlsxCellReader<'a, Cursor<&'b [u8]>>,
    pending: Option<(u32, u32, CellValue)>,
    done: bool,
    limits: Limits,
}

impl XlsxRows<'_, '_> {
    fn next_cell(&mut self) -> Result<Option<(u32, u32, CellValue)>, ImportError> {
        loop {
            let Some(cell) = self.reader.next_cell().map_err(xlsx_error)? else {
                return Ok(None);
            };
            let (r, c) = cell.get_position();
            let value = CellValue::from(cell.get_value().clone());
            if !matches!(value, CellValue::Empty) {
                return Ok(Some((r, c, value)));
            }
        }
    }
}

impl Iterator for XlsxRows<'_, '_> {
    type Item = Result<RawRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let first = match self.pending.take() {
            Some(p) => p,
            None => match self.next_cell() {
                Ok(Some(c)) => c,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            },
        };
        let index = first.0;
        let mut cells = vec![(first.1, first.2)];
        loop {
            match self.next_cell() {
                Ok(Some((r, c, v))) if r == index => cells.push((c, v)),
                Ok(Some(other)) => {
                    self.pending = Some(other);
                    break;
                }
                Ok(None) => {
                    self.done = true;
                    break;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        if let Err(e) = self.limits.count(cells.len()) {
            self.done = true;
            return Some(Err(e));
        }
        Some(Ok(RawRow { index, cells }))
    }
}

/// Rows of an in-memory range (xls, ods).
fn range_rows(
    range: &Range<Data>,
    limits: Limits,
) -> impl Iterator<Item = Result<RawRow, ImportError>> + '_ {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut limits = limits;
    range.rows().enumerate().map(move |(i, row)| {
        let cells: Vec<(u32, CellValue)> = row
            .iter()
            .enumerate()
            .filter(|(_, d)| !matches!(d, Data::Empty))
            .map(|(j, d)| {
                (
                    c0.saturating_add(u32::try_from(j).unwrap_or(u32::MAX)),
                    CellValue::from(d),
                )
            })
            .collect();
        limits.count(cells.len())?;
        Ok(RawRow {
            index: r0.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)),
            cells,
        })
    })
}

fn visit_xls<T>(
    bytes: &[u8],
    options: &ReadOptions,
    visit: &mut Visit<'_, T>,
) -> Result<Option<T>, ImportError> {
    // calamine reads every sheet when it opens the file: check sizes first, and give it the
    // checked stream alone.
    let checked = xls_scan::check(bytes, options.max_rows, options.max_cells)?;
    let mut wb: Xls<_> = Xls::new(Cursor::new(checked.as_slice())).map_err(|e| match e {
        XlsError::Password => ImportError::EncryptedFile,
        other => ImportError::corrupt(other),
    })?;
    let date1904 = wb.has_1904_epoch();
    for name in sheet_order(wb.sheets_metadata()) {
        let merges = wb
            .merge_cells_by_sheet_name(&name)
            .unwrap_or_default()
            .iter()
            .map(Merge::from)
            .collect();
        // An xls sheet is at most 65,536 × 256 cells, so the range is bounded; check it anyway.
        let range = wb.worksheet_range(&name).map_err(ImportError::corrupt)?;
        let limits = Limits::new(&name, options.max_rows, options.max_cells);
        let (h, w) = range.get_size();
        limits.check_cells((h as u64).saturating_mul(w as u64))?;
        let info = SheetInfo {
            name: name.clone(),
            merges,
            date1904,
        };
        let mut rows = range_rows(&range, limits);
        if let Some(t) = visit(&info, &mut rows)? {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

fn visit_ods<T>(
    bytes: &[u8],
    options: &ReadOptions,
    visit: &mut Visit<'_, T>,
) -> Result<Option<T>, ImportError> {
    // calamine expands every table when it opens the file: check them all first.
    let mut scans = ods_scan::scan(bytes)?;
    for (name, scan) in &scans {
        Limits::new(name, options.max_rows, options.max_cells).check_cells(scan.cells())?;
        if scan.rows > options.max_rows {
            return Err(ImportError::TooManyRows {
                sheet: name.clone(),
                limit: options.max_rows,
            });
        }
    }
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(ImportError::corrupt)?;
    for name in sheet_order(wb.sheets_metadata()) {
        let scan = scans.remove(&name).unwrap_or_default();
        let range = wb.worksheet_range(&name).map_err(ImportError::corrupt)?;
        let info = SheetInfo {
            name: name.clone(),
            merges: scan.merges,
            date1904: false,
        };
        let limits = Limits::new(&name, options.max_rows, options.max_cells);
        let mut rows = range_rows(&range, limits);
        if let Some(t) = visit(&info, &mut rows)? {
            return Ok(Some(t));
        }
    }
    Ok(None)
}
