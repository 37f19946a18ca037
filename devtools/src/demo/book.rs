//! Writing a generated table the way units make their files: an xlsx with a merged title
//! row, a "填报单位/日期" line, the header row, data, a blank line, a footer and a second
//! sheet of notes; or a GBK-encoded csv as the airport's system exports it.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::DevError;

/// One cell of a generated row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text as written.
    Text(String),
    /// A date cell.
    Date(NaiveDate),
    /// A date-and-time cell.
    DateTime(NaiveDateTime),
    /// A number cell.
    Number(f64),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        s.map_or(Self::Empty, Self::Text)
    }
}

/// A table as a unit keeps it: a sheet with a title, headers, rows and a footer.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Sheet name.
    pub sheet: String,
    /// The merged title row, e.g. "大庆市外籍人员签证登记表".
    pub title: String,
    /// The line under the title, e.g. "填报单位：… 填报日期：…".
    pub subtitle: Option<String>,
    /// Header row as the unit spells it.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<Cell>>,
    /// Footer under the data, e.g. "填报人：… 联系电话：…".
    pub footer: Option<String>,
}

fn write_error(e: rust_xlsxwriter::XlsxError) -> DevError {
    DevError::Workbook(e)
}

fn excel_date(day: NaiveDate) -> Result<ExcelDateTime, DevError> {
    let month = u8::try_from(day.month()).unwrap_or(1);
    let dom = u8::try_from(day.day()).unwrap_or(1);
    let year = u16::try_from(day.year()).unwrap_or(1900);
    ExcelDateTime::from_ymd(year, month, dom).map_err(write_error)
}

fn excel_datetime(at: NaiveDateTime) -> Result<ExcelDateTime, DevError> {
    let hour = u16::try_from(at.hour()).unwrap_or(0);
    let minute = u8::try_from(at.minute()).unwrap_or(0);
    excel_date(at.date())?
        .and_hms(hour, minute, 0)
        .map_err(write_error)
}

fn width(text: &str) -> f64 {
    let w: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    (w as f64 + 3.0).clamp(8.0, 36.0)
}

/// The table as an xlsx workbook.
pub fn xlsx(table: &Table) -> Result<Vec<u8>, DevError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(&table.sheet).map_err(write_error)?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_align(FormatAlign::Center);
    let bordered = Format::new().set_border(FormatBorder::Thin);
    let date = bordered.clone().set_num_format("yyyy-mm-dd");
    let datetime = bordered.clone().set_num_format("yyyy-mm-dd hh:mm");
    let last_col = u16::try_from(table.headers.len().saturating_sub(1)).unwrap_or(0);

    sheet
        .merge_range(0, 0, 0, last_col.max(1), &table.title, &title)
        .map_err(write_error)?;
    let mut row: u32 = 1;
    if let Some(subtitle) = &table.subtitle {
        sheet.write_string(row, 0, subtitle).map_err(write_error)?;
        row += 1;
    }
    for (i, h) in table.headers.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(row, col, h, &header)
            .map_err(write_error)?;
        let widest = table
            .rows
            .iter()
            .take(50)
            .filter_map(|r| match r.get(i) {
                Some(Cell::Text(t)) => Some(width(t)),
                Some(Cell::DateTime(_)) => Some(18.0),
                Some(Cell::Date(_)) => Some(12.0),
                _ => None,
            })
            .fold(width(h), f64::max);
        sheet.set_column_width(col, widest).map_err(write_error)?;
    }
    for cells in &table.rows {
        row += 1;
        for (i, cell) in cells.iter().enumerate() {
            let col = u16::try_from(i).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(t) => sheet.write_string_with_format(row, col, t, &bordered),
                Cell::Number(n) => sheet.write_number_with_format(row, col, *n, &bordered),
                Cell::Date(d) => sheet.write_datetime_with_format(row, col, excel_date(*d)?, &date),
                Cell::DateTime(at) => {
                    sheet.write_datetime_with_format(row, col, excel_datetime(*at)?, &datetime)
                }
                Cell::Empty => sheet.write_blank(row, col, &bordered),
            }
            .map_err(write_error)?;
        }
    }
    if let Some(footer) = &table.footer {
        sheet
            .write_string(row + 2, 0, footer)
            .map_err(write_error)?;
    }
    let notes = workbook.add_worksheet();
    notes.set_name("填表说明").map_err(write_error)?;
    notes.set_column_width(0, 80).map_err(write_error)?;
    for (i, line) in [
        "1. 本表由各成员单位每日更新后上报市外事办。",
        "2. 护照号码请按证件原样填写。",
        "3. 演示数据，人员信息均为虚构。",
    ]
    .iter()
    .enumerate()
    {
        notes
            .write_string(u32::try_from(i).unwrap_or(0), 0, *line)
            .map_err(write_error)?;
    }
    workbook.save_to_buffer().map_err(write_error)
}

fn csv_field(cell: &Cell) -> String {
    let text = match cell {
        Cell::Text(t) => t.clone(),
        Cell::Date(d) => d.format("%Y/%m/%d").to_string(),
        Cell::DateTime(at) => at.format("%Y/%m/%d %H:%M").to_string(),
        Cell::Number(n) => n.to_string(),
        Cell::Empty => String::new(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The table's headers and rows as a GBK-encoded csv (no title, no footer: a system export).
pub fn gbk_csv(table: &Table) -> Vec<u8> {
    let mut text = String::new();
    text.push_str(
        &table
            .headers
            .iter()
            .map(|h| csv_field(&Cell::Text(h.clone())))
            .collect::<Vec<_>>()
            .join(","),
    );
    text.push_str("\r\n");
    for row in &table.rows {
        text.push_str(&row.iter().map(csv_field).collect::<Vec<_>>().join(","));
        text.push_str("\r\n");
    }
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    bytes.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            sheet: "名单".into(),
            title: "测试表".into(),
            subtitle: Some("填报单位：测试".into()),
            headers: vec!["姓名".into(), "日期".into()],
            rows: vec![vec![
                Cell::from("KIM, \"MINJUN\""),
                Cell::DateTime(
                    NaiveDate::from_ymd_opt(2020, 2, 5)
                        .and_then(|d| d.and_hms_opt(14, 35, 0))
                        .unwrap_or_default(),
                ),
            ]],
            footer: Some("填报人：张三".into()),
        }
    }

    #[test]
    fn csv_is_gbk_and_quoted() {
        let bytes = gbk_csv(&table());
        let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
        assert!(!bad);
        assert!(text.starts_with("姓名,日期\r\n"));
        assert!(text.contains("\"KIM, \"\"MINJUN\"\"\",2020/02/05 14:35"));
    }

    #[test]
    fn xlsx_is_a_zip() {
        let bytes = xlsx(&table()).unwrap_or_default();
        assert!(bytes.starts_with(b"PK"));
    }
}
