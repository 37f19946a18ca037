//! Generated data for trying and measuring the hub, kept out of the product's library:
//!
//! - [`demo`] — a synthetic city and the spreadsheets its member units would upload
//!   (`hub demo`);
//! - [`sample`] — a police visa list of any size (`hub bench import`, tests of large files);
//! - [`city`] — a city of any size as the importers' records (`hub bench city`,
//!   `hub bench query`, the timeline test), or as the workbooks that say the same;
//! - [`rng`] — the seeded sequence the sample and the city are drawn from.
//!
//! Everything here is deterministic for a given seed and writes files only where asked.

pub mod city;
pub mod demo;
pub mod rng;
pub mod sample;

/// The columns of the police visa list as the police write them: every generated police
/// list (the demo's, the sample's, the city's) has these headers.
pub const POLICE_LIST_HEADERS: [&str; 12] = [
    "序号",
    "中文姓名",
    "英文姓名",
    "性别",
    "国籍",
    "出生日期",
    "护照号码",
    "签证种类",
    "签证有效期至",
    "工作/学习单位",
    "居住地址",
    "备注",
];

/// The columns of the airport's export of foreign passengers.
pub const AIRPORT_HEADERS: [&str; 8] = [
    "日期时间",
    "航班号",
    "旅客姓名",
    "国籍代码",
    "证件号码",
    "出发地",
    "目的地",
    "进出港",
];

/// Why generated data could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    /// A workbook could not be written.
    #[error("cannot write a generated workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    /// A generated file could not be saved.
    #[error("cannot save a generated file: {0}")]
    Io(#[from] std::io::Error),
    /// More than a spreadsheet can hold was asked for.
    #[error("{0}")]
    TooLarge(String),
}
