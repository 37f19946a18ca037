//! Hostile and broken input: each is a clear error with a stable code, never a panic or a huge
//! allocation.

mod common;

use std::io::{Cursor, Write};

use common::{C, err_code, ok, read, rezip, simple_xlsx, unzip, zip_of};
use importers::{FileFormat, ReadOptions, SourceKind, read_upload};

fn visa_xlsx() -> Vec<u8> {
    simple_xlsx(vec![
        vec![
            C::S("姓名"),
            C::S("国籍"),
            C::S("护照号码"),
            C::S("签证种类"),
        ],
        vec![C::S("KIM"), C::S("韩国"), C::S("M1"), C::S("Z")],
    ])
}

#[test]
fn empty_file() {
    assert_eq!(err_code(b"", "x.xlsx", None), "EMPTY_FILE");
    assert_eq!(err_code(b"  \r\n", "x.csv", None), "EMPTY_FILE");
}

#[test]
fn wrong_extensions_are_ignored_content_decides() {
    let csv = "姓名,国籍,护照号码,签证种类\nKIM,韩国,M1,Z\n";
    let up = ok(csv.as_bytes(), "really_a_csv.xlsx", None);
    assert_eq!(up.format, FileFormat::Csv);
    assert_eq!(up.accepted(), 1);
    let up = ok(&visa_xlsx(), "really_an_xlsx.csv", None);
    assert_eq!(up.format, FileFormat::Xlsx);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    assert_eq!(err_code(png, "photo.xlsx", None), "UNSUPPORTED_FORMAT");
    assert_eq!(
        err_code(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "report.xlsx", None),
        "UNSUPPORTED_FORMAT"
    );
}

#[test]
fn truncated_zip() {
    let bytes = visa_xlsx();
    for cut in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 30] {
        assert_eq!(
            err_code(&bytes[..cut], "cut.xlsx", None),
            "CORRUPT_FILE",
            "cut at {cut}"
        );
    }
}

#[test]
fn zip_that_is_not_a_spreadsheet() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"hello").unwrap();
    let bytes = w.finish().unwrap().into_inner();
    assert_eq!(err_code(&bytes, "x.xlsx", None), "UNSUPPORTED_FORMAT");
}

#[test]
fn encrypted_ooxml_is_refused() {
    // What Excel writes for "Encrypt with password": a compound file holding the encrypted package.
    let mut comp = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    comp.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0u8; 4096])
        .unwrap();
    comp.flush().unwrap();
    let bytes = comp.into_inner().into_inner();
    assert_eq!(err_code(&bytes, "secret.xlsx", None), "ENCRYPTED_FILE");
    let e = read(&bytes, "secret.xlsx", None).unwrap_err();
    assert!(e.to_string().contains("密码"), "{e}");
}

#[test]
fn compound_file_that_is_not_a_workbook() {
    let mut comp = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/WordDocument")
        .unwrap()
        .write_all(&[0u8; 100])
        .unwrap();
    comp.flush().unwrap();
    let bytes = comp.into_inner().into_inner();
    assert_eq!(err_code(&bytes, "doc.xls", None), "UNSUPPORTED_FORMAT");
}

#[test]
fn damaged_xls_is_corrupt() {
    let mut comp = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/Workbook")
        .unwrap()
        .write_all(&[0xFFu8; 300])
        .unwrap();
    comp.flush().unwrap();
    let bytes = comp.into_inner().into_inner();
    assert_eq!(err_code(&bytes, "bad.xls", None), "CORRUPT_FILE");
}

#[test]
fn binary_noise_csv() {
    let mut state = 0x9E37_79B9_u32;
    let noise: Vec<u8> = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 11) as u8
        })
        .collect();
    assert_eq!(err_code(&noise, "noise.csv", None), "BINARY_CONTENT");
    let mut nul = b"a,b,c\n".to_vec();
    nul.extend(std::iter::repeat_n(0u8, 500));
    assert_eq!(err_code(&nul, "nul.csv", None), "BINARY_CONTENT");
}

#[test]
fn sheet_declaring_a_huge_dimension_is_refused_without_allocating() {
    // Rewrite the dimension to A1:XFD1048576 (17 billion cells) in an otherwise tiny file.
    let bytes = rezip(&visa_xlsx(), |name, data| {
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            let start = xml.find("<dimension ref=\"").unwrap() + "<dimension ref=\"".len();
            let end = start + xml[start..].find('"').unwrap();
            format!("{}A1:XFD1048576{}", &xml[..start], &xml[end..]).into_bytes()
        } else {
            data
        }
    });
    assert_eq!(err_code(&bytes, "huge.xlsx", None), "TOO_MANY_CELLS");
    // A stray cell at the last row and column declares the same range.
    let mut rows = vec![vec![
        C::S("姓名"),
        C::S("国籍"),
        C::S("护照号码"),
        C::S("签证种类"),
    ]];
    rows.push(vec![C::S("KIM"), C::S("韩国"), C::S("M1"), C::S("Z")]);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if let C::S(s) = cell {
                ws.write_string(r as u32, c as u16, *s).unwrap();
            }
        }
    }
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let stray = wb.save_to_buffer().unwrap();
    assert_eq!(err_code(&stray, "stray.xlsx", None), "TOO_MANY_CELLS");
}

#[test]
fn shared_string_table_declaring_a_huge_count_is_refused() {
    let bytes = rezip(&visa_xlsx(), |name, data| {
        if name == "xl/sharedStrings.xml" {
            let xml = String::from_utf8(data).unwrap();
            let start = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = start + xml[start..].find('"').unwrap();
            format!("{}4000000000000{}", &xml[..start], &xml[end..]).into_bytes()
        } else {
            data
        }
    });
    assert_eq!(err_code(&bytes, "sst.xlsx", None), "TOO_MANY_CELLS");
}

/// The visa workbook with its `<sst ...>` start tag replaced by `tag`.
fn with_sst_tag(tag: &str) -> Vec<(String, Vec<u8>)> {
    let mut entries = unzip(&visa_xlsx());
    let (_, data) = entries
        .iter_mut()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap();
    let xml = String::from_utf8(data.clone()).unwrap();
    let start = xml.find("<sst").unwrap();
    let end = start + xml[start..].find('>').unwrap() + 1;
    *data = format!("{}{tag}{}", &xml[..start], &xml[end..]).into_bytes();
    entries
}

const SST_NS: &str = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";

#[test]
fn shared_string_count_in_single_quotes_or_after_a_long_attribute_is_refused() {
    // Each of these made calamine reserve 24 × 10^15 bytes and abort the process.
    let quoted = with_sst_tag(&format!(
        "<sst {SST_NS} count='8' uniqueCount='1000000000000000'>"
    ));
    assert_eq!(err_code(&zip_of(&quoted), "q.xlsx", None), "TOO_MANY_CELLS");
    let padding = "x".repeat(5_000);
    let long = with_sst_tag(&format!(
        "<sst {SST_NS} pad=\"{padding}\" uniqueCount=\"1000000000000000\" count=\"8\">"
    ));
    assert_eq!(
        err_code(&zip_of(&long), "long.xlsx", None),
        "TOO_MANY_CELLS"
    );
    let spaced = with_sst_tag(&format!(
        "<sst {SST_NS}\n  uniqueCount = \"0001000000000000000\">"
    ));
    assert_eq!(
        err_code(&zip_of(&spaced), "sp.xlsx", None),
        "TOO_MANY_CELLS"
    );
    let prefixed = with_sst_tag(
        "<x:sst xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" uniqueCount=\"1000000000000000\">",
    );
    assert_eq!(
        err_code(&zip_of(&prefixed), "px.xlsx", None),
        "TOO_MANY_CELLS"
    );
    // The same file with an honest count is read.
    let honest = with_sst_tag(&format!("<sst {SST_NS} count='8' uniqueCount='8'>"));
    assert_eq!(ok(&zip_of(&honest), "ok.xlsx", None).accepted(), 1);
}

#[test]
fn a_decoy_shared_string_part_earlier_in_the_zip_does_not_hide_the_real_one() {
    let mut entries = with_sst_tag(&format!("<sst {SST_NS} uniqueCount=\"1000000000000000\">"));
    let decoy = format!("<?xml version=\"1.0\"?><sst {SST_NS} count=\"0\" uniqueCount=\"0\"/>");
    entries.insert(
        0,
        (
            "docProps/sharedStrings.xml".into(),
            decoy.clone().into_bytes(),
        ),
    );
    entries.insert(
        1,
        ("xl/worksheets/sharedStrings.xml".into(), decoy.into_bytes()),
    );
    assert_eq!(
        err_code(&zip_of(&entries), "decoy.xlsx", None),
        "TOO_MANY_CELLS"
    );
}

#[test]
fn the_shared_string_part_is_found_however_the_package_names_it() {
    let hostile = format!("<sst {SST_NS} uniqueCount=\"1000000000000000\">");
    // The name calamine opens, written in other letter case and with a backslash.
    for name in ["XL/SHAREDSTRINGS.XML", "xl\\sharedStrings.xml"] {
        let mut entries = with_sst_tag(&hostile);
        for (n, _) in entries.iter_mut() {
            if n == "xl/sharedStrings.xml" {
                *n = name.to_string();
            }
        }
        assert_eq!(
            err_code(&zip_of(&entries), "case.xlsx", None),
            "TOO_MANY_CELLS",
            "{name}"
        );
    }
    // A part with an odd name that the workbook's relationships name as its shared strings.
    let mut entries = with_sst_tag(&hostile);
    for (n, data) in entries.iter_mut() {
        if n == "xl/sharedStrings.xml" {
            *n = "strings/table 1.xml".to_string();
        }
        if n == "xl/_rels/workbook.xml.rels" {
            let xml = String::from_utf8(data.clone()).unwrap();
            *data = xml
                .replace(
                    "Target=\"sharedStrings.xml\"",
                    "Target='../strings/table 1.xml'",
                )
                .into_bytes();
            assert_ne!(*data, xml.into_bytes(), "the relationship was rewritten");
        }
    }
    assert_eq!(
        err_code(&zip_of(&entries), "odd.xlsx", None),
        "TOO_MANY_CELLS"
    );
    // The workbook itself moved: the package relationships point at book/main.xml.
    let mut entries = with_sst_tag(&hostile);
    for (n, data) in entries.iter_mut() {
        let moved = n.replacen("xl/", "book/", 1);
        *n = moved
            .replace("book/workbook.xml", "book/main.xml")
            .replace("book/_rels/workbook.xml.rels", "book/_rels/main.xml.rels");
        if n == "_rels/.rels" {
            let xml = String::from_utf8(data.clone()).unwrap();
            *data = xml.replace("xl/workbook.xml", "book/main.xml").into_bytes();
        }
        if n == "[Content_Types].xml" {
            let xml = String::from_utf8(data.clone()).unwrap();
            *data = xml
                .replace("/xl/workbook.xml", "/book/main.xml")
                .replace("/xl/", "/book/")
                .into_bytes();
        }
    }
    // A benign workbook and table stay at the usual place, as decoys.
    let workbook = entries
        .iter()
        .find(|(n, _)| n == "book/main.xml")
        .map(|(_, d)| d.clone())
        .unwrap();
    entries.push(("xl/workbook.xml".into(), workbook));
    let benign = format!("<sst {SST_NS} count=\"0\" uniqueCount=\"0\"/>");
    entries.push(("xl/sharedStrings.xml".into(), benign.into_bytes()));
    assert_eq!(
        err_code(&zip_of(&entries), "moved.xlsx", None),
        "TOO_MANY_CELLS"
    );
}

#[test]
fn a_shared_string_count_the_part_cannot_hold_is_a_lie() {
    // Four million strings are within the cell limit, but not in a part of a few hundred bytes.
    let lie = with_sst_tag(&format!("<sst {SST_NS} uniqueCount=\"4000000\">"));
    assert_eq!(err_code(&zip_of(&lie), "lie.xlsx", None), "CORRUPT_FILE");
}

#[test]
fn a_shared_string_part_holding_more_items_than_the_cell_limit_is_refused() {
    // Empty items compress to almost nothing and each still costs a string in memory.
    let mut entries = with_sst_tag(&format!("<sst {SST_NS} uniqueCount=\"8\">"));
    let (_, data) = entries
        .iter_mut()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap();
    let xml = String::from_utf8(data.clone()).unwrap();
    let at = xml.find("</sst>").unwrap();
    *data = format!("{}{}{}", &xml[..at], "<si/>".repeat(5_000), &xml[at..]).into_bytes();
    let options = ReadOptions {
        max_cells: 1_000,
        ..ReadOptions::default()
    };
    let e = read_upload(&zip_of(&entries), "items.xlsx", None, &options).unwrap_err();
    assert_eq!(e.code(), "TOO_MANY_CELLS", "{e}");
    // Within the limit, the same table is read.
    let roomy = ReadOptions {
        max_cells: 100_000,
        ..ReadOptions::default()
    };
    assert!(read_upload(&zip_of(&entries), "items.xlsx", None, &roomy).is_ok());
}

#[test]
fn zip_bomb_is_refused_from_declared_sizes() {
    let bytes = rezip(&visa_xlsx(), |name, data| {
        if name == "xl/worksheets/sheet1.xml" {
            let mut padded = data;
            padded.extend(std::iter::repeat_n(b' ', 3 * 1024 * 1024));
            padded
        } else {
            data
        }
    });
    assert!(
        bytes.len() < 200 * 1024,
        "compressed stays small: {}",
        bytes.len()
    );
    let options = ReadOptions {
        max_uncompressed_bytes: 1024 * 1024,
        ..ReadOptions::default()
    };
    let e = read_upload(&bytes, "bomb.xlsx", None, &options).unwrap_err();
    assert_eq!(e.code(), "ZIP_BOMB");
}

#[test]
fn limits_on_rows_cells_and_size() {
    let mut text = String::from("姓名,国籍,护照号码,签证种类\n");
    for i in 0..50 {
        text.push_str(&format!("KIM,韩国,M{i},Z\n"));
    }
    let rows = ReadOptions {
        max_rows: 20,
        ..ReadOptions::default()
    };
    assert_eq!(
        read_upload(text.as_bytes(), "x.csv", None, &rows)
            .unwrap_err()
            .code(),
        "TOO_MANY_ROWS"
    );
    let cells = ReadOptions {
        max_cells: 100,
        ..ReadOptions::default()
    };
    assert_eq!(
        read_upload(text.as_bytes(), "x.csv", None, &cells)
            .unwrap_err()
            .code(),
        "TOO_MANY_CELLS"
    );
    let size = ReadOptions {
        max_file_bytes: 100,
        ..ReadOptions::default()
    };
    assert_eq!(
        read_upload(text.as_bytes(), "x.csv", None, &size)
            .unwrap_err()
            .code(),
        "FILE_TOO_LARGE"
    );
    let xlsx_rows = ReadOptions {
        max_rows: 1,
        ..ReadOptions::default()
    };
    assert_eq!(
        read_upload(&visa_xlsx(), "x.xlsx", None, &xlsx_rows)
            .unwrap_err()
            .code(),
        "TOO_MANY_ROWS"
    );
}

fn ods(content: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file("META-INF/manifest.xml", stored).unwrap();
    w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    w.start_file("content.xml", stored).unwrap();
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{content}</office:spreadsheet></office:body></office:document-content>"#
    );
    w.write_all(doc.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

fn ods_cell(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

#[test]
fn ods_repeat_bomb_is_refused_and_spans_are_filled() {
    let header: String = ["酒店/景区", "姓名", "国籍", "护照号码", "入住日期"]
        .iter()
        .map(|h| ods_cell(h))
        .collect();
    let bomb_row = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    let bomb = ods(&format!(
        r#"<table:table table:name="Sheet1"><table:table-row>{header}</table:table-row>{bomb_row}</table:table>"#
    ));
    assert_eq!(err_code(&bomb, "bomb.ods", None), "TOO_MANY_CELLS");

    // A hotel name spanning two rows is filled into the covered cell.
    let spanned = format!(
        r#"<table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>飞龙温泉</text:p></table:table-cell>{}{}{}{}"#,
        ods_cell("KIM"),
        ods_cell("韩国"),
        ods_cell("M1"),
        ods_cell("2020-01-23")
    );
    let covered = format!(
        r#"<table:covered-table-cell/>{}{}{}{}"#,
        ods_cell("LEE"),
        ods_cell("韩国"),
        ods_cell("M2"),
        ods_cell("2020-01-24")
    );
    let good = ods(&format!(
        r#"<table:table table:name="Guests"><table:table-row>{header}</table:table-row><table:table-row>{spanned}</table:table-row><table:table-row>{covered}</table:table-row></table:table>"#
    ));
    let up = ok(&good, "guests.ods", None);
    assert_eq!(up.format, FileFormat::Ods);
    assert_eq!(up.kind, SourceKind::LodgingRegister);
    assert_eq!(up.accepted(), 2);
    for rec in up.records() {
        match rec {
            importers::Record::LodgingRegister(l) => {
                assert_eq!(l.hotel.as_deref(), Some("飞龙温泉"))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn header_errors_name_what_was_recognised_and_missing() {
    let no_header = "a,b,c\n1,2,3\n";
    assert_eq!(err_code(no_header.as_bytes(), "x.csv", None), "NO_HEADER");
    let partial = "姓名,性别,出生日期\nKIM,男,1990-01-01\n";
    let e = read(partial.as_bytes(), "x.csv", None).unwrap_err();
    assert_eq!(e.code(), "UNKNOWN_HEADERS");
    let msg = e.to_string();
    assert!(
        msg.contains("姓名") && msg.contains("护照号码") && msg.contains("国籍"),
        "{msg}"
    );
    let e = read(
        partial.as_bytes(),
        "x.csv",
        Some(SourceKind::EmploymentRoster),
    )
    .unwrap_err();
    assert_eq!(e.code(), "KIND_MISMATCH");
    assert!(e.to_string().contains("护照号码"), "{e}");
    // The police list named as a health check: the check date is missing.
    let visa = "姓名,国籍,护照号码,签证种类\nKIM,韩国,M1,Z\n";
    let e = read(visa.as_bytes(), "x.csv", Some(SourceKind::HealthCheck)).unwrap_err();
    assert_eq!(e.code(), "KIND_MISMATCH");
    assert!(e.to_string().contains("检测日期"), "{e}");
    assert_eq!(
        err_code(b"just one line of text", "x.csv", None),
        "NO_HEADER"
    );
}

fn biff_record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend_from_slice(&(data.len() as u16).to_le_bytes());
    r.extend_from_slice(data);
    r
}

fn xls_with_sheet_records(records: &[Vec<u8>]) -> Vec<u8> {
    xls_with_records(&[], records)
}

/// An xls whose workbook globals hold `globals` and whose one sheet holds `records`.
fn xls_with_records(globals: &[Vec<u8>], records: &[Vec<u8>]) -> Vec<u8> {
    let bof = biff_record(0x0809, &[0, 6, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let eof = biff_record(0x000A, &[]);
    let mut stream = Vec::new();
    stream.extend(&bof);
    for r in globals {
        stream.extend(r);
    }
    stream.extend(&eof);
    stream.extend(&bof);
    for r in records {
        stream.extend(r);
    }
    stream.extend(&eof);
    let mut comp = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

#[test]
fn xls_declaring_or_spanning_a_huge_range_is_refused_before_reading() {
    // DIMENSIONS: rows 0..4,000,000,000, columns 0..200.
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&4_000_000_000u32.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&200u16.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    let bytes = xls_with_sheet_records(&[biff_record(0x0200, &dims)]);
    assert_eq!(err_code(&bytes, "dims.xls", None), "TOO_MANY_CELLS");

    // Two numbers at opposite corners: calamine would allocate the whole 65,536 × 65,536 box.
    let number = |row: u16, col: u16| {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&1.0f64.to_le_bytes());
        biff_record(0x0203, &d)
    };
    let bytes = xls_with_sheet_records(&[number(0, 0), number(65_535, 65_535)]);
    assert_eq!(err_code(&bytes, "corners.xls", None), "TOO_MANY_CELLS");
}

#[test]
fn password_protected_xls_is_encrypted() {
    let bytes = xls_with_sheet_records(&[]);
    // A FILEPASS record in the globals (RC4 encryption).
    let mut comp = cfb::CompoundFile::open(Cursor::new(bytes)).unwrap();
    let mut stream = Vec::new();
    std::io::Read::read_to_end(&mut comp.open_stream("/Workbook").unwrap(), &mut stream).unwrap();
    let bof_len = 4 + 16;
    let mut patched = stream[..bof_len].to_vec();
    patched.extend(biff_record(0x002F, &[1, 0, 1, 0, 1, 0]));
    patched.extend_from_slice(&stream[bof_len..]);
    let mut comp = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/Workbook")
        .unwrap()
        .write_all(&patched)
        .unwrap();
    comp.flush().unwrap();
    let bytes = comp.into_inner().into_inner();
    assert_eq!(err_code(&bytes, "locked.xls", None), "ENCRYPTED_FILE");
}

#[test]
fn other_counts_in_the_file_size_no_allocation() {
    // An xls shared-string table declaring four billion strings and holding one: calamine
    // grows its table from the strings it finds, not from the count.
    let mut sst = u32::MAX.to_le_bytes().to_vec();
    sst.extend_from_slice(&u32::MAX.to_le_bytes());
    sst.extend_from_slice(&[1, 0, 0, b'x']);
    let bytes = xls_with_records(&[biff_record(0x00FC, &sst)], &[]);
    assert_eq!(err_code(&bytes, "sst.xls", None), "NO_HEADER");
    // A shared formula with a huge index (calamine sizes its formula table from it when
    // formulas are read; cell values are read without it).
    let bytes = rezip(&visa_xlsx(), |name, data| {
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            let at = xml.find("</row>").unwrap();
            let cell =
                r#"<c r="Z1"><f t="shared" si="1000000000000" ref="Z1:Z2">1</f><v>1</v></c>"#;
            format!("{}{cell}{}", &xml[..at], &xml[at..]).into_bytes()
        } else {
            data
        }
    });
    assert_eq!(ok(&bytes, "formula.xlsx", None).accepted(), 1);
}

#[test]
fn a_workbook_stream_hidden_in_a_storage_is_never_read() {
    // calamine takes the first directory entry named Workbook, wherever it is. A hostile one
    // in a storage, before a benign /Workbook, made it reserve 1.1 TB and abort; the stream
    // that is checked is now the one that is read.
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/daqing-2020-02/soe_foreign_staff.xls");
    let original = std::fs::read(dir).unwrap();
    let mut comp = cfb::CompoundFile::open(Cursor::new(original.as_slice())).unwrap();
    let mut benign = Vec::new();
    std::io::Read::read_to_end(&mut comp.open_stream("/Workbook").unwrap(), &mut benign).unwrap();
    // The sheet's DIMENSIONS record, made to span four billion rows.
    let mut hostile = benign.clone();
    let mut pos = 0;
    let mut patched = false;
    while pos + 4 <= hostile.len() {
        let typ = u16::from_le_bytes([hostile[pos], hostile[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([hostile[pos + 2], hostile[pos + 3]]));
        if typ == 0x0200 && len == 14 {
            hostile[pos + 8..pos + 12].copy_from_slice(&4_000_000_000u32.to_le_bytes());
            patched = true;
        }
        pos += 4 + len;
    }
    assert!(patched, "the fixture has a DIMENSIONS record");
    let mut comp =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    comp.create_storage("/X").unwrap();
    comp.create_stream("/X/Workbook")
        .unwrap()
        .write_all(&hostile)
        .unwrap();
    comp.create_stream("/Workbook")
        .unwrap()
        .write_all(&benign)
        .unwrap();
    comp.flush().unwrap();
    let bytes = comp.into_inner().into_inner();
    let expected = ok(&original, "soe.xls", None).data_rows();
    assert_eq!(ok(&bytes, "nested.xls", None).data_rows(), expected);
    // The hostile stream itself, where it is read, is refused.
    let mut alone =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    alone
        .create_stream("/Workbook")
        .unwrap()
        .write_all(&hostile)
        .unwrap();
    alone.flush().unwrap();
    let alone = alone.into_inner().into_inner();
    assert_eq!(err_code(&alone, "hostile.xls", None), "TOO_MANY_CELLS");
}
