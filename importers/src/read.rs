//! `read_upload`: detect the format, find the sheet and header, build every row.

use sha2::{Digest, Sha256};

use crate::csv_reader::{self, CsvRows};
use crate::error::ImportError;
use crate::format;
use crate::headers::HeaderMatch;
use crate::kinds::SourceKind;
use crate::limits::Limits;
use crate::options::ReadOptions;
use crate::sheet::{self, ParsedSheet, SheetInfo, SheetOutcome};
use crate::upload::{FileFormat, ParsedUpload};
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
    let format = format::detect(bytes, options)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let mut best: Option<HeaderMatch> = None;
    let mut visit = |info: &SheetInfo,
                     rows: &mut dyn Iterator<Item = Result<crate::cell::RawRow, ImportError>>|
     -> Result<Option<(String, ParsedSheet)>, ImportError> {
        match sheet::read_sheet(info, rows, kind, options)? {
            SheetOutcome::Parsed(p) => Ok(Some((info.name.clone(), p))),
            SheetOutcome::NoHeader(m) => {
                if let Some(m) = m {
                    sheet::better(&mut best, m);
                }
                Ok(None)
            }
        }
    };
    let mut encoding = None;
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
            if let Some(parsed) = visit(&info, &mut rows)? {
                encoding = Some(decoded.encoding);
                found = Some(parsed);
                break;
            }
        }
        found
    } else {
        workbook::visit_sheets(bytes, format, options, &mut visit)?
    };
    let Some((sheet, parsed)) = found else {
        return Err(header_error(kind, best));
    };
    Ok(ParsedUpload {
        kind: parsed.kind,
        format,
        sheet,
        header_row: parsed.header_row,
        headers: parsed.headers,
        sha256,
        encoding,
        rows: parsed.rows,
    })
}

/// The error for a file in which no sheet had a header row, from the closest partial match.
fn header_error(kind: Option<SourceKind>, best: Option<HeaderMatch>) -> ImportError {
    let Some(m) = best.filter(|m| m.score() > 0) else {
        return ImportError::NoHeader;
    };
    match kind {
        Some(kind) => ImportError::KindMismatch {
            kind,
            recognised: m.recognised,
            missing: m.missing,
        },
        None => {
            let mut missing = m.missing;
            missing.extend(m.missing_distinctive);
            ImportError::UnknownHeaders {
                recognised: m.recognised,
                closest: m.kind,
                missing,
            }
        }
    }
}
