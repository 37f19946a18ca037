//! A check of an xlsx workbook's shared-string table before calamine opens the workbook.
//!
//! calamine reserves room for as many strings as the `<sst>` start tag declares in `uniqueCount`,
//! and then keeps every string item of the table in memory. Both are untrusted: a 2 KB file can
//! declare 10^15 strings, and a 1 MB file can inflate to a part holding two hundred million empty
//! items. So before calamine runs, every part it could read as the table (the one the workbook's
//! relationships name, and the `sharedStrings.xml` beside the workbook part that calamine itself
//! opens, in any letter case and however often the zip repeats the name) is read here with an XML
//! reader: the declared count must stay within the cell limit and within what the part's size can
//! hold (an item takes at least the five bytes of `<si/>`), and a part large enough to hold more
//! items than the cell limit has its items counted.

use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::error::ImportError;
use crate::limits::Limits;
use crate::options::ReadOptions;

type Zip<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

/// Fewest bytes a string item takes: `<si/>`.
const MIN_ITEM_BYTES: u64 = 5;

/// Bytes of a part read to find its root start tag; writers put it in the first few hundred.
const HEAD_LIMIT: u64 = 1024 * 1024;

/// Largest relationships part read.
const RELS_LIMIT: u64 = 4 * 1024 * 1024;

/// Where calamine and the package conventions look for the workbook when nothing says otherwise.
const DEFAULT_WORKBOOK: &str = "xl/workbook.xml";

/// Name given to the table in a [`ImportError::TooManyCells`].
const TABLE: &str = "sharedStrings";

/// Refuses a workbook whose shared-string table declares or holds more strings than the limits
/// allow, or declares more than its part can hold.
pub(crate) fn check(bytes: &[u8], options: &ReadOptions) -> Result<(), ImportError> {
    let mut zip: Zip<'_> =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(ImportError::corrupt)?;
    let names: Vec<String> = zip
        .file_names_raw()
        .map(|n| normalize(&String::from_utf8_lossy(n)))
        .collect();
    for path in candidate_parts(&mut zip, &names)? {
        for index in names
            .iter()
            .enumerate()
            .filter(|(_, n)| **n == path)
            .map(|(i, _)| i)
        {
            check_part(&mut zip, index, options)?;
        }
    }
    Ok(())
}

/// A zip entry name as calamine looks it up: `\` as `/`, ASCII letters in lower case.
fn normalize(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// Normalised paths of every part that may be read as the shared-string table.
fn candidate_parts(zip: &mut Zip<'_>, names: &[String]) -> Result<Vec<String>, ImportError> {
    let mut parts = vec![normalize("xl/sharedStrings.xml")];
    let mut workbooks: Vec<String> = relationships(zip, names, "_rels/.rels")?
        .into_iter()
        .filter(|(kind, _)| kind.ends_with("/officeDocument"))
        .map(|(_, target)| target)
        .collect();
    if workbooks.is_empty() {
        workbooks.push(DEFAULT_WORKBOOK.to_string());
    }
    for target in workbooks {
        // calamine: the target's directory as written (leading `/` dropped), then the fixed name.
        let raw_dir = target.rfind('/').map_or("", |i| &target[..=i]);
        let raw_dir = raw_dir.strip_prefix('/').unwrap_or(raw_dir);
        parts.push(normalize(&format!("{raw_dir}sharedStrings.xml")));
        // The package: whatever the workbook part's relationships name.
        let workbook = resolve("", &target);
        let (dir, file) = workbook.rfind('/').map_or(("", workbook.as_str()), |i| {
            (&workbook[..=i], &workbook[i + 1..])
        });
        let rels = format!("{dir}_rels/{file}.rels");
        for (kind, target) in relationships(zip, names, &normalize(&rels))? {
            if kind.ends_with("/sharedStrings") {
                parts.push(normalize(&resolve(dir, &target)));
            }
        }
    }
    parts.sort();
    parts.dedup();
    Ok(parts)
}

/// A relationship target resolved against the directory of its source part (`dir` ends with `/`
/// or is empty for the package root); `.` and `..` segments are resolved, a leading `/` is the root.
fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

/// `(Type, Target)` of every `<Relationship>` in the relationships part at the normalised `path`
/// (of every entry with that name); none when there is no such part.
fn relationships(
    zip: &mut Zip<'_>,
    names: &[String],
    path: &str,
) -> Result<Vec<(String, String)>, ImportError> {
    let mut found = Vec::new();
    let indices: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| *n == path)
        .map(|(i, _)| i)
        .collect();
    for index in indices {
        let entry = zip.by_index(index).map_err(ImportError::corrupt)?;
        let mut reader = Reader::from_reader(BufReader::new(entry.take(RELS_LIMIT)));
        let mut buf = Vec::with_capacity(1024);
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    let kind = attribute(&e, "Type")?.unwrap_or_default();
                    let target = attribute(&e, "Target")?.unwrap_or_default();
                    found.push((kind, target));
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => return Err(corrupt_part(path, e)),
            }
            buf.clear();
        }
    }
    Ok(found)
}

/// The unescaped value of the attribute with this local name (the last one if repeated).
fn attribute(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, ImportError> {
    let mut value = None;
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(ImportError::corrupt)?;
        if attr.key.local_name().as_ref() == name {
            value = Some(
                attr.normalized_value(XmlVersion::Implicit1_0)
                    .map_err(ImportError::corrupt)?
                    .into_owned(),
            );
        }
    }
    Ok(value)
}

fn corrupt_part(path: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::corrupt(format!("{path}: {e}"))
}

/// Checks one shared-string part (zip entry `index`).
fn check_part(zip: &mut Zip<'_>, index: usize, options: &ReadOptions) -> Result<(), ImportError> {
    let limits = Limits::new(TABLE, options.max_rows, options.max_cells);
    let entry = zip.by_index(index).map_err(ImportError::corrupt)?;
    // The zip reader fails a part that inflates beyond its declared size, so the size is a bound.
    let size = entry.size();
    let path = String::from_utf8_lossy(entry.name_raw()).into_owned();
    let declared = declared_unique_count(entry, size, &path)?;
    limits.check_cells(declared)?;
    let holds = size / MIN_ITEM_BYTES;
    if declared > holds {
        return Err(ImportError::corrupt(format!(
            "{path} declares {declared} strings but its {size} bytes hold at most {holds}"
        )));
    }
    if holds > options.max_cells {
        let entry = zip.by_index(index).map_err(ImportError::corrupt)?;
        let items = count_items(entry).map_err(|e| corrupt_part(&path, e))?;
        limits.check_cells(items)?;
    }
    Ok(())
}

/// The largest `uniqueCount` on the `<sst>` start tag, 0 when absent or not a number (calamine
/// then reserves nothing).
fn declared_unique_count(part: impl Read, size: u64, path: &str) -> Result<u64, ImportError> {
    let mut reader = Reader::from_reader(BufReader::new(part.take(HEAD_LIMIT)));
    let mut buf = Vec::with_capacity(1024);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                let mut declared = 0u64;
                for attr in e.attributes().with_checks(false) {
                    let attr = attr.map_err(|e| corrupt_part(path, e))?;
                    if attr.key.local_name().as_ref() == "uniqueCount" {
                        declared = declared.max(count_value(&attr.value));
                        let unescaped = attr
                            .normalized_value(XmlVersion::Implicit1_0)
                            .map_err(|e| corrupt_part(path, e))?;
                        declared = declared.max(count_value(&unescaped));
                    }
                }
                return Ok(declared);
            }
            Ok(Event::Start(_)) => {
                return Err(corrupt_part(path, "the root element is not <sst>"));
            }
            Ok(Event::Eof) if size > HEAD_LIMIT => {
                return Err(corrupt_part(path, "no <sst> start tag in the first 1 MiB"));
            }
            Ok(Event::Eof) => return Ok(0),
            Ok(_) => {}
            Err(e) => return Err(corrupt_part(path, e)),
        }
        buf.clear();
    }
}

/// A count as calamine reads it (digits, any number of leading zeros), read generously: white
/// space and a `+` are allowed; a number too large for u64 is u64::MAX; anything else is 0.
fn count_value(value: &str) -> u64 {
    let v = value.trim_ascii();
    let v = v.strip_prefix('+').unwrap_or(v);
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    v.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    })
}

/// Counts the `<si>` start tags (any namespace prefix) of a part, streaming it in chunks.
fn count_items(mut part: impl Read) -> std::io::Result<u64> {
    /// Longest element name looked at; `si` with a prefix is far shorter.
    const MAX_NAME: usize = 64;
    let mut buf = vec![0u8; 256 * 1024];
    let mut items = 0u64;
    // The name after a `<` so far, or None outside a tag name.
    let mut name: Option<Vec<u8>> = None;
    loop {
        let read = part.read(&mut buf)?;
        if read == 0 {
            return Ok(items);
        }
        let mut rest = &buf[..read];
        while !rest.is_empty() {
            match name.as_mut() {
                None => match memchr::memchr(b'<', rest) {
                    Some(at) => {
                        name = Some(Vec::with_capacity(MAX_NAME));
                        rest = &rest[at + 1..];
                    }
                    None => rest = &[],
                },
                Some(n) => {
                    let b = rest[0];
                    rest = &rest[1..];
                    if b.is_ascii_whitespace() || b == b'/' || b == b'>' {
                        let local = n.rsplit(|&c| c == b':').next().unwrap_or_default();
                        if local == b"si" && !n.is_empty() {
                            items += 1;
                        }
                        name = None;
                    } else if n.len() >= MAX_NAME {
                        name = None;
                    } else {
                        n.push(b);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_their_source() {
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(resolve("", "/xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(resolve("xl/", "sharedStrings.xml"), "xl/sharedStrings.xml");
        assert_eq!(resolve("xl/", "../strings/s.xml"), "strings/s.xml");
        assert_eq!(resolve("xl/", "/custom/s.xml"), "custom/s.xml");
        assert_eq!(resolve("xl/", "./a\\b.xml"), "xl/a/b.xml");
        assert_eq!(resolve("xl/", "../../../x.xml"), "x.xml");
    }

    #[test]
    fn counts_are_read_generously() {
        assert_eq!(count_value("12"), 12);
        assert_eq!(count_value(" +0000012 "), 12);
        assert_eq!(count_value("1000000000000000000000000"), u64::MAX);
        assert_eq!(count_value("1e9"), 0);
        assert_eq!(count_value(""), 0);
    }

    #[test]
    fn items_are_counted_across_chunks_and_prefixes() {
        let xml = "<sst><si><t>a</t></si><x:si/><si\n/><sis/><sib></sib>".repeat(100_000);
        assert_eq!(count_items(xml.as_bytes()).unwrap(), 300_000);
    }
}
