//! What the bytes are: detected from the content (magic bytes, zip entries), never from the name alone.

use std::io::{Cursor, Read};

use crate::error::ImportError;
use crate::options::ReadOptions;
use crate::upload::FileFormat;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Most entries a spreadsheet zip may hold.
const MAX_ZIP_ENTRIES: u64 = 10_000;

/// Signatures of common files that are not spreadsheets, to name them in the error.
const OTHER_SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "PNG 图片 / PNG image"),
    (b"\xFF\xD8\xFF", "JPEG 图片 / JPEG image"),
    (b"GIF87a", "GIF 图片 / GIF image"),
    (b"GIF89a", "GIF 图片 / GIF image"),
    (b"BM", "BMP 图片 / BMP image"),
    (b"%PDF", "PDF 文档 / PDF document"),
    (b"\x1F\x8B", "gzip 压缩包 / gzip archive"),
    (b"7z\xBC\xAF\x27\x1C", "7z 压缩包 / 7z archive"),
    (b"Rar!\x1A\x07", "RAR 压缩包 / RAR archive"),
    (b"\x7FELF", "可执行文件 / executable"),
    (b"MZ", "可执行文件 / executable"),
    (b"{\\rtf", "RTF 文档 / RTF document"),
];

/// Checks size and emptiness, then tells the container format from the content.
pub(crate) fn detect(bytes: &[u8], options: &ReadOptions) -> Result<FileFormat, ImportError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::EmptyFile);
    }
    let size = bytes.len() as u64;
    if size > options.max_file_bytes {
        return Err(ImportError::FileTooLarge {
            size,
            limit: options.max_file_bytes,
        });
    }
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(ZIP_EMPTY_MAGIC) {
        return detect_zip(bytes, options);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return detect_cfb(bytes);
    }
    // "BM" and "MZ" are two letters a CSV may well start with: only trust them with binary content.
    for (magic, name) in OTHER_SIGNATURES {
        let weak = magic.len() == 2 && magic.is_ascii();
        if bytes.starts_with(magic) && (!weak || bytes.iter().take(512).any(|&b| b == 0)) {
            return Err(ImportError::UnsupportedFormat {
                detail: (*name).to_string(),
            });
        }
    }
    Ok(FileFormat::Csv)
}

/// Opens a zip, refuses bombs (declared sizes and entry count), and tells xlsx / xlsm / ods apart.
fn detect_zip(bytes: &[u8], options: &ReadOptions) -> Result<FileFormat, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(ImportError::corrupt)?;
    let entries = zip.len() as u64;
    if entries > MAX_ZIP_ENTRIES {
        return Err(ImportError::ZipBomb {
            declared: entries,
            limit: MAX_ZIP_ENTRIES,
        });
    }
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(ImportError::corrupt)?;
        total = total.saturating_add(entry.size());
        names.push(String::from_utf8_lossy(entry.name_raw()).into_owned());
    }
    if total > options.max_uncompressed_bytes {
        return Err(ImportError::ZipBomb {
            declared: total,
            limit: options.max_uncompressed_bytes,
        });
    }
    let has = |n: &str| names.iter().any(|e| e.eq_ignore_ascii_case(n));
    if has("xl/workbook.xml") {
        return Ok(if has("xl/vbaProject.bin") {
            FileFormat::Xlsm
        } else {
            FileFormat::Xlsx
        });
    }
    if has("xl/workbook.bin") {
        return Err(unsupported(
            "xlsb（Excel 二进制工作簿）/ xlsb binary workbook: save it as xlsx",
        ));
    }
    if has("mimetype") || has("content.xml") {
        let mime = read_small_entry(&mut zip, "mimetype").unwrap_or_default();
        if mime.trim() == "application/vnd.oasis.opendocument.spreadsheet"
            || (mime.is_empty() && has("content.xml"))
        {
            return Ok(FileFormat::Ods);
        }
        return Err(unsupported(&format!("OpenDocument {}", mime.trim())));
    }
    if has("word/document.xml") {
        return Err(unsupported("Word 文档 / Word document"));
    }
    if names.iter().any(|n| n.starts_with("ppt/")) {
        return Err(unsupported("PowerPoint 演示文稿 / PowerPoint presentation"));
    }
    Err(unsupported("zip 压缩包 / zip archive"))
}

fn unsupported(detail: &str) -> ImportError {
    ImportError::UnsupportedFormat {
        detail: detail.to_string(),
    }
}

/// Reads a small text entry (at most 1 KiB) of a zip.
fn read_small_entry(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let entry = zip.by_name(name).ok()?;
    let mut s = String::new();
    entry.take(1024).read_to_string(&mut s).ok()?;
    Some(s)
}

/// A compound file: an xls workbook, or an encrypted OOXML package (EncryptionInfo + EncryptedPackage).
fn detect_cfb(bytes: &[u8]) -> Result<FileFormat, ImportError> {
    if cfb_has_entry(bytes, "EncryptedPackage") || cfb_has_entry(bytes, "EncryptionInfo") {
        return Err(ImportError::EncryptedFile);
    }
    if cfb_has_entry(bytes, "Workbook") || cfb_has_entry(bytes, "Book") {
        return Ok(FileFormat::Xls);
    }
    if cfb_has_entry(bytes, "WordDocument") {
        return Err(unsupported("Word 97-2003 文档 / Word 97-2003 document"));
    }
    Err(unsupported(
        "复合文档但不是 Excel 工作簿 / compound file that is not an Excel workbook",
    ))
}

/// Whether a compound file's directory holds an entry with this name. Directory entries are
/// 128-byte records aligned to 128 bytes: a UTF-16LE name, then its byte length (with the
/// terminating NUL) at offset 64.
pub(crate) fn cfb_has_entry(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name
        .encode_utf16()
        .chain(std::iter::once(0))
        .flat_map(u16::to_le_bytes)
        .collect();
    let Ok(name_len) = u16::try_from(needle.len()) else {
        return false;
    };
    memchr::memmem::find_iter(bytes, &needle).any(|off| {
        off % 128 == 0
            && bytes
                .get(off + 64..off + 66)
                .is_some_and(|l| u16::from_le_bytes([l[0], l[1]]) == name_len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_signatures() {
        let o = ReadOptions::default();
        assert!(matches!(detect(b"", &o), Err(ImportError::EmptyFile)));
        assert!(matches!(
            detect(b" \r\n\t", &o),
            Err(ImportError::EmptyFile)
        ));
        assert_eq!(
            detect("姓名,国籍\n".as_bytes(), &o).unwrap(),
            FileFormat::Csv
        );
        assert_eq!(detect(b"BMW,KOR\n", &o).unwrap(), FileFormat::Csv);
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(detect(png, &o).unwrap_err().code(), "UNSUPPORTED_FORMAT");
        let truncated = b"PK\x03\x04\x14\0\0\0\x08\0";
        assert_eq!(detect(truncated, &o).unwrap_err().code(), "CORRUPT_FILE");
        let small = ReadOptions {
            max_file_bytes: 4,
            ..ReadOptions::default()
        };
        assert_eq!(
            detect(b"a,b,c\n", &small).unwrap_err().code(),
            "FILE_TOO_LARGE"
        );
    }

    #[test]
    fn cfb_entry_search_needs_alignment() {
        let mut bytes = vec![0u8; 1024];
        let name: Vec<u8> = "Workbook\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        bytes[512 + 128..512 + 128 + name.len()].copy_from_slice(&name);
        bytes[512 + 128 + 64] = name.len() as u8;
        assert!(cfb_has_entry(&bytes, "Workbook"));
        assert!(!cfb_has_entry(&bytes, "EncryptedPackage"));
        let mut shifted = vec![0u8; 3];
        shifted.extend_from_slice(&bytes);
        assert!(!cfb_has_entry(&shifted, "Workbook"));
    }
}
