//! The one error type of the crate: why a whole file could not be read.
//!
//! Row-level problems are not errors: they are [`crate::RowIssue`]s on the rows.

use crate::kinds::SourceKind;
use crate::notes::ColumnNote;

/// Why an upload could not be read at all. Every variant has a stable [`ImportError::code`] and a
/// message in Chinese and English that tells the uploader what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has no bytes (or only white space).
    #[error(
        "文件为空，请选择包含数据的表格重新上传 / The file is empty: upload a spreadsheet that contains data."
    )]
    EmptyFile,

    /// The file is larger than [`crate::ReadOptions::max_file_bytes`].
    #[error(
        "文件过大（{size} 字节，上限 {limit} 字节），请拆分后分批上传 / The file is too large ({size} bytes, limit {limit}): split it and upload the parts."
    )]
    FileTooLarge {
        /// Size of the upload in bytes.
        size: u64,
        /// The configured limit in bytes.
        limit: u64,
    },

    /// The content is not a spreadsheet format the hub reads.
    #[error(
        "不支持的文件格式（{detail}），请上传 xlsx、xls、ods 或 csv 文件 / Unsupported file format ({detail}): upload an xlsx, xls, ods or csv file."
    )]
    UnsupportedFormat {
        /// What was found instead.
        detail: String,
    },

    /// The file claims a known format but cannot be read (truncated, damaged).
    #[error(
        "文件已损坏或不完整（{detail}），请在 Excel/WPS 中打开后另存为 xlsx 再上传 / The file is damaged or incomplete ({detail}): open it in Excel/WPS, save it again as xlsx and re-upload."
    )]
    CorruptFile {
        /// The reader's explanation.
        detail: String,
    },

    /// The workbook is protected by a password (encrypted).
    #[error(
        "文件设置了打开密码（已加密），请取消密码保护后再上传 / The workbook is password-protected (encrypted): remove the password and upload it again."
    )]
    EncryptedFile,

    /// A sheet declares or holds more cells than [`crate::ReadOptions::max_cells`].
    #[error(
        "工作表“{sheet}”的单元格过多（{cells} 个，上限 {limit} 个），请删除多余的空行空列或拆分文件 / Sheet '{sheet}' has too many cells ({cells}, limit {limit}): delete stray rows/columns or split the file."
    )]
    TooManyCells {
        /// The sheet concerned.
        sheet: String,
        /// Cells declared or counted.
        cells: u64,
        /// The configured limit.
        limit: u64,
    },

    /// A sheet holds more rows than [`crate::ReadOptions::max_rows`].
    #[error(
        "工作表“{sheet}”的行数过多（超过 {limit} 行），请拆分文件后分批上传 / Sheet '{sheet}' has too many rows (more than {limit}): split the file."
    )]
    TooManyRows {
        /// The sheet concerned.
        sheet: String,
        /// The configured limit.
        limit: u64,
    },

    /// The zip container declares more uncompressed data (or entries) than allowed: a zip bomb.
    #[error(
        "文件解压后过大（声明 {declared} 字节，上限 {limit} 字节），疑似压缩炸弹，已拒绝 / The archive would expand to {declared} bytes (limit {limit}); refused as a possible zip bomb."
    )]
    ZipBomb {
        /// Declared uncompressed bytes (or entries).
        declared: u64,
        /// The limit.
        limit: u64,
    },

    /// Text content that is not text: NUL bytes, control characters, undecodable bytes.
    #[error(
        "文件内容不是表格文本（含大量二进制或乱码字符），请确认上传的是 csv/xlsx 文件 / The content is binary or undecodable, not a CSV: check that you uploaded the right file."
    )]
    BinaryContent,

    /// No sheet has a row that looks like a header.
    #[error(
        "没有找到表头：请确认表格中有一行列名（如 姓名、国籍、护照号码），可下载模板对照填写 / No header row found: the sheet needs a row of column names (e.g. 姓名, 国籍, 护照号码); download the template."
    )]
    NoHeader,

    /// Some headers were recognised but they fit no kind completely.
    #[error(
        "无法判断表格类型：已识别的列 [{}]；最接近的类型“{}”还缺少必填列 [{}]。请补齐列名或在上传时选择数据类型 / Unrecognised header set: recognised [{}]; closest kind '{}' lacks required columns [{}]. Add them or choose the kind when uploading.",
        .recognised.join("、"), .closest.label_zh(), .missing.join("、"),
        .recognised.join(", "), .closest.as_str(), .missing.join(", ")
    )]
    UnknownHeaders {
        /// Headers (as written) that were recognised.
        recognised: Vec<String>,
        /// The kind that came closest.
        closest: SourceKind,
        /// Canonical names of its required columns that are missing.
        missing: Vec<String>,
        /// Every header of the closest row with the field guessed for it (to confirm or
        /// correct, and try again with the mapping).
        columns: Vec<ColumnNote>,
    },

    /// The headers fit several kinds equally well.
    #[error(
        "表头同时符合多种类型（{}），请在上传时选择数据类型。已识别的列 [{}] / The headers fit several kinds ({}): choose the kind when uploading. Recognised [{}]",
        .candidates.iter().map(|k| k.label_zh()).collect::<Vec<_>>().join("、"), .recognised.join("、"),
        .candidates.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "), .recognised.join(", ")
    )]
    AmbiguousKind {
        /// The kinds that tie.
        candidates: Vec<SourceKind>,
        /// Headers (as written) that were recognised.
        recognised: Vec<String>,
    },

    /// The uploader named a kind, but the file lacks that kind's required columns.
    #[error(
        "表格不符合所选类型“{}”：缺少必填列 [{}]；已识别的列 [{}] / The file does not match the chosen kind '{}': missing required columns [{}]; recognised [{}]",
        .kind.label_zh(), .missing.join("、"), .recognised.join("、"),
        .kind.as_str(), .missing.join(", "), .recognised.join(", ")
    )]
    KindMismatch {
        /// The kind the uploader chose.
        kind: SourceKind,
        /// Headers (as written) that were recognised for that kind.
        recognised: Vec<String>,
        /// Canonical names of its required columns that are missing.
        missing: Vec<String>,
        /// Every header of the closest row with the field guessed for it.
        columns: Vec<ColumnNote>,
    },

    /// A column mapping given for the upload names no field of the file's kind.
    #[error(
        "列映射有误：表头“{header}”：{message} / Invalid column mapping for '{header}': {message}"
    )]
    InvalidMapping {
        /// The header as given.
        header: String,
        /// Why, with the fields the kind has.
        message: String,
    },

    /// Writing a workbook (template, rejections, sample) failed.
    #[error("生成 Excel 文件失败（{0}） / Could not write the workbook ({0}).")]
    WriteFailed(String),
}

impl ImportError {
    /// Stable SCREAMING_SNAKE code for APIs, logs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyFile => "EMPTY_FILE",
            Self::FileTooLarge { .. } => "FILE_TOO_LARGE",
            Self::UnsupportedFormat { .. } => "UNSUPPORTED_FORMAT",
            Self::CorruptFile { .. } => "CORRUPT_FILE",
            Self::EncryptedFile => "ENCRYPTED_FILE",
            Self::TooManyCells { .. } => "TOO_MANY_CELLS",
            Self::TooManyRows { .. } => "TOO_MANY_ROWS",
            Self::ZipBomb { .. } => "ZIP_BOMB",
            Self::BinaryContent => "BINARY_CONTENT",
            Self::NoHeader => "NO_HEADER",
            Self::UnknownHeaders { .. } => "UNKNOWN_HEADERS",
            Self::AmbiguousKind { .. } => "AMBIGUOUS_KIND",
            Self::KindMismatch { .. } => "KIND_MISMATCH",
            Self::InvalidMapping { .. } => "INVALID_MAPPING",
            Self::WriteFailed(_) => "WRITE_FAILED",
        }
    }

    /// For a header row that fits no kind completely: every header with the field guessed for
    /// it, so the uploader can confirm or correct the mapping.
    pub fn columns(&self) -> &[ColumnNote] {
        match self {
            Self::UnknownHeaders { columns, .. } | Self::KindMismatch { columns, .. } => columns,
            _ => &[],
        }
    }

    /// A [`ImportError::CorruptFile`] from any displayable reader error.
    pub(crate) fn corrupt(detail: impl std::fmt::Display) -> Self {
        Self::CorruptFile {
            detail: detail.to_string(),
        }
    }
}

impl From<rust_xlsxwriter::XlsxError> for ImportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self::WriteFailed(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_bilingual() {
        let e = ImportError::UnknownHeaders {
            recognised: vec!["姓名".into()],
            closest: SourceKind::VisaRegistry,
            missing: vec!["国籍".into(), "护照号码".into()],
            columns: Vec::new(),
        };
        assert_eq!(e.code(), "UNKNOWN_HEADERS");
        let msg = e.to_string();
        assert!(msg.contains("国籍、护照号码"), "{msg}");
        assert!(msg.contains("visa_registry"), "{msg}");
        assert_eq!(ImportError::EncryptedFile.code(), "ENCRYPTED_FILE");
    }
}
