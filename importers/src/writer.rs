//! Workbooks the hub hands out: a blank template per kind, the rejected rows of an upload ready to
//! fix and re-upload, and a generated visa list for benchmarks.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::error::ImportError;
use crate::headers::{self, Field, ValueType};
use crate::issues::RowIssue;
use crate::kinds::SourceKind;
use crate::upload::ParsedRow;

/// Header of the column holding the original Excel row number in the rejections workbook.
pub const ROW_NUMBER_HEADER: &str = "Excel行号";
/// Header of the column holding the reasons in the rejections workbook.
pub const REASON_HEADER: &str = "错误原因";

/// One rejected row to write back: its Excel row number, its cells (aligned with the headers) and
/// why it was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRowOut {
    /// Excel row number in the uploaded file.
    pub row: u32,
    /// Cell texts as displayed, one per header.
    pub cells: Vec<String>,
    /// The issues that rejected the row.
    pub issues: Vec<RowIssue>,
}

impl RejectedRowOut {
    /// The write-back form of a parsed row (its rejections; none for an accepted row).
    pub fn from_row(row: &ParsedRow) -> Self {
        Self {
            row: row.row,
            cells: row.raw.iter().map(|(_, v)| v.clone()).collect(),
            issues: row.rejections().to_vec(),
        }
    }
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
}

fn column_width(header: &str) -> f64 {
    let w: usize = header
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    (w as f64 + 4.0).clamp(10.0, 40.0)
}

fn col(i: usize) -> Result<u16, ImportError> {
    u16::try_from(i).map_err(|_| ImportError::WriteFailed(format!("too many columns ({i})")))
}

fn row_num(i: usize) -> Result<u32, ImportError> {
    u32::try_from(i).map_err(|_| ImportError::WriteFailed(format!("too many rows ({i})")))
}

/// A blank template for a kind: canonical Chinese headers (bold, frozen), date and text formats on
/// the right columns, and a second sheet "填表说明" with instructions.
///
/// # Errors
/// [`ImportError::WriteFailed`] if the workbook cannot be written.
pub fn template_xlsx(kind: SourceKind) -> Result<Vec<u8>, ImportError> {
    let spec = headers::spec(kind);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(kind.label_zh())?;
    let bold = header_format();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let text = Format::new().set_num_format("@");
    let fields: Vec<_> = spec.fields.iter().filter(|f| f.in_template).collect();
    for (i, f) in fields.iter().enumerate() {
        let c = col(i)?;
        ws.write_string_with_format(0, c, f.canonical, &bold)?;
        ws.set_column_width(c, column_width(f.canonical).max(14.0))?;
        match f.value {
            ValueType::Date => ws.set_column_format(c, &date)?,
            ValueType::DateTime => ws.set_column_format(c, &datetime)?,
            ValueType::Text
                if matches!(
                    f.field,
                    Field::DocumentNumber | Field::WorkPermitNumber | Field::Phone
                ) =>
            {
                ws.set_column_format(c, &text)?
            }
            _ => ws,
        };
    }
    ws.set_freeze_panes(1, 0)?;
    write_instructions(wb.add_worksheet(), kind)?;
    Ok(wb.save_to_buffer()?)
}

fn write_instructions(ws: &mut Worksheet, kind: SourceKind) -> Result<(), ImportError> {
    let spec = headers::spec(kind);
    ws.set_name("填表说明")?;
    ws.set_column_width(0, 110)?;
    let title = Format::new().set_bold().set_font_size(14);
    let required: Vec<&str> = spec.required.iter().map(|f| spec.canonical(*f)).collect();
    let mut lines: Vec<String> = vec![
        format!("{}（{}）填表说明", kind.label_zh(), kind.as_str()),
        String::new(),
        "1. 请在第一个工作表填写，每行一条记录；不要修改、删除或调换表头（列名）。".to_string(),
        format!("2. 必填列：{}。缺少必填内容或国籍无法识别的行不会导入，并在上传结果中列出原因。", required.join("、")),
        "3. 日期请写成 2020-02-05、2020/2/5 或 2020年2月5日；时间写成 2020-02-05 14:35（北京时间）。".to_string(),
        "4. 国籍可填写中文名（韩国、大韩民国）、英文名（Korea、Republic of Korea）或三位代码（KOR）。".to_string(),
        "5. 护照（证件）号码按证件原样填写，保留开头的 0；空格和连字符会被自动去掉。".to_string(),
        "6. 性别填写 男/女（或 M/F）。".to_string(),
        "7. 表格上方可以有标题行，表格下方可以有“填报人、联系电话”等落款，不影响导入；请勿在数据区合并单元格。".to_string(),
    ];
    let extra: &[&str] = match kind {
        SourceKind::VisaRegistry => {
            &["8. 签证种类填写 Z、X1、X2、S1、S2、Q1、M 等；签证有效期至填写日期。"]
        }
        SourceKind::StudentRoster => {
            &["8. 在庆状态填写 在庆、离庆未返 等；已离校的请填写离校日期。"]
        }
        SourceKind::UniversityRoster => &["8. 类别填写 Student（学生）或 Teacher（教师）。"],
        SourceKind::EmploymentRoster => &["8. 单位名称请写全称，如“大庆油田有限责任公司”。"],
        SourceKind::LodgingRegister => &["8. 仍在住的客人离店日期留空。"],
        SourceKind::PassengerFlow => {
            &["8. 进出港填写 进港/到达 或 出港/出发；日期时间精确到分钟。"]
        }
        SourceKind::HealthCheck => &["8. 体温填写数字（如 36.5），单位为摄氏度。"],
        SourceKind::DailyReport => {
            &["8. 当天无新增、无离开、无异常时，新增人数和离开人数填 0，异常情况填“无”（零报告）。"]
        }
        SourceKind::DonationRegister => &[
            "8. 每行一笔捐赠；物资名称写明品类（医用防护服、N95口罩、医用外科口罩、医用手套、护目镜等），捐款写“善款”或“捐款”。",
            "9. 数量可写 800、800套、1.5万；金额可写 12000、18.64万、3.15亿韩元；外币请在币种列或金额后写明币种。",
            "10. 状态填写 已接收/已到货/已入库、运输中/在途 或 承诺捐赠/意向；红十字会等接收单位请填写票据号，同一票据号的捐赠只计一次。",
        ],
        SourceKind::ProcurementRegister => &[
            "8. 每行是一个合同在某一日期的状态；同一合同编号的多行按状态日期排列，统计时取该时刻之前最新的一行。",
            "9. 状态填写 洽谈中、已签合同、已预付、运输中、已到货 或 已取消（退款完成后写“已退款”）；除洽谈中外须填写数量。",
            "10. 需求方填写 市指挥部物资采购组 或 县区、高新区、企业名称；金额可写 2200万日元，币种也可单独一列。",
        ],
        SourceKind::OutreachLog => &[
            "8. 每行一次联系；联系对象写单位或个人名称，国家/地区写中文名或三位代码（香港写 香港）。",
            "9. 结果写“已推荐采购组”的计入向采购组推荐的产品批次。",
        ],
    };
    lines.extend(extra.iter().map(|s| s.to_string()));
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            ws.write_string_with_format(0, 0, line, &title)?;
        } else {
            ws.write_string(row_num(i)?, 0, line)?;
        }
    }
    Ok(())
}

/// The rejected rows of an upload, written back with their original cells plus "Excel行号" and
/// "错误原因" columns (the faulty cells highlighted), ready to fix and re-upload.
///
/// # Errors
/// [`ImportError::WriteFailed`] if the workbook cannot be written.
pub fn rejections_xlsx(
    headers: &[String],
    rows: &[RejectedRowOut],
) -> Result<Vec<u8>, ImportError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("未导入的行")?;
    let bold = header_format();
    let text = Format::new().set_num_format("@");
    let bad = Format::new()
        .set_num_format("@")
        .set_background_color(Color::RGB(0xFFC7CE))
        .set_font_color(Color::RGB(0x9C0006));
    let wrap = Format::new().set_text_wrap();
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col(i)?, h, &bold)?;
        ws.set_column_width(col(i)?, column_width(h).max(12.0))?;
    }
    let n = headers.len();
    ws.write_string_with_format(0, col(n)?, ROW_NUMBER_HEADER, &bold)?;
    ws.write_string_with_format(0, col(n + 1)?, REASON_HEADER, &bold)?;
    ws.set_column_width(col(n + 1)?, 60)?;
    for (r, row) in rows.iter().enumerate() {
        let excel_row = row_num(r + 1)?;
        for (i, value) in row.cells.iter().take(n).enumerate() {
            let faulty = row
                .issues
                .iter()
                .any(|issue| issue.column.as_deref() == headers.get(i).map(String::as_str));
            let format = if faulty { &bad } else { &text };
            ws.write_string_with_format(excel_row, col(i)?, value, format)?;
        }
        ws.write_number(excel_row, col(n)?, row.row)?;
        let reasons: Vec<String> = row.issues.iter().map(ToString::to_string).collect();
        ws.write_string_with_format(excel_row, col(n + 1)?, reasons.join("；"), &wrap)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(wb.save_to_buffer()?)
}
