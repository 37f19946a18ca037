//! The daily brief as a Word document (A4, 仿宋 body and 黑体 headings as the office's
//! documents are set), written with `docx-rs` from the same [`DailyBrief`] the page shows.

use std::io::Cursor;

use chrono_tz::Tz;
use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableRow,
    WidthType,
};

use super::{Case, CaseList, DailyBrief, GroupRow, wording};
use crate::error::HubError;

/// The media type of a Word document.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A4 in twentieths of a point.
const A4_WIDTH: u32 = 11_906;
const A4_HEIGHT: u32 = 16_838;
/// Text width of the page (A4 less two 2.5 cm margins), in twentieths of a point.
const TEXT_WIDTH: usize = 9_070;

const BODY_FONT: &str = "仿宋";
const HEADING_FONT: &str = "黑体";
/// Sizes in half-points: 三号 16 pt, 小二 18 pt, 五号 10.5 pt.
const BODY_SIZE: usize = 32;
const TITLE_SIZE: usize = 36;
const TABLE_SIZE: usize = 21;

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text, HEADING_FONT, BODY_SIZE))
}

fn body(text: &str) -> Paragraph {
    // First line indented by two characters, as the office's text is.
    Paragraph::new()
        .add_run(run(text, BODY_FONT, BODY_SIZE))
        .indent(
            None,
            Some(docx_rs::SpecialIndentType::FirstLine(640)),
            None,
            None,
        )
}

fn table(headers: &[&str], rows: Vec<Vec<String>>) -> Table {
    let width = TEXT_WIDTH / headers.len().max(1);
    let cell = |text: &str, bold: bool| {
        let r = run(text, BODY_FONT, TABLE_SIZE);
        TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(if bold { r.bold() } else { r }))
    };
    let mut all = vec![TableRow::new(
        headers.iter().map(|h| cell(h, true)).collect(),
    )];
    all.extend(
        rows.iter()
            .map(|cells| TableRow::new(cells.iter().map(|c| cell(c, false)).collect())),
    );
    Table::new(all).set_grid(vec![width; headers.len()])
}

fn group_rows(rows: &[GroupRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.label.clone(),
                r.count.to_string(),
                wording::change_text(r.previous, r.count, ""),
            ]
        })
        .collect()
}

fn person_name(c: &Case) -> String {
    match (&c.name, &c.chinese_name) {
        (Some(latin), Some(chinese)) => format!("{latin}（{chinese}）"),
        (Some(name), None) | (None, Some(name)) => name.clone(),
        (None, None) => String::new(),
    }
}

fn case_rows(list: &CaseList, tz: Tz, overstay: bool) -> Vec<Vec<String>> {
    list.people
        .iter()
        .map(|c| {
            let last = if overstay {
                c.last_check.as_ref().map_or_else(
                    || "无检测记录".to_owned(),
                    |k| {
                        format!(
                            "{} {}{}",
                            k.checked_at.with_timezone(&tz).format("%m-%d %H:%M"),
                            k.temperature
                                .map(|t| format!("{t:.1}℃ "))
                                .unwrap_or_default(),
                            k.status.clone().unwrap_or_default()
                        )
                    },
                )
            } else {
                c.visa_valid_until
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            };
            vec![
                person_name(c),
                c.nationality.clone(),
                c.document_number.clone(),
                c.managing_unit.clone().unwrap_or_default(),
                last,
            ]
        })
        .collect()
}

fn names(units: &[super::UnitRef]) -> String {
    if units.is_empty() {
        "无".to_owned()
    } else {
        units
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// The brief as a .docx file.
pub fn brief_docx(brief: &DailyBrief, tz: Tz) -> Result<Vec<u8>, HubError> {
    let day = brief.as_of.with_timezone(&tz);
    let mut doc = Docx::new()
        .page_size(A4_WIDTH, A4_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(1_440)
                .bottom(1_440)
                .left(1_418)
                .right(1_418),
        )
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run("在庆外国人情况日报告", HEADING_FONT, TITLE_SIZE).bold()),
        )
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
            &format!("（{}）", day.format("%Y年%m月%d日")),
            BODY_FONT,
            BODY_SIZE,
        )))
        .add_paragraph(body(&brief.headline))
        .add_paragraph(body(&format!(
            "当日到达{}人，离开{}人；签证过期（逾期滞留）{}人，签证30天内到期{}人；累计掌握{}人。",
            brief.figures.arrivals,
            brief.figures.departures,
            brief.figures.expired_visas,
            brief.figures.expiring_visas,
            brief.figures.known_people
        )));
    doc = doc
        .add_paragraph(heading("一、与上期相比"))
        .add_paragraph(body(&format!(
            "与{}相比：{}。",
            brief.changes.since_text,
            brief.changes.lines.join("；")
        )));
    if !brief.changes.new_countries.is_empty() {
        doc = doc.add_paragraph(body(&format!(
            "新增国家和地区：{}。",
            brief.changes.new_countries.join("、")
        )));
    }
    if !brief.changes.gone_countries.is_empty() {
        doc = doc.add_paragraph(body(&format!(
            "已无人员在庆的国家和地区：{}。",
            brief.changes.gone_countries.join("、")
        )));
    }
    doc = doc
        .add_paragraph(heading("二、按国籍统计"))
        .add_table(table(
            &["国家和地区", "在庆人数", "较上期"],
            group_rows(&brief.by_country),
        ))
        .add_paragraph(heading("三、按具体负责管理单位统计"))
        .add_table(table(
            &["具体负责管理单位", "在庆人数", "较上期"],
            group_rows(&brief.by_managing_unit),
        ))
        .add_paragraph(heading("四、特殊情况"))
        .add_paragraph(body(&format!(
            "签证过期（逾期滞留）{}人{}：",
            brief.overstays.total,
            listed_note(&brief.overstays)
        )))
        .add_table(table(
            &[
                "姓名",
                "国籍",
                "证件号码",
                "具体负责管理单位",
                "最近体温检测",
            ],
            case_rows(&brief.overstays, tz, true),
        ))
        .add_paragraph(body(&format!(
            "签证30天内到期{}人{}：",
            brief.expiring.total,
            listed_note(&brief.expiring)
        )))
        .add_table(table(
            &[
                "姓名",
                "国籍",
                "证件号码",
                "具体负责管理单位",
                "签证有效期至",
            ],
            case_rows(&brief.expiring, tz, false),
        ))
        .add_paragraph(heading("五、成员单位日报告情况"))
        .add_paragraph(body(&format!(
            "{}：已报告{}家，零报告{}家，未报告{}家。",
            brief.reports.date.format("%Y年%m月%d日"),
            brief.reports.reported.len(),
            brief.reports.zero_reported.len(),
            brief.reports.missing.len()
        )))
        .add_paragraph(body(&format!(
            "已报告：{}。",
            names(&brief.reports.reported)
        )))
        .add_paragraph(body(&format!(
            "零报告：{}。",
            names(&brief.reports.zero_reported)
        )))
        .add_paragraph(body(&format!(
            "未报告：{}。",
            names(&brief.reports.missing)
        )));
    if let Some(lines) = &brief.supplies {
        doc = doc.add_paragraph(heading("六、物资保障情况"));
        for line in lines {
            doc = doc.add_paragraph(body(line));
        }
    }
    if brief.masked {
        doc = doc.add_paragraph(body("（本报告中的个人信息已按规定脱敏。）"));
    }
    let mut out = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| HubError::Internal(format!("writing the brief's docx: {e}")))?;
    Ok(out.into_inner())
}

fn listed_note(list: &CaseList) -> String {
    if (list.people.len() as i64) < list.total {
        format!("（列出前{}人）", list.people.len())
    } else {
        String::new()
    }
}
