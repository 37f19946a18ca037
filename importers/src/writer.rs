//! Workbooks the hub hands out: a blank template per kind, the rejected rows of an upload ready to
//! fix and re-upload, and a generated visa list for benchmarks.

use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};

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

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Nationalities as units write them: Chinese short and long names, English names, codes.
const SAMPLE_NATIONALITIES: &[&str] = &[
    "韩国",
    "大韩民国",
    "Korea",
    "KOR",
    "俄罗斯",
    "俄罗斯联邦",
    "Russia",
    "美国",
    "美利坚合众国",
    "USA",
    "U.S.A.",
    "日本",
    "JPN",
    "英国",
    "United Kingdom",
    "德国",
    "Germany",
    "法国",
    "France",
    "意大利",
    "Italy",
    "越南",
    "Viet Nam",
    "老挝",
    "老挝人民民主共和国",
    "泰国",
    "Thailand",
    "哈萨克斯坦",
    "Kazakhstan",
    "蒙古",
    "Mongolia",
    "巴基斯坦",
    "Pakistan",
    "印度",
    "India",
    "印度尼西亚",
    "马来西亚",
    "Malaysia",
    "土耳其",
    "Türkiye",
    "荷兰",
    "Holland",
    "南非",
    "South Africa",
    "肯尼亚",
    "尼日利亚",
    "埃及",
    "巴西",
    "Brazil",
    "墨西哥",
    "加拿大",
    "澳大利亚",
    "新西兰",
    "乌克兰",
    "白俄罗斯",
    "孟加拉国",
    "尼泊尔",
    "柬埔寨",
    "菲律宾",
    "苏丹",
    "埃塞俄比亚",
    "乌兹别克斯坦",
    "波兰",
    "芬兰",
    "瑞典",
    "西班牙",
    "Czechia",
    "Ivory Coast",
];
const SAMPLE_SURNAMES: &[&str] = &[
    "KIM",
    "LEE",
    "PARK",
    "CHOI",
    "IVANOV",
    "PETROV",
    "SMITH",
    "JOHNSON",
    "TANAKA",
    "SUZUKI",
    "MULLER",
    "SCHMIDT",
    "DUBOIS",
    "MARTIN",
    "ROSSI",
    "NGUYEN",
    "TRAN",
    "PHOMMA",
    "WONGSAWAT",
    "NURLANOV",
    "GANBOLD",
    "KHAN",
    "SINGH",
    "SANTOS",
    "GARCIA",
    "OKAFOR",
    "KAMAU",
    "HASSAN",
    "DE JONG",
    "YILMAZ",
    "DLAMINI",
    "RAHMAN",
    "NOVAK",
];
const SAMPLE_GIVEN: &[&str] = &[
    "MINJUN",
    "SEOYEON",
    "ALEKSANDR",
    "MARIA",
    "JOHN",
    "MARY",
    "YUI",
    "REN",
    "FELIX",
    "EMMA",
    "LOUIS",
    "GIULIA",
    "THU",
    "LAN",
    "ANAN",
    "DANIYAR",
    "NOMIN",
    "AYESHA",
    "DIYA",
    "MIGUEL",
    "CHINEDU",
    "KEVIN",
    "OMAR",
    "ELIF",
    "ZANELE",
];
const SAMPLE_ORGS: &[&str] = &[
    "大庆油田有限责任公司",
    "大庆油田",
    "中国石油大庆石化公司",
    "大庆石化",
    "东北石油大学",
    "Northeast Petroleum University",
    "哈尔滨医科大学大庆校区",
    "哈医大大庆校区",
    "黑龙江八一农垦大学",
    "大庆师范学院",
    "大庆职业学院",
    "大庆环球化妆品容器(中国)有限公司",
    "大庆环球化妆品容器（中国）有限公司",
    "大庆万达嘉华酒店",
    "飞龙温泉景区",
];
const SAMPLE_DISTRICTS: &[&str] = &[
    "萨尔图区",
    "让胡路区",
    "龙凤区",
    "红岗区",
    "大同区",
    "高新区",
];
const SAMPLE_VISAS: &[&str] = &["Z", "X1", "X2", "S1", "S2", "Q1", "M", "F"];

fn random_date(rng: &mut Rng, from_year: u16, years: u16) -> Result<ExcelDateTime, ImportError> {
    let y = from_year + (rng.below(usize::from(years)) as u16);
    let m = 1 + rng.below(12) as u8;
    let d = 1 + rng.below(28) as u8;
    Ok(ExcelDateTime::from_ymd(y, m, d)?)
}

/// A realistic police visa list of `rows` people for benchmarks and tests: a merged title row, the
/// header row, data (varied nationality spellings, dates as date cells, unique document numbers),
/// a blank line and a footer. The same `seed` gives the same workbook.
///
/// # Errors
/// [`ImportError::WriteFailed`] if the workbook cannot be written.
pub fn sample_visa_registry_xlsx(rows: usize, seed: u64) -> Result<Vec<u8>, ImportError> {
    let mut rng = Rng(seed);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1")?;
    let headers = [
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
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    ws.merge_range(
        0,
        0,
        0,
        col(headers.len() - 1)?,
        "大庆常驻外籍人员国籍及签证情况（样例数据）",
        &title,
    )?;
    let bold = header_format();
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, col(i)?, *h, &bold)?;
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for i in 0..rows {
        let r = row_num(i + 2)?;
        ws.write_number(r, 0, (i + 1) as f64)?;
        let name = format!("{} {}", rng.pick(SAMPLE_SURNAMES), rng.pick(SAMPLE_GIVEN));
        ws.write_string(r, 2, name)?;
        ws.write_string(r, 3, if rng.below(2) == 0 { "男" } else { "女" })?;
        ws.write_string(r, 4, *rng.pick(SAMPLE_NATIONALITIES))?;
        ws.write_datetime_with_format(r, 5, &random_date(&mut rng, 1960, 42)?, &date)?;
        let letter = char::from(b'A' + rng.below(26) as u8);
        ws.write_string(
            r,
            6,
            format!(
                "{letter}{:08}",
                (i as u64).wrapping_mul(7_919).wrapping_add(seed) % 100_000_000
            ),
        )?;
        ws.write_string(r, 7, *rng.pick(SAMPLE_VISAS))?;
        ws.write_datetime_with_format(r, 8, &random_date(&mut rng, 2020, 4)?, &date)?;
        ws.write_string(r, 9, *rng.pick(SAMPLE_ORGS))?;
        let address = format!(
            "大庆市{}{}号",
            rng.pick(SAMPLE_DISTRICTS),
            1 + rng.below(300)
        );
        ws.write_string(r, 10, address)?;
    }
    let footer = row_num(rows + 3)?;
    ws.write_string(
        footer,
        0,
        "填报单位：大庆市公安局出入境管理局    填报人：样例    联系电话：0459-0000000",
    )?;
    ws.set_freeze_panes(2, 0)?;
    ws.set_column_width(9, 34)?;
    ws.set_column_width(10, 24)?;
    Ok(wb.save_to_buffer()?)
}
