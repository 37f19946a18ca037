//! Delimited text: encoding detection (BOM, UTF-8, else chardetng: GBK/GB18030 …), a binary-content
//! guard, delimiter sniffing, and rows with their Excel row numbers.

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};

use crate::cell::{CellValue, RawRow};
use crate::error::ImportError;
use crate::limits::Limits;

/// Decoded text and the name of the encoding it was in.
pub(crate) struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decodes CSV bytes: a BOM wins (UTF-8, UTF-16LE/BE); UTF-8 (a sequence cut at the very end
/// tolerated) is UTF-8; otherwise chardetng guesses (GBK is read as its superset GB18030).
/// Undecodable or binary content is an error.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, ImportError> {
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, &bytes[bom_len..]),
        None => match std::str::from_utf8(bytes) {
            Ok(_) => (UTF_8, bytes),
            Err(e) if e.error_len().is_none() => (UTF_8, bytes),
            Err(_) => {
                let mut detector =
                    chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                detector.feed(bytes, true);
                let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
                (if guess == GBK { GB18030 } else { guess }, bytes)
            }
        },
    };
    decode_as(body, encoding)
}

/// A second reading for text whose first decoding showed no header: GB18030 (the legacy encoding of
/// Chinese Windows), unless that was already tried or a BOM settled the question.
pub(crate) fn fallback(bytes: &[u8], first_encoding: &str) -> Option<Decoded> {
    if first_encoding == GB18030.name() || Encoding::for_bom(bytes).is_some() {
        return None;
    }
    decode_as(bytes, GB18030).ok()
}

fn decode_as(body: &[u8], encoding: &'static Encoding) -> Result<Decoded, ImportError> {
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        // A few bad bytes (a damaged or cut character) are tolerated; more than 1 % is not text.
        if bad > 8 && bad * 100 > text.chars().count() {
            return Err(ImportError::BinaryContent);
        }
    }
    if looks_binary(&text) {
        return Err(ImportError::BinaryContent);
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
    })
}

/// More than one control character (NUL included; tab, CR, LF excepted) in a thousand.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{000C}') {
            control += 1;
        }
    }
    control > 0 && control * 1000 > total
}

/// The delimiter used most on the first lines: comma, tab, semicolon or bar (comma when none).
fn sniff_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(50).collect::<Vec<_>>().join("\n");
    [b',', b'\t', b';', b'|']
        .into_iter()
        .map(|d| (head.bytes().filter(|&b| b == d).count(), d))
        .max_by_key(|(n, d)| (*n, *d == b','))
        .filter(|(n, _)| *n > 0)
        .map_or(b',', |(_, d)| d)
}

/// Rows of a decoded CSV. Row numbers are those Excel shows when it opens the file: blank lines
/// count, a quoted cell spanning lines does not.
pub(crate) struct CsvRows<'a> {
    text: &'a [u8],
    records: csv::StringRecordsIntoIter<&'a [u8]>,
    /// The line terminator counted: `\n`, or `\r` for old Mac files.
    newline: u8,
    /// Newlines before `counted_to`.
    lines: u64,
    counted_to: usize,
    embedded_newlines: u64,
    limits: Limits,
}

impl<'a> CsvRows<'a> {
    /// Rows of `text`, within `limits`.
    pub fn new(text: &'a str, limits: Limits) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sniff_delimiter(text))
            .from_reader(text.as_bytes());
        let newline = if text.contains('\n') || !text.contains('\r') {
            b'\n'
        } else {
            b'\r'
        };
        Self {
            text: text.as_bytes(),
            records: reader.into_records(),
            newline,
            lines: 0,
            counted_to: 0,
            embedded_newlines: 0,
            limits,
        }
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<RawRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = match self.records.next()? {
            Ok(r) => r,
            Err(e) => return Some(Err(ImportError::corrupt(format!("CSV: {e}")))),
        };
        // The csv crate reports where it started reading (before skipped blank lines): count the
        // physical lines up to the record's first byte ourselves.
        let mut start = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.counted_to {
            let nl = self.newline;
            self.lines += self.text[self.counted_to..start]
                .iter()
                .filter(|&&b| b == nl)
                .count() as u64;
            self.counted_to = start;
        }
        let index =
            u32::try_from(self.lines.saturating_sub(self.embedded_newlines)).unwrap_or(u32::MAX);
        let mut cells = Vec::with_capacity(record.len());
        for (col, field) in record.iter().enumerate() {
            let nl = self.newline;
            self.embedded_newlines += field.bytes().filter(|&b| b == nl).count() as u64;
            if !field.is_empty() {
                let col = u32::try_from(col).unwrap_or(u32::MAX);
                cells.push((col, CellValue::Text(field.to_string())));
            }
        }
        if let Err(e) = self.limits.count(cells.len()) {
            return Some(Err(e));
        }
        Some(Ok(RawRow { index, cells }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::new("csv", 1000, 100_000)
    }

    #[test]
    fn encodings() {
        let text = "姓名,国籍\nKIM,韩国\n";
        assert_eq!(decode(text.as_bytes()).unwrap().text, text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap().text, text);
        let (gbk, _, _) = GBK.encode(text);
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, "gb18030");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16).unwrap().text, text);
    }

    #[test]
    fn damaged_gbk_still_reads_as_gb18030() {
        let text = "姓名,国籍,护照号码\n金智妍,韩国,M12345678\n";
        let mut gbk = GBK.encode(text).0.into_owned();
        gbk.truncate(gbk.len() - 2); // cut inside the last character
        gbk[20] = 0xFF; // and one invalid byte
        let first = decode(&gbk).unwrap();
        let decoded = if first.encoding == "gb18030" {
            first
        } else {
            fallback(&gbk, first.encoding).unwrap()
        };
        assert!(
            decoded.text.starts_with("姓名,国籍,护照号码"),
            "{}",
            decoded.text
        );
        let utf8_cut = &"姓名,国籍\n".as_bytes()[..13];
        assert_eq!(decode(utf8_cut).unwrap().encoding, "UTF-8");
    }

    #[test]
    fn binary_noise_is_refused() {
        let mut state = 0x1234_5678_u32;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 24) as u8
            })
            .collect();
        assert!(matches!(decode(&noise), Err(ImportError::BinaryContent)));
        assert!(matches!(
            decode(b"a,b\0\0\0\0\x01\x02,c\n"),
            Err(ImportError::BinaryContent)
        ));
    }

    #[test]
    fn rows_keep_excel_numbers() {
        let text = "a,b\n\n\"x\ny\",z\nlast,row\n";
        let rows: Vec<RawRow> = CsvRows::new(text, limits()).map(|r| r.unwrap()).collect();
        let indexes: Vec<u32> = rows.iter().map(|r| r.index).collect();
        assert_eq!(indexes, vec![0, 2, 3]);
        assert_eq!(rows[1].get(0), Some(&CellValue::Text("x\ny".into())));
        for text in ["h\r\n1\r\n\r\n\r\n2\r\n", "h\r1\r\r\r2\r", "h\n1\n\n\n2"] {
            let indexes: Vec<u32> = CsvRows::new(text, limits())
                .map(|r| r.unwrap().index)
                .collect();
            assert_eq!(indexes, vec![0, 1, 4], "{text:?}");
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("a,b\n"), b',');
        assert_eq!(sniff_delimiter("abc\n"), b',');
    }
}
