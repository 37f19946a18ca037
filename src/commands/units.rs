//! `hub units`: the member-unit registry as an aligned table.

use std::io::Write;
use std::process::ExitCode;

use entity::member_unit;

use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::registry::units;

/// Print code, name and kind of every member unit, one per line, columns aligned for a
/// terminal (Chinese characters count two columns).
pub async fn run(settings: &Settings) -> Result<ExitCode, HubError> {
    let db = db::connect_and_migrate(settings).await?;
    let rows = units::list(&db).await?;
    db.close().await?;
    let mut out = std::io::stdout().lock();
    out.write_all(render_table(&rows).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The table text: a header, a rule, and one line per unit; inactive units are marked.
pub fn render_table(rows: &[member_unit::Model]) -> String {
    let header = ["code", "name", "kind"];
    let cells: Vec<[String; 3]> = rows
        .iter()
        .map(|u| {
            let kind = if u.active {
                u.kind.clone()
            } else {
                format!("{} (inactive)", u.kind)
            };
            [u.code.clone(), u.name.clone(), kind]
        })
        .collect();
    let mut widths = header.map(display_width);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let mut text = String::new();
    push_line(&mut text, &header.map(str::to_owned), &widths);
    push_line(&mut text, &widths.map(|w| "-".repeat(w)), &widths);
    for row in &cells {
        push_line(&mut text, row, &widths);
    }
    text
}

fn push_line(text: &mut String, cells: &[String; 3], widths: &[usize; 3]) {
    let last = cells.len() - 1;
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        text.push_str(cell);
        if i < last {
            let pad = width.saturating_sub(display_width(cell)) + 2;
            text.extend(std::iter::repeat_n(' ', pad));
        }
    }
    text.push('\n');
}

/// Terminal columns taken by `s`: East Asian wide and full-width characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, name: &str, kind: &str) -> member_unit::Model {
        member_unit::Model {
            id: 1,
            code: code.to_owned(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            active: true,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn columns_line_up_with_chinese_names() {
        let table = render_table(&[
            unit("fao", "大庆市人民政府外事办公室", "coordinator"),
            unit("police", "大庆市公安局出入境管理局", "police"),
            unit("nepu", "东北石油大学", "university"),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 5);
        let kind_column: Vec<usize> = lines
            .iter()
            .map(|l| {
                let cut = l.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                display_width(&l[..cut])
            })
            .collect();
        assert!(kind_column.windows(2).all(|w| w[0] == w[1]), "{table}");
        assert_eq!(display_width("东北石油大学"), 12);
    }
}
