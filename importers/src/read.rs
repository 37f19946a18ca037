//! `read_upload` and `read_upload_rows`: detect the format, find the sheet and header, build
//! every row.

use std::ops::ControlFlow;

use sha2::{Digest, Sha256};

use crate::csv_reader::{self, CsvRows};
use crate::error::ImportError;
use crate::format;
use crate::headers::HeaderMatch;
use crate::kinds::SourceKind;
use crate::limits::Limits;
use crate::mapping::Fixes;
use crate::options::ReadOptions;
use crate::sheet::{self, HeaderChoice, SheetEnd, SheetHeader, SheetInfo, SheetOutcome, SheetSink};
use crate::upload::{FileFormat, ParsedRow, ParsedUpload, UploadEnd, UploadHead};
use crate::workbook;

/// Reads one uploaded file (xlsx, xlsm, xls, ods or csv, told apart by content) of the given kind, or
/// of the kind its headers show. The first sheet with a recognisable header row is read; every data
/// row comes back accepted with a typed record or rejected with its reasons.
///
/// # Errors
/// An [`ImportError`] when the file as a whole cannot be read: empty, too large, not a spreadsheet,
/// damaged, encrypted, a zip bomb, too many cells or rows, binary content, or no / unknown /
/// ambiguous / mismatching headers.
pub fn read_upload(
    bytes: &[u8],
    file_name: &str,
    kind: Option<SourceKind>,
    options: &ReadOptions,
) -> Result<ParsedUpload, ImportError> {
    let mut collected = Collect::default();
    // `Collect` never stops the read.
    let _: ControlFlow<()> = read_upload_rows(bytes, file_name, kind, options, &mut collected)?;
    match collected.head {
        Some(head) => Ok(ParsedUpload::from_parts(
            head,
            collected.rows,
            &collected.end,
        )),
        // Unreachable: a read that returns without an error has found a header.
        None => Err(ImportError::NoHeader),
    }
}

/// Where [`read_upload_rows`] puts an upload as it reads it. Either method returns `Break` to
/// stop the read.
pub trait RowSink {
    /// The header row was found: what is known of the upload before its rows. Called once,
    /// before any row.
    fn start(&mut self, head: &UploadHead) -> ControlFlow<()>;
    /// One data row, in row order, as soon as it is read.
    fn row(&mut self, row: ParsedRow) -> ControlFlow<()>;
    /// Every row was given: what the rows under the table said (a footer's date).
    fn end(&mut self, _end: &UploadEnd) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// [`read_upload`] row by row: each row goes to `sink` as soon as it is read, so a caller can
/// store or check rows while the rest of the file is still being read, and a large file is
/// never held whole. Returns `Break` when the sink stopped the read, `Continue` when every
/// row was given. A file that fails after its header was given (a limit crossed, a damaged
/// part) returns the error: the rows already given belong to a file that could not be read.
///
/// # Errors
/// As [`read_upload`].
pub fn read_upload_rows(
    bytes: &[u8],
    file_name: &str,
    kind: Option<SourceKind>,
    options: &ReadOptions,
    sink: &mut dyn RowSink,
) -> Result<ControlFlow<()>, ImportError> {
    let format = format::detect(bytes, options)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let fixes = Fixes::new(&options.column_overrides, &options.saved_mappings);
    let choice = HeaderChoice::new(kind, options, &fixes);
    let mut best: Option<HeaderMatch> = None;
    let mut read = |info: &SheetInfo,
                    rows: &mut dyn Iterator<Item = Result<crate::cell::RawRow, ImportError>>,
                    encoding: Option<&'static str>|
     -> Result<Option<ControlFlow<()>>, ImportError> {
        let mut to_sink = ToSink {
            format,
            sha256: &sha256,
            encoding,
            sheet: &info.name,
            sink: &mut *sink,
        };
        match sheet::read_sheet(info, rows, &choice, options, &mut to_sink)? {
            SheetOutcome::Read => Ok(Some(ControlFlow::Continue(()))),
            SheetOutcome::Stopped => Ok(Some(ControlFlow::Break(()))),
            SheetOutcome::NoHeader(m) => {
                if let Some(m) = m {
                    sheet::better(&mut best, m);
                }
                Ok(None)
            }
        }
    };
    let found = if format == FileFormat::Csv {
        let name = if file_name.trim().is_empty() {
            "csv"
        } else {
            file_name.trim()
        };
        let info = SheetInfo {
            name: name.to_string(),
            ..SheetInfo::default()
        };
        let first = csv_reader::decode(bytes)?;
        let first_encoding = first.encoding;
        let second = std::iter::once_with(|| csv_reader::fallback(bytes, first_encoding)).flatten();
        let mut found = None;
        for decoded in std::iter::once(first).chain(second) {
            let limits = Limits::new(name, options.max_rows, options.max_cells);
            let mut rows = CsvRows::new(&decoded.text, limits);
            if let Some(flow) = read(&info, &mut rows, Some(decoded.encoding))? {
                found = Some(flow);
                break;
            }
        }
        found
    } else {
        workbook::visit_sheets(bytes, format, options, &mut |info, rows| {
            read(info, rows, None)
        })?
    };
    found.ok_or_else(|| header_error(kind, best))
}

/// Gives a sheet's header and rows to a [`RowSink`], with what is known of the file.
struct ToSink<'a> {
    format: FileFormat,
    sha256: &'a str,
    encoding: Option<&'static str>,
    sheet: &'a str,
    sink: &'a mut dyn RowSink,
}

impl SheetSink for ToSink<'_> {
    fn start(&mut self, header: &SheetHeader) -> ControlFlow<()> {
        self.sink.start(&UploadHead {
            kind: header.kind,
            format: self.format,
            sheet: self.sheet.to_owned(),
            header_row: header.header_row,
            headers: header.headers.clone(),
            sha256: self.sha256.to_owned(),
            encoding: self.encoding,
            columns: header.columns.clone(),
            notes: header.notes.clone(),
            stated_date: header.stated_date,
            fingerprint: header.fingerprint.clone(),
            saved_mapping: header.saved_mapping,
        })
    }

    fn row(&mut self, row: ParsedRow) -> ControlFlow<()> {
        self.sink.row(row)
    }

    fn end(&mut self, end: &SheetEnd) -> ControlFlow<()> {
        self.sink.end(&UploadEnd {
            footer_date: end.footer_date,
        })
    }
}

/// A [`RowSink`] that keeps everything: what [`read_upload`] returns.
#[derive(Default)]
struct Collect {
    head: Option<UploadHead>,
    rows: Vec<ParsedRow>,
    end: UploadEnd,
}

impl RowSink for Collect {
    fn start(&mut self, head: &UploadHead) -> ControlFlow<()> {
        self.head = Some(head.clone());
        ControlFlow::Continue(())
    }

    fn row(&mut self, row: ParsedRow) -> ControlFlow<()> {
        self.rows.push(row);
        ControlFlow::Continue(())
    }

    fn end(&mut self, end: &UploadEnd) -> ControlFlow<()> {
        self.end = end.clone();
        ControlFlow::Continue(())
    }
}

/// The error for a file in which no sheet had a header row, from the closest partial match.
fn header_error(kind: Option<SourceKind>, best: Option<HeaderMatch>) -> ImportError {
    let Some(m) = best.filter(|m| m.score() > 0) else {
        return ImportError::NoHeader;
    };
    let columns = m.guesses();
    match kind {
        Some(kind) => ImportError::KindMismatch {
            kind,
            recognised: m.recognised,
            missing: m.missing,
            columns,
        },
        None => {
            let mut missing = m.missing;
            missing.extend(m.missing_distinctive);
            ImportError::UnknownHeaders {
                recognised: m.recognised,
                closest: m.kind,
                missing,
                columns,
            }
        }
    }
}
