//! One cell, whatever the container, and its text as a person sees it.

use calamine::{Data, DataRef};
use chrono::{NaiveDateTime, NaiveTime};

/// A cell value, independent of the file format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CellValue {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A cell formatted as a date (already converted from its serial, 1900 or 1904 system).
    DateTime(NaiveDateTime),
    /// An error value (#DIV/0! …) or an unconvertible date serial, as text.
    Error(String),
}

impl CellValue {
    /// Whether the cell shows nothing.
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The text a person sees: numbers without a trailing ".0", dates as 2020-02-05 (with the time
    /// when there is one), booleans as TRUE/FALSE.
    pub fn display(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(s) => s.clone(),
            Self::Number(n) => format_number(*n),
            Self::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Self::DateTime(dt) => format_datetime(dt),
            Self::Error(e) => e.clone(),
        }
    }
}

/// A number as text: integers without a decimal point (document numbers read from numeric cells),
/// other values in their shortest round-trip form.
pub(crate) fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn format_datetime(dt: &NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    let date = format!("{:04}-{:02}-{:02}", dt.year(), dt.month(), dt.day());
    match (dt.time() == NaiveTime::MIN, dt.second()) {
        (true, _) => date,
        (false, 0) => format!("{date} {:02}:{:02}", dt.hour(), dt.minute()),
        (false, s) => format!("{date} {:02}:{:02}:{s:02}", dt.hour(), dt.minute()),
    }
}

fn from_excel_datetime(v: &calamine::ExcelDateTime) -> CellValue {
    let serial = v.as_f64();
    if v.is_duration() || !(1.0..=2_958_465.0).contains(&serial) {
        return CellValue::Number(serial);
    }
    // calamine applies the workbook's 1900/1904 system here.
    let (y, mo, d, h, mi, s, ms) = v.to_ymd_hms_milli();
    chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))
        .and_then(|date| date.and_hms_opt(u32::from(h), u32::from(mi), u32::from(s)))
        .map_or(CellValue::Number(serial), |dt| {
            // Round floating-point noise (14:34:59.999) to the nearest second.
            let dt = if ms >= 500 {
                dt + chrono::Duration::seconds(1)
            } else {
                dt
            };
            CellValue::DateTime(dt)
        })
}

impl From<&Data> for CellValue {
    fn from(d: &Data) -> Self {
        match d {
            Data::Empty => Self::Empty,
            Data::String(s) => Self::Text(s.clone()),
            Data::Float(f) => Self::Number(*f),
            Data::Int(i) => Self::Number(*i as f64),
            Data::Bool(b) => Self::Bool(*b),
            Data::DateTime(v) => from_excel_datetime(v),
            Data::DateTimeIso(s) | Data::DurationIso(s) => Self::Text(s.clone()),
            Data::Error(e) => Self::Error(format!("{e}")),
        }
    }
}

impl From<DataRef<'_>> for CellValue {
    fn from(d: DataRef<'_>) -> Self {
        match d {
            DataRef::Empty => Self::Empty,
            DataRef::String(s) => Self::Text(s),
            DataRef::SharedString(s) => Self::Text(s.to_string()),
            DataRef::Float(f) => Self::Number(f),
            DataRef::Int(i) => Self::Number(i as f64),
            DataRef::Bool(b) => Self::Bool(b),
            DataRef::DateTime(v) => from_excel_datetime(&v),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Self::Text(s),
            DataRef::Error(e) => Self::Error(format!("{e}")),
        }
    }
}

/// One row as read: its 0-based index and its non-empty cells by 0-based column.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawRow {
    pub index: u32,
    pub cells: Vec<(u32, CellValue)>,
}

impl RawRow {
    /// The cell at a column, if present.
    pub fn get(&self, col: u32) -> Option<&CellValue> {
        self.cells.iter().find(|(c, _)| *c == col).map(|(_, v)| v)
    }

    /// Non-blank cells as (column, trimmed display text).
    pub fn texts(&self) -> Vec<(u32, String)> {
        self.cells
            .iter()
            .filter(|(_, v)| !v.is_blank())
            .map(|(c, v)| (*c, v.display().trim().to_string()))
            .collect()
    }
}

/// A row of (column, text) cells numbered from column 0, as tests write header rows.
#[cfg(test)]
pub(crate) fn numbered<S: AsRef<str>>(texts: &[S]) -> Vec<(u32, String)> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u32, t.as_ref().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        assert_eq!(CellValue::Number(77285995.0).display(), "77285995");
        assert_eq!(CellValue::Number(36.3).display(), "36.3");
        assert_eq!(CellValue::Number(1e20).display(), "100000000000000000000");
        let dt = chrono::NaiveDate::from_ymd_opt(2020, 2, 5).unwrap();
        assert_eq!(
            CellValue::DateTime(dt.and_hms_opt(0, 0, 0).unwrap()).display(),
            "2020-02-05"
        );
        assert_eq!(
            CellValue::DateTime(dt.and_hms_opt(14, 35, 0).unwrap()).display(),
            "2020-02-05 14:35"
        );
        assert!(CellValue::Text("  ".into()).is_blank());
    }
}
