//! The human summary of an import report, in Chinese and English.

use std::fmt::Write;

use crate::ingest::{ImportReport, ImportStatus, Rejection, RowWarning};

/// The status in words.
fn status_text(report: &ImportReport) -> String {
    let upload = report
        .upload_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    match report.status {
        ImportStatus::Imported => format!("已导入 imported (upload {upload})"),
        ImportStatus::Duplicate => {
            format!("重复文件，未做更改 duplicate of upload {upload}, nothing changed")
        }
        ImportStatus::DryRun => "试运行，未保存 dry run, nothing stored".to_owned(),
        ImportStatus::Failed => "无法读取 failed, nothing stored".to_owned(),
        ImportStatus::Queued => "排队中 queued, lands in the background".to_owned(),
    }
}

/// One row of a file: `Sheet!row column value — CODE text` (`-` for no column, an empty
/// value in words).
fn row_line(
    sheet: &str,
    row: u32,
    column: Option<&str>,
    value: &str,
    code: &str,
    text: &str,
) -> String {
    let column = column.unwrap_or("-");
    let value = if value.is_empty() {
        "(空 empty)"
    } else {
        value
    };
    format!("{sheet}!{row} {column} {value} — {code} {text}")
}

/// One rejected row: `Sheet!row column value — CODE reason`.
pub fn rejection_line(r: &Rejection) -> String {
    row_line(
        &r.sheet,
        r.row,
        r.column.as_deref(),
        &r.value,
        &r.code,
        &r.reason,
    )
}

/// One warning of an accepted row: `? Sheet!row column value — CODE message`.
pub fn warning_line(w: &RowWarning) -> String {
    let line = row_line(
        &w.sheet,
        w.row,
        w.column.as_deref(),
        &w.value,
        &w.code,
        &w.message,
    );
    format!("? {line}")
}

/// A few lines per file: name and status, the row counts (or the error), every rejected
/// row and every warning of an accepted row.
pub fn summary(report: &ImportReport) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "{} — {}", report.file, status_text(report));
    if let Some(error) = &report.error {
        let _ = writeln!(text, "  {} {}", error.code, error.message);
        if !report.columns.is_empty() {
            let _ = writeln!(
                text,
                "  表头及推测的字段 headers and the field guessed (correct with --map 'HEADER=FIELD'):"
            );
            for column in &report.columns {
                let _ = writeln!(
                    text,
                    "    {} → {}",
                    column.header,
                    column.field.as_deref().unwrap_or("? (unmapped)")
                );
            }
        }
        return text;
    }
    let rows = report.rows;
    let _ = writeln!(
        text,
        "  {} {}: 数据 data {} · 接受 accepted {} · 拒绝 rejected {} · 警告 warnings {}",
        report.unit,
        report.kind.as_deref().unwrap_or("-"),
        rows.data,
        rows.accepted,
        rows.rejected,
        rows.warnings
    );
    // A dry run shows how every header was read, to confirm or correct with --map.
    if report.status == ImportStatus::DryRun {
        let _ = writeln!(text, "  表头 → 字段 header → field (how):");
        for column in &report.columns {
            let _ = writeln!(
                text,
                "    {} → {} ({})",
                column.header,
                column.field.as_deref().unwrap_or("-"),
                column.how
            );
        }
    }
    for warning in &report.warnings {
        let likely = warning
            .likely
            .as_deref()
            .map(|l| format!(" {l}"))
            .unwrap_or_default();
        let _ = writeln!(text, "  ! {}{likely} {}", warning.code, warning.message);
    }
    if let Some(roster) = &report.roster {
        let date = roster
            .as_of
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d");
        let stated = if roster.stated {
            "文件所述日期 stated by the file"
        } else {
            "上传时间 upload time"
        };
        let verb = if report.status == ImportStatus::DryRun {
            "将结束 would end"
        } else {
            "结束 ended"
        };
        let _ = writeln!(
            text,
            "  名单日期 list as of {date} ({stated}); {verb} {} 条不在本名单上的关系 affiliation(s) of people not on this list",
            roster.ends
        );
        if let Some(newer) = roster.newer_list_as_of {
            let _ = writeln!(
                text,
                "  ! 本单位已有更新的名单（{}），本名单只补充历史，不结束更新名单中的关系 an older list than the unit's latest: adds history, ends nothing newer",
                newer
                    .with_timezone(&chrono_tz::Asia::Shanghai)
                    .format("%Y-%m-%d")
            );
        }
        for e in &roster.ending {
            let _ = writeln!(
                text,
                "    - {} · {} · {}",
                e.name.as_deref().unwrap_or("-"),
                e.organization,
                e.role
            );
        }
    }
    for rejection in &report.rejections {
        let _ = writeln!(text, "  {}", rejection_line(rejection));
    }
    for warning in &report.row_warnings {
        let _ = writeln!(text, "  {}", warning_line(warning));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{FileError, RowCounts};

    fn report(status: ImportStatus) -> ImportReport {
        let kind = Some("visa_registry".to_owned());
        ImportReport {
            upload_id: Some(7),
            rows: RowCounts {
                data: 156,
                accepted: 154,
                rejected: 2,
                warnings: 0,
            },
            rejections: vec![Rejection {
                sheet: "Sheet1".to_owned(),
                row: 20,
                column: Some("国籍".to_owned()),
                value: "火星".to_owned(),
                code: "UNKNOWN_NATIONALITY".to_owned(),
                reason: "无法识别的国籍".to_owned(),
            }],
            row_warnings: vec![RowWarning {
                sheet: "Sheet1".to_owned(),
                row: 21,
                column: Some("出生日期".to_owned()),
                value: "03/04/1990".to_owned(),
                code: "AMBIGUOUS_DATE".to_owned(),
                message: "日期不明确".to_owned(),
            }],
            ..ImportReport::new(
                "police_visas.xlsx".to_owned(),
                "police".to_owned(),
                kind,
                status,
            )
        }
    }

    #[test]
    fn a_summary_names_counts_and_rejections() {
        let text = summary(&report(ImportStatus::Imported));
        assert!(text.starts_with("police_visas.xlsx — 已导入 imported (upload 7)"));
        assert!(text.contains("数据 data 156 · 接受 accepted 154 · 拒绝 rejected 2"));
        assert!(text.contains("  Sheet1!20 国籍 火星 — UNKNOWN_NATIONALITY 无法识别的国籍"));
        assert!(text.contains("  ? Sheet1!21 出生日期 03/04/1990 — AMBIGUOUS_DATE 日期不明确"));
    }

    #[test]
    fn a_failed_file_shows_its_error() {
        let failed = ImportReport::failed(
            "x.xlsx",
            "police",
            None,
            FileError {
                code: "CORRUPT_FILE".to_owned(),
                message: "文件已损坏".to_owned(),
            },
        );
        let text = summary(&failed);
        assert!(text.contains("failed"));
        assert!(text.contains("CORRUPT_FILE 文件已损坏"));
    }
}
