//! A realistic police visa list of any size, for benchmarks (`hub bench import`) and tests
//! that need large files: generated, never read from disk.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

use crate::DevError;
use crate::rng::SplitMix as Rng;

/// The worksheet row of the `i`-th row written (a row past Excel's last is an error).
fn row(i: usize) -> Result<u32, DevError> {
    u32::try_from(i)
        .ok()
        .filter(|r| *r < 1_048_576)
        .ok_or_else(|| DevError::TooLarge(format!("row {i} is past Excel's last row")))
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

fn random_date(rng: &mut Rng, from_year: u16, years: u16) -> Result<ExcelDateTime, DevError> {
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
/// [`DevError::Workbook`] if the workbook cannot be written.
pub fn visa_registry_xlsx(rows: usize, seed: u64) -> Result<Vec<u8>, DevError> {
    let mut rng = Rng::new(seed);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1")?;
    let headers = crate::POLICE_LIST_HEADERS;
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    ws.merge_range(
        0,
        0,
        0,
        (headers.len() - 1) as u16,
        "大庆常驻外籍人员国籍及签证情况（样例数据）",
        &title,
    )?;
    let bold = Format::new().set_bold();
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *h, &bold)?;
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for i in 0..rows {
        let r = row(i + 2)?;
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
    let footer = row(rows + 3)?;
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
