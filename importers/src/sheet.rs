//! Reading one sheet: find the header row (and the kind), skip what is not data (blank lines,
//! titles, "填报…" lines, footers, repeated headers), fill merged cells, build the rows.

use std::ops::ControlFlow;

use crate::cell::RawRow;
use crate::error::ImportError;
use chrono::NaiveDate;

use crate::headers::{self, Field, HeaderMatch};
use crate::kinds::SourceKind;
use crate::mapping::{self, Fixes};
use crate::matching::How;
use crate::merge::{Merge, MergeFiller};
use crate::notes::{self, ColumnNote, FileNote, SeenColumn};
use crate::options::ReadOptions;
use crate::rows::{Header, Row, RowBuilder};
use crate::stated;
use crate::upload::ParsedRow;

/// Non-blank rows examined for a header before a sheet is given up.
const HEADER_SCAN_ROWS: usize = 30;
/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 512;
/// Data rows read ahead of the first row given, to show each column's values in the report.
const SAMPLE_ROWS: usize = 20;
/// A kind the unit typically uploads decides between kinds whose headers fit at least this
/// share (in per cent) of the best fit's weight.
const NEAR_FIT_PERCENT: i64 = 60;

/// What the reader knows about a sheet before its rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct SheetInfo {
    pub name: String,
    pub merges: Vec<Merge>,
    pub date1904: bool,
}

/// The header row of a sheet, once found.
#[derive(Debug, Clone)]
pub(crate) struct SheetHeader {
    pub kind: SourceKind,
    /// Excel row number of the header row (1-based).
    pub header_row: u32,
    pub headers: Vec<String>,
    /// How each header column was read.
    pub columns: Vec<ColumnNote>,
    /// Warnings about the file's columns.
    pub notes: Vec<FileNote>,
    /// The date a title above the header states for the list.
    pub stated_date: Option<NaiveDate>,
    /// [`mapping::header_fingerprint`] of the header row.
    pub fingerprint: String,
    /// Whether a mapping the unit saved for these headers was applied.
    pub saved_mapping: bool,
}

/// What is known of a sheet once all its rows are read.
#[derive(Debug, Clone, Default)]
pub(crate) struct SheetEnd {
    /// The date a footer under the table states (a signature, "填报日期：…").
    pub footer_date: Option<NaiveDate>,
}

/// Where [`read_sheet`] puts a sheet's header and rows as it reads them. Either returns
/// `Break` to stop the read.
pub(crate) trait SheetSink {
    /// The header was found; rows follow.
    fn start(&mut self, header: &SheetHeader) -> ControlFlow<()>;
    /// One data row, in row order.
    fn row(&mut self, row: ParsedRow) -> ControlFlow<()>;
    /// Every row was given.
    fn end(&mut self, end: &SheetEnd) -> ControlFlow<()>;
}

/// The result of reading a sheet.
#[derive(Debug)]
pub(crate) enum SheetOutcome {
    /// The header was found and every row given to the sink.
    Read,
    /// The sink stopped the read.
    Stopped,
    /// No header; the closest partial match seen, for the error message.
    NoHeader(Option<HeaderMatch>),
}

/// The closest partial header match so far: most recognised fields, then fewest missing.
pub(crate) fn better(best: &mut Option<HeaderMatch>, m: HeaderMatch) {
    let rank = |m: &HeaderMatch| (m.score(), usize::MAX - m.missing.len(), m.distinctive);
    if best.as_ref().is_none_or(|b| rank(&m) > rank(b)) {
        *best = Some(m);
    }
}

/// What decides a sheet's header row besides its cells: the kind given, the kinds the unit
/// typically uploads, and the columns the uploader fixed.
pub(crate) struct HeaderChoice<'a> {
    pub kind: Option<SourceKind>,
    pub preferred: &'a [SourceKind],
    pub fixes: &'a Fixes,
}

impl<'a> HeaderChoice<'a> {
    /// The choice of a read.
    pub fn new(kind: Option<SourceKind>, options: &'a ReadOptions, fixes: &'a Fixes) -> Self {
        Self {
            kind,
            preferred: &options.preferred_kinds,
            fixes,
        }
    }
}

/// Decides whether a row is the header row: `Ok(Some(match))` when it is.
fn header_match(
    texts: &[(u32, String)],
    choice: &HeaderChoice<'_>,
    best: &mut Option<HeaderMatch>,
) -> Result<Option<HeaderMatch>, ImportError> {
    if let Some(kind) = choice.kind {
        let fixes = choice.fixes.for_row(kind, texts);
        let m = headers::match_row(kind, &fixes, texts);
        if m.complete {
            if let Some((header, target)) = fixes.unresolved.into_iter().next() {
                return Err(ImportError::InvalidMapping {
                    header,
                    message: mapping::resolve_target(kind, &target)
                        .err()
                        .unwrap_or_default(),
                });
            }
            return Ok(Some(m));
        }
        better(best, m);
        return Ok(None);
    }
    let mut candidates: Vec<(HeaderMatch, Vec<(String, String)>)> = Vec::new();
    for k in SourceKind::ALL {
        let fixes = choice.fixes.for_row(k, texts);
        let m = headers::match_row(k, &fixes, texts);
        if m.complete && m.distinctive {
            candidates.push((m, fixes.unresolved));
        } else {
            better(best, m);
        }
    }
    let Some(top) = candidates.iter().map(|(m, _)| m.weight).max() else {
        return Ok(None);
    };
    // The unit's own kinds decide among the kinds that fit about as well as the best.
    let near: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].0.weight * 100 >= top * NEAR_FIT_PERCENT)
        .collect();
    let typical: Vec<usize> = near
        .iter()
        .copied()
        .filter(|&i| choice.preferred.contains(&candidates[i].0.kind))
        .collect();
    let pool: Vec<usize> = if typical.is_empty() {
        (0..candidates.len()).collect()
    } else {
        typical
    };
    let pool_top = pool
        .iter()
        .map(|&i| candidates[i].0.weight)
        .max()
        .unwrap_or(top);
    let winners: Vec<usize> = pool
        .into_iter()
        .filter(|&i| candidates[i].0.weight == pool_top)
        .collect();
    if winners.len() > 1 {
        let mut recognised: Vec<String> = Vec::new();
        for &i in &winners {
            for r in &candidates[i].0.recognised {
                if !recognised.contains(r) {
                    recognised.push(r.clone());
                }
            }
        }
        return Err(ImportError::AmbiguousKind {
            candidates: winners.iter().map(|&i| candidates[i].0.kind).collect(),
            recognised,
        });
    }
    let Some(&winner) = winners.first() else {
        return Ok(None);
    };
    let (m, unresolved) = candidates.swap_remove(winner);
    if let Some((header, target)) = unresolved.into_iter().next() {
        return Err(ImportError::InvalidMapping {
            header,
            message: mapping::resolve_target(m.kind, &target)
                .err()
                .unwrap_or_default(),
        });
    }
    Ok(Some(m))
}

/// Footer and signature lines: "填报人：… 联系电话：…", "大庆市教育局 2020年2月15日", "合计 …".
fn is_footer(texts: &[(u32, String)]) -> bool {
    let Some((_, first)) = texts.first() else {
        return false;
    };
    let first: String = if first.is_ascii() {
        first.split_ascii_whitespace().collect()
    } else {
        crate::normalize::text::compact(first).collect()
    };
    const LABELS: &[&str] = &[
        "填报",
        "填表",
        "制表",
        "报送",
        "审核",
        "审批",
        "负责人",
        "联系人",
        "联系电话",
        "电话",
        "注:",
        "备注:",
        "说明:",
        "合计",
        "总计",
        "小计",
        "共计",
    ];
    if LABELS.iter().any(|l| first.starts_with(l)) {
        return true;
    }
    if ["填报人", "联系电话", "制表人", "填表人"]
        .iter()
        .any(|l| first.contains(l))
    {
        return true;
    }
    // A lone signature: "<unit> 2020年2月15日".
    texts.len() == 1 && first.contains('年') && first.contains('月') && first.ends_with('日')
}

/// Whether every cell of `lower` is read as a header in `m` by a synonym (not a mere keyword,
/// which a data value may contain).
fn all_headers(lower: &[(u32, String)], m: &HeaderMatch) -> bool {
    lower
        .iter()
        .all(|(col, _)| m.read(*col).is_some_and(|(_, how)| how <= How::Part))
}

/// The header of the row at `row_index` with these cells, as `m` matched them.
fn found_header(
    row_index: u32,
    columns: Vec<(u32, String)>,
    m: HeaderMatch,
) -> (Header, HeaderMatch) {
    let header = Header {
        kind: m.kind,
        row_index,
        columns,
        fields: m.columns.clone(),
    };
    (header, m)
}

/// The cells of `lower`, with those of `upper` in the columns `lower` leaves empty.
fn combine_header_rows(upper: &[(u32, String)], lower: &[(u32, String)]) -> Vec<(u32, String)> {
    let mut combined: Vec<(u32, String)> = lower.to_vec();
    for (col, text) in upper {
        if !lower.iter().any(|(c, _)| c == col) {
            combined.push((*col, text.clone()));
        }
    }
    combined.sort_by_key(|(c, _)| *c);
    combined
}

/// Reads one sheet's rows: finds the header within the first rows, then builds every data row
/// and gives it to `sink` as soon as it is built (the first few after reading them ahead, to
/// describe the columns).
pub(crate) fn read_sheet(
    info: &SheetInfo,
    rows: &mut dyn Iterator<Item = Result<RawRow, ImportError>>,
    choice: &HeaderChoice<'_>,
    options: &ReadOptions,
    sink: &mut dyn SheetSink,
) -> Result<SheetOutcome, ImportError> {
    let mut best = None;
    let mut scanned = 0usize;
    let mut previous: Option<(u32, Vec<(u32, String)>)> = None;
    let mut titles: Vec<String> = Vec::new();
    let (header, matched) = loop {
        let Some(row) = rows.next() else {
            return Ok(SheetOutcome::NoHeader(best));
        };
        let row = row?;
        let texts = row.texts();
        if texts.is_empty() {
            continue;
        }
        scanned += 1;
        if let Some(m) = header_match(&texts, choice, &mut best)? {
            break found_header(row.index, texts, m);
        }
        // A two-level header: cells merged down from the row above fill this row's gaps.
        if let Some((above, above_texts)) = &previous
            && above + 1 == row.index
        {
            let combined = combine_header_rows(above_texts, &texts);
            if let Some(m) = header_match(&combined, choice, &mut best)? {
                break found_header(row.index, combined, m);
            }
        }
        if scanned >= HEADER_SCAN_ROWS {
            return Ok(SheetOutcome::NoHeader(best));
        }
        titles.push(
            texts
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
        previous = Some((row.index, texts));
    };

    // A header found on one row may be the upper level of a two-level header: the next row
    // holds the sub-headers under a merged "签证信息". The two are read together when every
    // cell of the next row is a header and together they fit better.
    let mut carry: Option<RawRow> = None;
    let (header, matched) = match rows.next().transpose()? {
        Some(next) if next.index == header.row_index.saturating_add(1) => {
            let lower = next.texts();
            let combined = combine_header_rows(&header.columns, &lower);
            let mut ignore = None;
            let better_fit = header_match(&combined, choice, &mut ignore)
                .ok()
                .flatten()
                .filter(|m| m.weight > matched.weight && all_headers(&lower, m));
            match better_fit {
                Some(m) => found_header(next.index, combined, m),
                None => {
                    carry = Some(next);
                    (header, matched)
                }
            }
        }
        other => {
            carry = other;
            (header, matched)
        }
    };

    let data_columns: Vec<u32> = header
        .fields
        .iter()
        .filter(|(_, f)| *f != Field::Seq)
        .map(|(c, _)| *c)
        .collect();
    let all_columns: Vec<u32> = header.columns.iter().map(|(c, _)| *c).collect();
    let header_texts: Vec<&str> = header.columns.iter().map(|(_, t)| t.as_str()).collect();
    let is_data = |row: &RawRow| {
        row.index > header.row_index
            && data_columns
                .iter()
                .any(|c| row.get(*c).is_some_and(|v| !v.is_blank()))
    };

    // Read the first data rows ahead: their values describe the columns.
    let mut ahead: Vec<RawRow> = Vec::new();
    let mut data_ahead = 0usize;
    if let Some(row) = carry {
        data_ahead += usize::from(is_data(&row));
        ahead.push(row);
    }
    while data_ahead < SAMPLE_ROWS {
        let Some(row) = rows.next() else { break };
        let row = row?;
        if is_data(&row) {
            data_ahead += 1;
        }
        ahead.push(row);
    }
    let fixes = choice.fixes.for_row(header.kind, &header.columns);
    let (columns, mut file_notes) = describe_columns(&header, &matched, &fixes, &ahead);
    for unused in &fixes.unused {
        file_notes.push(FileNote {
            code: notes::MAPPING_NOT_USED.to_owned(),
            column: Some(unused.clone()),
            samples: Vec::new(),
            likely: None,
            message: format!(
                "指定的列映射“{unused}”在文件的表头中找不到，未使用；请核对表头的写法"
            ),
        });
    }
    let start = SheetHeader {
        kind: header.kind,
        header_row: header.row_index.saturating_add(1),
        headers: header.columns.iter().map(|(_, t)| t.clone()).collect(),
        columns,
        notes: file_notes,
        stated_date: titles.iter().find_map(|t| stated::in_title(t)),
        fingerprint: mapping::header_fingerprint(&header_texts),
        saved_mapping: matched.saved_mapping,
    };
    if sink.start(&start).is_break() {
        return Ok(SheetOutcome::Stopped);
    }
    let mut filler = MergeFiller::new(info.merges.clone(), header.row_index);
    let mut builder = RowBuilder::new(
        &header,
        options.timezone,
        info.date1904,
        options.supplies.clone(),
    );
    let mut built: u64 = 0;
    let mut end = SheetEnd::default();
    for row in ahead.into_iter().map(Ok).chain(rows) {
        let mut row = row?;
        if !is_data(&row) {
            // A signature or "填报日期" line under the table may hold only a first column.
            if row.index > header.row_index {
                let texts = row.texts();
                if is_footer(&texts) {
                    let line: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
                    if let Some(date) = stated::in_footer(&line.join(" ")) {
                        end.footer_date = Some(date);
                    }
                }
            }
            continue;
        }
        if !filler.is_empty() {
            filler.apply(&mut row, &all_columns);
        }
        let view = Row::new(&header, &row);
        let texts: Vec<(u32, String)> = view
            .texts
            .iter()
            .zip(&all_columns)
            .filter(|(t, _)| !t.trim().is_empty())
            .map(|(t, c)| (*c, t.trim().to_string()))
            .collect();
        if is_footer(&texts) {
            let line: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
            if let Some(date) = stated::in_footer(&line.join(" ")) {
                end.footer_date = Some(date);
            }
            continue;
        }
        let repeated_header = texts
            .iter()
            .filter(|(_, t)| header_texts.contains(&t.as_str()))
            .count()
            * 2
            > header_texts.len();
        if repeated_header {
            continue;
        }
        if sink.row(builder.build(&info.name, view)).is_break() {
            return Ok(SheetOutcome::Stopped);
        }
        built += 1;
        if let Some(progress) = &options.progress
            && built.is_multiple_of(PROGRESS_EVERY)
        {
            progress(built);
        }
    }
    if let Some(progress) = &options.progress {
        progress(built);
    }
    if sink.end(&end).is_break() {
        return Ok(SheetOutcome::Stopped);
    }
    Ok(SheetOutcome::Read)
}

/// The notes on a header row's columns, from the values of the rows read ahead.
fn describe_columns(
    header: &Header,
    matched: &HeaderMatch,
    fixes: &mapping::RowFixes,
    ahead: &[RawRow],
) -> (Vec<ColumnNote>, Vec<FileNote>) {
    let seen: Vec<SeenColumn<'_>> = header
        .columns
        .iter()
        .map(|(col, text)| {
            let read = matched.read(*col);
            SeenColumn {
                column: *col,
                header: text.as_str(),
                read,
                ignored: read.is_none() && matches!(fixes.columns.get(col), Some(None)),
                values: ahead
                    .iter()
                    .filter(|r| r.index > header.row_index)
                    .filter_map(|r| r.get(*col))
                    .filter(|v| !v.is_blank())
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    notes::describe(header.kind, &seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::numbered;

    #[test]
    fn footers() {
        assert!(is_footer(&numbered(&[
            "填报单位：大庆市公安局出入境管理局    填报人：王警官    联系电话：0459-0000000"
        ])));
        assert!(is_footer(&numbered(&["大庆市教育局 2020年2月15日"])));
        assert!(is_footer(&numbered(&["填报人：张三", "联系电话：123"])));
        assert!(is_footer(&numbered(&["合计", "156"])));
        assert!(!is_footer(&numbered(&["KIM", "韩国", "M123"])));
        assert!(!is_footer(&numbered(&["2020年2月15日", "KIM"])));
    }

    #[test]
    fn ambiguous_headers_are_an_error() {
        let mut best = None;
        let options = ReadOptions::default();
        let fixes = Fixes::default();
        let err = header_match(
            &numbered(&["姓名", "国籍", "护照号码", "日期"]),
            &HeaderChoice::new(None, &options, &fixes),
            &mut best,
        )
        .unwrap_err();
        assert_eq!(err.code(), "AMBIGUOUS_KIND");
        let ok = header_match(
            &numbered(&["姓名", "国籍", "护照号码", "日期"]),
            &HeaderChoice::new(Some(SourceKind::HealthCheck), &options, &fixes),
            &mut best,
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.kind, SourceKind::HealthCheck);
        // The unit's kind decides between kinds that fit equally.
        let police = ReadOptions {
            preferred_kinds: vec![SourceKind::HealthCheck],
            ..ReadOptions::default()
        };
        let ok = header_match(
            &numbered(&["姓名", "国籍", "护照号码", "日期"]),
            &HeaderChoice::new(None, &police, &fixes),
            &mut best,
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.kind, SourceKind::HealthCheck);
        // A date column named only by a keyword does not make a health check, whatever the
        // unit's kinds: a staff list of the police is still a staff list.
        let ok = header_match(
            &numbered(&["所属实体", "姓名", "国籍", "护照号码", "职务", "入职日期"]),
            &HeaderChoice::new(None, &police, &fixes),
            &mut best,
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.kind, SourceKind::EmploymentRoster);
    }
}
