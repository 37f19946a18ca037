//! The merged regions of an xlsx worksheet, found without parsing its cells.
//!
//! A worksheet lists its `<mergeCells>` after all of its `<sheetData>`. Reading them through
//! calamine parses the whole sheet as XML once more before the cells are streamed: on a
//! sheet of 100,000 rows that is a sixth of the read. Here the sheet is only inflated and
//! searched for the element's name; the XML parser starts from there. A package laid out
//! otherwise than `xl/workbook.xml` with its relationships in `xl/_rels/` gives `None`, and
//! the caller asks calamine.

use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::merge::Merge;

/// Most merged regions kept per sheet (more only in a hostile file; only their filling is
/// lost).
const MAX_MERGES: usize = 100_000;

/// Bytes inflated per search step.
const CHUNK: usize = 256 * 1024;

/// Bytes carried from one step to the next, so that a name cut in two by a step's end and
/// the `<prefix:` before it are still found.
const OVERLAP: usize = 64;

/// The element searched for.
const NEEDLE: &str = "mergeCells";

type Zip<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

/// The merged regions of the worksheet named `sheet`, or `None` when this package does not
/// say plainly where that sheet is or its XML cannot be read here.
pub(crate) fn merged_regions(bytes: &[u8], sheet: &str) -> Option<Vec<Merge>> {
    let mut zip: Zip<'_> = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let relationship = sheet_relationship(&mut zip, sheet)?;
    let path = relationship_target(&mut zip, &relationship)?;
    let entry = zip.by_name(&path).ok()?;
    match find(entry, NEEDLE.as_bytes())? {
        Found::No => Some(Vec::new()),
        Found::At(tail, rest) => read_merges(Cursor::new(tail).chain(rest)),
    }
}

/// Where a search of an inflated part ended.
enum Found<R> {
    /// The part does not hold the name.
    No,
    /// The bytes from the `<` before the first occurrence, and the rest of the part.
    At(Vec<u8>, R),
}

/// Reads `part` until `needle` appears; `None` on a read error.
fn find<R: Read>(mut part: R, needle: &[u8]) -> Option<Found<R>> {
    let finder = memchr::memmem::Finder::new(needle);
    let mut buf = vec![0u8; CHUNK + OVERLAP];
    let mut kept = 0;
    loop {
        let read = part.read(&mut buf[kept..]).ok()?;
        if read == 0 {
            return Some(Found::No);
        }
        let filled = kept + read;
        if let Some(at) = finder.find(&buf[..filled]) {
            let start = memchr::memrchr(b'<', &buf[..at]).unwrap_or(at);
            buf.truncate(filled);
            buf.drain(..start);
            return Some(Found::At(buf, part));
        }
        kept = OVERLAP.min(filled);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// The value of the attribute whose local name is `name`, unescaped.
fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Calls `each` with every start (or empty) element of the part until it returns `Some`.
fn first_element<R: Read, T>(
    part: R,
    mut each: impl FnMut(&BytesStart<'_>) -> Option<T>,
) -> Option<T> {
    let mut reader = Reader::from_reader(BufReader::new(part));
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) => {
                if let Some(found) = each(&e) {
                    return Some(found);
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The relationship id of the sheet named `sheet` in `xl/workbook.xml`.
fn sheet_relationship(zip: &mut Zip<'_>, sheet: &str) -> Option<String> {
    let workbook = zip.by_name("xl/workbook.xml").ok()?;
    first_element(workbook, |e| {
        (e.local_name().as_ref() == "sheet" && attribute(e, "name").as_deref() == Some(sheet))
            .then(|| attribute(e, "id"))
            .flatten()
    })
}

/// The part a relationship of `xl/workbook.xml` points to.
fn relationship_target(zip: &mut Zip<'_>, relationship: &str) -> Option<String> {
    let rels = zip.by_name("xl/_rels/workbook.xml.rels").ok()?;
    let target = first_element(rels, |e| {
        (e.local_name().as_ref() == "Relationship"
            && attribute(e, "Id").as_deref() == Some(relationship))
        .then(|| attribute(e, "Target"))
        .flatten()
    })?;
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("xl/{target}"),
    })
}

/// The `<mergeCell ref="…">` regions inside `<mergeCells>`, from wherever `part` starts.
fn read_merges<R: Read>(part: R) -> Option<Vec<Merge>> {
    let mut reader = Reader::from_reader(BufReader::new(part));
    // The part is read from the middle: ends of elements it did not see start are expected.
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    let mut buf = Vec::with_capacity(1024);
    let mut merges = Vec::new();
    let mut inside = false;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == NEEDLE => inside = true,
            Event::End(e) if e.local_name().as_ref() == NEEDLE => return Some(merges),
            Event::Start(e) | Event::Empty(e)
                if inside && e.local_name().as_ref() == "mergeCell" =>
            {
                if merges.len() < MAX_MERGES
                    && let Some(merge) = attribute(&e, "ref").as_deref().and_then(region)
                {
                    merges.push(merge);
                }
            }
            Event::Eof => return Some(merges),
            _ => {}
        }
    }
}

/// `A1:C2` (or a single `B3`) as a 0-based inclusive region.
fn region(reference: &str) -> Option<Merge> {
    let (first, last) = reference.split_once(':').unwrap_or((reference, reference));
    let (first_row, first_col) = cell(first)?;
    let (last_row, last_col) = cell(last)?;
    Some(Merge {
        first_row: first_row.min(last_row),
        first_col: first_col.min(last_col),
        last_row: first_row.max(last_row),
        last_col: first_col.max(last_col),
    })
}

/// `AB12` (`$` signs allowed) as 0-based (row, column).
fn cell(reference: &str) -> Option<(u32, u32)> {
    let reference = reference.trim().replace('$', "");
    let letters = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    if !(1..=3).contains(&letters) {
        return None;
    }
    let column = reference[..letters].bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row: u32 = reference[letters..].parse().ok()?;
    Some((row.checked_sub(1)?, column - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_become_zero_based_regions() {
        assert_eq!(
            region("B2:$D$5"),
            Some(Merge {
                first_row: 1,
                first_col: 1,
                last_row: 4,
                last_col: 3,
            })
        );
        assert_eq!(cell("AA10"), Some((9, 26)));
        assert_eq!(cell("A0"), None);
        assert_eq!(cell("10"), None);
        assert_eq!(region("ZZZZ1:A1"), None);
    }

    #[test]
    fn a_name_cut_by_the_end_of_a_step_is_found() {
        let mut sheet = vec![b' '; CHUNK - 4];
        sheet.extend_from_slice(b"<x:mergeCells count=\"1\"><x:mergeCell ref=\"A1:B2\"/>");
        sheet.extend_from_slice(b"</x:mergeCells></worksheet>");
        let Some(Found::At(tail, rest)) = find(Cursor::new(sheet), NEEDLE.as_bytes()) else {
            panic!("not found");
        };
        assert!(tail.starts_with(b"<x:mergeCells"));
        let merges = read_merges(Cursor::new(tail).chain(rest));
        assert_eq!(merges.map(|m| m.len()), Some(1));
    }

    #[test]
    fn the_name_in_a_cell_text_is_not_a_region() {
        let sheet = b"<sheetData><row><c t=\"inlineStr\"><is><t>mergeCells</t></is></c></row>\
            </sheetData><mergeCells><mergeCell ref=\"C3:C4\"/></mergeCells>";
        let Some(Found::At(tail, rest)) = find(Cursor::new(&sheet[..]), NEEDLE.as_bytes()) else {
            panic!("not found");
        };
        let merges = read_merges(Cursor::new(tail).chain(rest)).unwrap_or_default();
        assert_eq!(
            merges,
            [Merge {
                first_row: 2,
                first_col: 2,
                last_row: 3,
                last_col: 2,
            }]
        );
    }
}
