//! The people workbook: sheet "人员名单" (Chinese headers, date columns formatted, header
//! row frozen, auto-filter) and sheet "统计概况" (the overview figures as of the chosen
//! time and the conditions of the list). A plain function of its rows: the CLI and the
//! HTTP endpoint both call it through [`super::people`].

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::derived::Overview;
use crate::error::HubError;

/// One exported person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    /// Latin name.
    pub latin_name: Option<String>,
    /// Chinese name.
    pub chinese_name: Option<String>,
    /// Nationality in Chinese.
    pub nationality: String,
    /// ISO alpha-3.
    pub nationality_code: String,
    /// 男 / 女.
    pub sex: Option<String>,
    /// Date of birth (never for a masked export).
    pub birth_date: Option<NaiveDate>,
    /// Document number (masked for a masked export).
    pub document_number: String,
    /// Present in the city.
    pub present: bool,
    /// Visa status in Chinese.
    pub visa_status: String,
    /// Visa category.
    pub visa_category: Option<String>,
    /// Visa valid until.
    pub visa_valid_until: Option<NaiveDate>,
    /// Managing organisation.
    pub managing_unit: Option<String>,
    /// Reporting member units, joined.
    pub reported_by: String,
}

/// What the summary sheet says.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The time the figures are for.
    pub as_of: DateTime<Utc>,
    /// The hub's time zone (for showing `as_of`).
    pub timezone: Tz,
    /// The headline figures (none when the caller may not read city-wide figures).
    pub overview: Option<Overview>,
    /// The list's conditions in words.
    pub conditions: String,
    /// Whether personal data is masked.
    pub masked: bool,
}

fn write_error(e: rust_xlsxwriter::XlsxError) -> HubError {
    HubError::Internal(format!("cannot write the people workbook: {e}"))
}

fn excel_date(day: NaiveDate) -> Result<ExcelDateTime, HubError> {
    let month = u8::try_from(day.month()).unwrap_or(1);
    let dom = u8::try_from(day.day()).unwrap_or(1);
    let year = u16::try_from(day.year()).unwrap_or(1900);
    ExcelDateTime::from_ymd(year, month, dom).map_err(write_error)
}

/// One cell of the list, written as its column wants it.
enum Cell<'a> {
    /// Text (empty when unknown).
    Text(Option<&'a str>),
    /// Text Excel must keep as text (a document number).
    Literal(&'a str),
    /// A day, formatted as one (no cell when unknown).
    Day(Option<NaiveDate>),
}

/// The header of the date-of-birth column, which a masked export leaves out.
const BIRTH_DATE: &str = "出生日期";

/// The columns after the row number: header, width, and the cell of a row.
type Column = (&'static str, f64, fn(&ExportRow) -> Cell<'_>);

/// Every column after the row number, in order.
static COLUMNS: [Column; 13] = [
    ("英文姓名", 24.0, |r| {
        Cell::Text(r.latin_name.as_deref())
    }),
    ("中文姓名", 16.0, |r| {
        Cell::Text(r.chinese_name.as_deref())
    }),
    ("国籍", 14.0, |r| Cell::Text(Some(&r.nationality))),
    ("国籍代码", 9.0, |r| {
        Cell::Text(Some(&r.nationality_code))
    }),
    ("性别", 6.0, |r| Cell::Text(r.sex.as_deref())),
    (BIRTH_DATE, 12.0, |r| Cell::Day(r.birth_date)),
    ("护照号码", 16.0, |r| Cell::Literal(&r.document_number)),
    ("是否在庆", 9.0, |r| {
        Cell::Text(Some(if r.present { "是" } else { "否" }))
    }),
    ("签证状态", 11.0, |r| Cell::Text(Some(&r.visa_status))),
    ("签证种类", 9.0, |r| {
        Cell::Text(r.visa_category.as_deref())
    }),
    ("签证有效期至", 13.0, |r| {
        Cell::Day(r.visa_valid_until)
    }),
    ("具体负责管理单位", 30.0, |r| {
        Cell::Text(r.managing_unit.as_deref())
    }),
    ("报送单位", 40.0, |r| Cell::Text(Some(&r.reported_by))),
];

/// The columns of an export: a masked one has no date-of-birth column.
fn columns(masked: bool) -> Vec<&'static Column> {
    COLUMNS
        .iter()
        .filter(|(header, _, _)| !(masked && *header == BIRTH_DATE))
        .collect()
}

/// Builds the workbook of `rows` with the summary sheet.
pub fn people_workbook(rows: &[ExportRow], summary: &Summary) -> Result<Vec<u8>, HubError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(0x1F4E79))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let text = Format::new().set_num_format("@");
    let cols = columns(summary.masked);

    let sheet = workbook.add_worksheet();
    sheet.set_name("人员名单").map_err(write_error)?;
    let headers = [("序号", 6.0)]
        .into_iter()
        .chain(cols.iter().map(|(title, width, _)| (*title, *width)));
    for (c, (title, width)) in (0..).zip(headers) {
        sheet
            .write_string_with_format(0, c, title, &header)
            .map_err(write_error)?;
        sheet.set_column_width(c, width).map_err(write_error)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| HubError::BadInput("too many rows".into()))?;
        sheet
            .write_number(r, 0, (i + 1) as f64)
            .map_err(write_error)?;
        for (c, (_, _, cell)) in (1..).zip(&cols) {
            match cell(row) {
                Cell::Text(value) => sheet.write_string(r, c, value.unwrap_or("")),
                Cell::Literal(value) => sheet.write_string_with_format(r, c, value, &text),
                Cell::Day(Some(day)) => {
                    sheet.write_datetime_with_format(r, c, excel_date(day)?, &date)
                }
                Cell::Day(None) => continue,
            }
            .map_err(write_error)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(write_error)?;
    let last_row = u32::try_from(rows.len()).unwrap_or(0);
    let last_col = u16::try_from(cols.len()).unwrap_or(0);
    sheet
        .autofilter(0, 0, last_row, last_col)
        .map_err(write_error)?;

    write_summary(&mut workbook, rows.len(), summary)?;
    workbook.save_to_buffer().map_err(write_error)
}

fn write_summary(workbook: &mut Workbook, count: usize, summary: &Summary) -> Result<(), HubError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("统计概况").map_err(write_error)?;
    let title = Format::new().set_bold().set_font_size(14);
    let label = Format::new().set_bold();
    sheet.set_column_width(0, 28).map_err(write_error)?;
    sheet.set_column_width(1, 36).map_err(write_error)?;
    sheet
        .write_string_with_format(0, 0, "在庆外籍人员统计概况", &title)
        .map_err(write_error)?;
    let local = summary.as_of.with_timezone(&summary.timezone);
    let mut lines: Vec<(&str, String)> =
        vec![("统计时间", local.format("%Y-%m-%d %H:%M").to_string())];
    match &summary.overview {
        Some(o) => lines.extend([
            ("掌握人数", o.known_people.to_string()),
            ("在庆人数", o.present_people.to_string()),
            ("国家和地区数", o.countries.to_string()),
            ("具体负责管理单位数", o.managing_units.to_string()),
            ("当日到达人数", o.arrivals.to_string()),
            ("当日离开人数", o.departures.to_string()),
            ("签证30天内到期人数", o.expiring_visas.to_string()),
            ("签证过期（逾期滞留）人数", o.expired_visas.to_string()),
        ]),
        None => lines.push(("全市统计", "当前角色无权查看".to_owned())),
    }
    lines.extend([
        ("", String::new()),
        ("名单筛选条件", summary.conditions.clone()),
        ("名单人数", count.to_string()),
        (
            "个人信息",
            if summary.masked {
                "已脱敏（证件号码部分隐藏，不含出生日期）".to_owned()
            } else {
                "完整".to_owned()
            },
        ),
    ]);
    for (i, (name, value)) in lines.iter().enumerate() {
        let r = u32::try_from(i + 2).unwrap_or(0);
        sheet
            .write_string_with_format(r, 0, *name, &label)
            .map_err(write_error)?;
        match value.parse::<i64>() {
            Ok(n) if !name.is_empty() => sheet.write_number(r, 1, n as f64),
            _ => sheet.write_string(r, 1, value),
        }
        .map_err(write_error)?;
    }
    Ok(())
}
