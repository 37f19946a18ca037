//! Reading one sheet: find the header row (and the kind), skip what is not data (blank lines,
//! titles, "填报…" lines, footers, repeated headers), fill merged cells, build the rows.

use std::ops::ControlFlow;

use unicode_normalization::UnicodeNormalization;

use crate::cell::RawRow;
use crate::error::ImportError;
use crate::headers::{self, Field, HeaderMatch};
use crate::kinds::SourceKind;
use crate::merge::{Merge, MergeFiller};
use crate::options::ReadOptions;
use crate::rows::{Header, Row, RowBuilder};
use crate::upload::ParsedRow;

/// Non-blank rows examined for a header before a sheet is given up.
const HEADER_SCAN_ROWS: usize = 30;
/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 512;

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
}

/// Where [`read_sheet`] puts a sheet's header and rows as it reads them. Either returns
/// `Break` to stop the read.
pub(crate) trait SheetSink {
    /// The header was found; rows follow.
    fn start(&mut self, header: &SheetHeader) -> ControlFlow<()>;
    /// One data row, in row order.
    fn row(&mut self, row: ParsedRow) -> ControlFlow<()>;
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

/// Decides whether a row is the header row: `Ok(Some(match))` when it is.
fn header_match(
    texts: &[(u32, String)],
    kind: Option<SourceKind>,
    best: &mut Option<HeaderMatch>,
) -> Result<Option<HeaderMatch>, ImportError> {
    if let Some(kind) = kind {
        let m = headers::match_row(kind, texts);
        if m.complete {
            return Ok(Some(m));
        }
        better(best, m);
        return Ok(None);
    }
    let mut candidates: Vec<HeaderMatch> = Vec::new();
    for k in SourceKind::ALL {
        let m = headers::match_row(k, texts);
        if m.complete && m.distinctive {
            candidates.push(m);
        } else {
            better(best, m);
        }
    }
    let Some(top) = candidates.iter().map(HeaderMatch::score).max() else {
        return Ok(None);
    };
    let mut winners: Vec<HeaderMatch> = candidates
        .into_iter()
        .filter(|m| m.score() == top)
        .collect();
    if winners.len() > 1 {
        let mut recognised: Vec<String> = Vec::new();
        for m in &winners {
            for r in &m.recognised {
                if !recognised.contains(r) {
                    recognised.push(r.clone());
                }
            }
        }
        return Err(ImportError::AmbiguousKind {
            candidates: winners.iter().map(|m| m.kind).collect(),
            recognised,
        });
    }
    Ok(winners.pop())
}

/// Footer and signature lines: "填报人：… 联系电话：…", "大庆市教育局 2020年2月15日", "合计 …".
fn is_footer(texts: &[(u32, String)]) -> bool {
    let Some((_, first)) = texts.first() else {
        return false;
    };
    let first: String = if first.is_ascii() {
        first.split_ascii_whitespace().collect()
    } else {
        first.nfkc().filter(|c| !c.is_whitespace()).collect()
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
/// and gives it to `sink` as soon as it is built.
pub(crate) fn read_sheet(
    info: &SheetInfo,
    rows: &mut dyn Iterator<Item = Result<RawRow, ImportError>>,
    kind: Option<SourceKind>,
    options: &ReadOptions,
    sink: &mut dyn SheetSink,
) -> Result<SheetOutcome, ImportError> {
    let mut best = None;
    let mut scanned = 0usize;
    let mut previous: Option<(u32, Vec<(u32, String)>)> = None;
    let header = loop {
        let Some(row) = rows.next() else {
            return Ok(SheetOutcome::NoHeader(best));
        };
        let row = row?;
        let texts = row.texts();
        if texts.is_empty() {
            continue;
        }
        scanned += 1;
        if let Some(m) = header_match(&texts, kind, &mut best)? {
            break Header {
                kind: m.kind,
                row_index: row.index,
                columns: texts,
                fields: m.columns,
            };
        }
        // A two-level header: cells merged down from the row above fill this row's gaps.
        if let Some((above, above_texts)) = &previous
            && above + 1 == row.index
        {
            let combined = combine_header_rows(above_texts, &texts);
            if let Some(m) = header_match(&combined, kind, &mut best)? {
                break Header {
                    kind: m.kind,
                    row_index: row.index,
                    columns: combined,
                    fields: m.columns,
                };
            }
        }
        if scanned >= HEADER_SCAN_ROWS {
            return Ok(SheetOutcome::NoHeader(best));
        }
        previous = Some((row.index, texts));
    };

    let data_columns: Vec<u32> = header
        .fields
        .iter()
        .filter(|(_, f)| *f != Field::Seq)
        .map(|(c, _)| *c)
        .collect();
    let all_columns: Vec<u32> = header.columns.iter().map(|(c, _)| *c).collect();
    let header_texts: Vec<&str> = header.columns.iter().map(|(_, t)| t.as_str()).collect();
    let start = SheetHeader {
        kind: header.kind,
        header_row: header.row_index.saturating_add(1),
        headers: header.columns.iter().map(|(_, t)| t.clone()).collect(),
    };
    if sink.start(&start).is_break() {
        return Ok(SheetOutcome::Stopped);
    }
    let mut filler = MergeFiller::new(info.merges.clone(), header.row_index);
    let mut builder = RowBuilder::new(&header, options.timezone, info.date1904);
    let mut built: u64 = 0;
    for row in rows {
        let mut row = row?;
        if row.index <= header.row_index {
            continue;
        }
        // Data only when a recognised column (other than the sequence number) holds something.
        let is_data = data_columns
            .iter()
            .any(|c| row.get(*c).is_some_and(|v| !v.is_blank()));
        if !is_data {
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
    Ok(SheetOutcome::Read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(cells: &[&str]) -> Vec<(u32, String)> {
        cells
            .iter()
            .enumerate()
            .map(|(i, s)| (i as u32, s.to_string()))
            .collect()
    }

    #[test]
    fn footers() {
        assert!(is_footer(&t(&[
            "填报单位：大庆市公安局出入境管理局    填报人：王警官    联系电话：0459-0000000"
        ])));
        assert!(is_footer(&t(&["大庆市教育局 2020年2月15日"])));
        assert!(is_footer(&t(&["填报人：张三", "联系电话：123"])));
        assert!(is_footer(&t(&["合计", "156"])));
        assert!(!is_footer(&t(&["KIM", "韩国", "M123"])));
        assert!(!is_footer(&t(&["2020年2月15日", "KIM"])));
    }

    #[test]
    fn ambiguous_headers_are_an_error() {
        let mut best = None;
        let err =
            header_match(&t(&["姓名", "国籍", "护照号码", "日期"]), None, &mut best).unwrap_err();
        assert_eq!(err.code(), "AMBIGUOUS_KIND");
        let ok = header_match(
            &t(&["姓名", "国籍", "护照号码", "日期"]),
            Some(SourceKind::HealthCheck),
            &mut best,
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.kind, SourceKind::HealthCheck);
    }
}
