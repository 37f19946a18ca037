//! Dates and date-times as people and spreadsheets write them.
//!
//! Accepted: Excel serial numbers (1900 and 1904 systems; also as text, "43866"), ISO strings
//! (2020-02-05, 2020-02-05T14:35, with an optional zone), 2020.2.5, 2020/02/05 14:35, 2020年2月5日
//! (14时35分), 20200205, day-first or month-first dates when unambiguous (25/12/2019), and English
//! month names (5 Feb 2020, Feb 5, 2020, 05-FEB-2020). Times without a zone are local to the
//! timezone the caller applies ([`DateValue::in_zone`]).

use chrono::{
    DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
};
use chrono_tz::Tz;
use unicode_normalization::UnicodeNormalization;

/// A parsed date, with or without a time of day, with or without a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// A calendar date.
    Date(NaiveDate),
    /// A date and time without a zone.
    DateTime(NaiveDateTime),
    /// A date and time with an explicit offset.
    Zoned(DateTime<FixedOffset>),
}

impl DateValue {
    /// The calendar date (the local date of a zoned value).
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Date(d) => *d,
            Self::DateTime(dt) => dt.date(),
            Self::Zoned(z) => z.date_naive(),
        }
    }

    /// Whether a time of day was given.
    pub fn has_time(&self) -> bool {
        !matches!(self, Self::Date(_))
    }

    /// The instant, reading a date as midnight and zone-less values in `tz`. `None` for a local time
    /// that does not exist in `tz` (a daylight-saving gap).
    pub fn in_zone(&self, tz: Tz) -> Option<DateTime<FixedOffset>> {
        let local = match self {
            Self::Zoned(z) => return Some(*z),
            Self::Date(d) => d.and_time(NaiveTime::MIN),
            Self::DateTime(dt) => *dt,
        };
        let zoned = tz.from_local_datetime(&local).earliest()?;
        Some(zoned.with_timezone(&zoned.offset().fix()))
    }
}

/// Why a value is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not a date, or an impossible one (2020-13-45).
    Invalid,
    /// Day and month could be either way round (03/04/2020).
    Ambiguous,
}

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2199;
/// 9999-12-31 in the 1900 system; larger serials are not dates.
const MAX_SERIAL: f64 = 2_958_465.0;

/// Converts an Excel serial number to a date-time. The 1900 system keeps Excel's fictitious
/// 1900-02-29 (serial 60), which is rejected; the 1904 system counts from 1904-01-01.
pub fn serial_to_datetime(serial: f64, is_1904: bool) -> Option<NaiveDateTime> {
    if !(1.0..=MAX_SERIAL).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    let secs = ((serial - serial.trunc()) * 86_400.0).round() as i64;
    let base = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else if days == 60 {
        return None;
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    let dt = base.and_time(NaiveTime::MIN) + Duration::days(days) + Duration::seconds(secs);
    (MIN_YEAR..=MAX_YEAR)
        .contains(&chrono::Datelike::year(&dt))
        .then_some(dt)
}

/// A date value from a date-time: a bare date when the time is midnight.
pub fn from_datetime(dt: NaiveDateTime) -> DateValue {
    if dt.time() == NaiveTime::MIN {
        DateValue::Date(dt.date())
    } else {
        DateValue::DateTime(dt)
    }
}

/// Parses a date or date-time written as text (see the module documentation for the forms).
pub fn parse_date_text(raw: &str) -> Result<DateValue, DateError> {
    let s: String = if raw.is_ascii() {
        raw.trim().to_string()
    } else {
        raw.nfkc().collect::<String>().trim().to_string()
    };
    if s.is_empty() || s.len() > 64 {
        return Err(DateError::Invalid);
    }
    if let Some(v) = parse_numeric(&s) {
        return v;
    }
    if s.chars().any(|c| c.is_ascii_alphabetic())
        && let Some(v) = parse_month_name(&s)
    {
        return v;
    }
    parse_numeric_date_time(&s)
}

/// "43866", "43866.5" (serials) and "20200205" (compact).
fn parse_numeric(s: &str) -> Option<Result<DateValue, DateError>> {
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || s.bytes().filter(|&b| b == b'.').count() > 1
    {
        return None;
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y = s[..4].parse().ok()?;
        let m = s[4..6].parse().ok()?;
        let d = s[6..].parse().ok()?;
        return Some(ymd(y, m, d).map(DateValue::Date));
    }
    if s.contains('.') && !s.ends_with('.') && s.split('.').next().is_some_and(|p| p.len() <= 2) {
        return None; // "5.2" is no serial; let the date forms try
    }
    let serial: f64 = s.parse().ok()?;
    Some(
        serial_to_datetime(serial, false)
            .map(from_datetime)
            .ok_or(DateError::Invalid),
    )
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, DateError> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(DateError::Invalid);
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::Invalid)
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .zip(full.iter())
        .position(|(abbr, full)| w == *abbr || w == *full || (w == "sept" && *abbr == "sep"))
        .map(|i| i as u32 + 1)
}

/// "5 Feb 2020", "Feb 5, 2020", "05-FEB-2020" (dates only).
fn parse_month_name(s: &str) -> Option<Result<DateValue, DateError>> {
    let tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | ',' | '.'))
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() != 3 {
        return None;
    }
    let month_at = tokens.iter().position(|t| month_number(t).is_some())?;
    let month = month_number(tokens[month_at])?;
    let nums: Vec<&str> = tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != month_at)
        .map(|(_, t)| *t)
        .collect();
    let (day, year) = match (nums[0].len(), nums[1].len()) {
        (1 | 2, 4) => (nums[0], nums[1]),
        (4, 1 | 2) => (nums[1], nums[0]),
        _ => return Some(Err(DateError::Invalid)),
    };
    let (Ok(day), Ok(year)) = (day.parse::<u32>(), year.parse::<i32>()) else {
        return Some(Err(DateError::Invalid));
    };
    Some(ymd(year, month, day).map(DateValue::Date))
}

/// Numeric dates with an optional time and zone.
fn parse_numeric_date_time(s: &str) -> Result<DateValue, DateError> {
    // Chinese markers become separators: 2020年2月5日 14时35分 → 2020-2-5 14:35
    let mut t = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '年' | '月' => t.push('-'),
            '日' | '号' => t.push(' '),
            '时' | '点' | '分' => t.push(':'),
            '秒' => {}
            _ => t.push(c),
        }
    }
    let t = t.trim().trim_end_matches([':', '-']).trim();
    let (date_part, time_part) = split_date_time(t);
    let date = parse_date_part(date_part)?;
    let Some(time_part) = time_part else {
        return Ok(DateValue::Date(date));
    };
    let (time_str, offset) = split_zone(time_part)?;
    let time = parse_time(time_str)?;
    let dt = date.and_time(time);
    match offset {
        None => Ok(DateValue::DateTime(dt)),
        Some(off) => off
            .from_local_datetime(&dt)
            .single()
            .map(DateValue::Zoned)
            .ok_or(DateError::Invalid),
    }
}

fn split_date_time(t: &str) -> (&str, Option<&str>) {
    // "2020-02-05T14:35" or "2020/02/05 14:35"
    let bytes = t.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let sep = b == b' '
            || (b == b'T' && i > 0 && bytes[i - 1].is_ascii_digit())
            || (b == b't' && i > 0 && bytes[i - 1].is_ascii_digit());
        if sep {
            let rest = t[i + 1..].trim();
            return (&t[..i], (!rest.is_empty()).then_some(rest));
        }
    }
    (t, None)
}

fn parse_date_part(d: &str) -> Result<NaiveDate, DateError> {
    let parts: Vec<&str> = d.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(DateError::Invalid);
    }
    let num = |p: &str| p.parse::<u32>().map_err(|_| DateError::Invalid);
    if parts[0].len() == 4 && parts[1].len() <= 2 && parts[2].len() <= 2 {
        let y = parts[0].parse::<i32>().map_err(|_| DateError::Invalid)?;
        return ymd(y, num(parts[1])?, num(parts[2])?);
    }
    if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        let y = parts[2].parse::<i32>().map_err(|_| DateError::Invalid)?;
        let (a, b) = (num(parts[0])?, num(parts[1])?);
        return match (a > 12, b > 12) {
            (true, false) => ymd(y, b, a),
            (false, true) => ymd(y, a, b),
            (false, false) if a == b => ymd(y, a, b),
            (false, false) => {
                // Either way round is a real date: refuse to guess.
                if ymd(y, a, b).is_ok() && ymd(y, b, a).is_ok() {
                    Err(DateError::Ambiguous)
                } else {
                    Err(DateError::Invalid)
                }
            }
            (true, true) => Err(DateError::Invalid),
        };
    }
    Err(DateError::Invalid)
}

/// Splits a trailing zone ("Z", "+08:00", "+0800", "+08", "UTC", "GMT") off a time.
fn split_zone(t: &str) -> Result<(&str, Option<FixedOffset>), DateError> {
    let t = t.trim();
    for word in ["UTC", "GMT", "utc", "gmt", "Z", "z"] {
        if let Some(rest) = t.strip_suffix(word) {
            return Ok((rest.trim(), FixedOffset::east_opt(0)));
        }
    }
    let Some(pos) = t.rfind(['+', '-']) else {
        return Ok((t, None));
    };
    let (time, zone) = (t[..pos].trim(), &t[pos..]);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return Err(DateError::Invalid);
    }
    let h: i32 = digits[..2].parse().map_err(|_| DateError::Invalid)?;
    let m: i32 = if digits.len() == 4 {
        digits[2..].parse().map_err(|_| DateError::Invalid)?
    } else {
        0
    };
    if h > 14 || m > 59 {
        return Err(DateError::Invalid);
    }
    let off = FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or(DateError::Invalid)?;
    Ok((time, Some(off)))
}

fn parse_time(t: &str) -> Result<NaiveTime, DateError> {
    let t = t.trim().trim_end_matches(':');
    let parts: Vec<&str> = t.split(':').collect();
    if parts.is_empty() || parts.len() > 3 {
        return Err(DateError::Invalid);
    }
    let int = |p: &str| -> Result<u32, DateError> {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DateError::Invalid);
        }
        p.parse().map_err(|_| DateError::Invalid)
    };
    let h = int(parts[0])?;
    let m = parts.get(1).map(|p| int(p)).transpose()?.unwrap_or(0);
    let (s, nanos) = match parts.get(2) {
        None => (0, 0),
        Some(p) => {
            let (whole, frac) = p.split_once('.').unwrap_or((p, ""));
            if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
                return Err(DateError::Invalid);
            }
            let nanos = if frac.is_empty() {
                0
            } else {
                format!("{frac:0<9}")
                    .parse()
                    .map_err(|_| DateError::Invalid)?
            };
            (int(whole)?, nanos)
        }
    };
    NaiveTime::from_hms_nano_opt(h, m, s, nanos).ok_or(DateError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dt(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn serials() {
        assert_eq!(
            serial_to_datetime(43866.0, false),
            Some(dt(2020, 2, 5, 0, 0))
        );
        assert_eq!(
            serial_to_datetime(42404.0, true),
            Some(dt(2020, 2, 5, 0, 0))
        );
        assert_eq!(
            serial_to_datetime(43866.5, false),
            Some(dt(2020, 2, 5, 12, 0))
        );
        assert_eq!(serial_to_datetime(1.0, false), Some(dt(1900, 1, 1, 0, 0)));
        assert_eq!(serial_to_datetime(61.0, false), Some(dt(1900, 3, 1, 0, 0)));
        assert_eq!(serial_to_datetime(60.0, false), None);
        assert_eq!(serial_to_datetime(-1.0, false), None);
        assert_eq!(serial_to_datetime(f64::NAN, false), None);
        assert_eq!(serial_to_datetime(1e12, false), None);
    }

    #[test]
    fn text_forms() {
        let date = |s: &str| parse_date_text(s);
        // Every spelling of 5 February 2020.
        for text in [
            "43866",
            "2020-02-05",
            "2020-2-5",
            "2020.2.5",
            "2020/02/05",
            "2020年2月5日",
            "２０２０年２月５日",
            "20200205",
            "5 Feb 2020",
            "Feb 5, 2020",
            "05-FEB-2020",
        ] {
            assert_eq!(date(text), Ok(DateValue::Date(d(2020, 2, 5))), "{text}");
        }
        // Every spelling of 5 February 2020 at 14:35.
        for text in [
            "2020/02/05 14:35",
            "2020-02-05T14:35",
            "2020-02-05 14:35:00.000",
            "2020年2月5日 14时35分",
            "2020年2月5日14:35",
        ] {
            let at = DateValue::DateTime(dt(2020, 2, 5, 14, 35));
            assert_eq!(date(text), Ok(at), "{text}");
        }
        assert_eq!(date("25/12/2019"), Ok(DateValue::Date(d(2019, 12, 25))));
        assert_eq!(date("12/25/2019"), Ok(DateValue::Date(d(2019, 12, 25))));
        assert_eq!(date("03/04/2020"), Err(DateError::Ambiguous));
        for text in [
            "1990-13-45",
            "2019-02-29",
            "0202-02-05",
            "tomorrow",
            "",
            "2020-02-05 25:00",
        ] {
            assert_eq!(date(text), Err(DateError::Invalid), "{text}");
        }
    }

    #[test]
    fn zones() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        for (text, zoned) in [
            ("2020-02-05 14:35", "2020-02-05T14:35:00+08:00"),
            ("2020-02-05T06:35:00Z", "2020-02-05T06:35:00+00:00"),
            ("2020-02-05T14:35+09:00", "2020-02-05T14:35:00+09:00"),
            ("2020-02-05", "2020-02-05T00:00:00+08:00"),
        ] {
            let v = parse_date_text(text).unwrap();
            assert_eq!(v.in_zone(tz).unwrap().to_rfc3339(), zoned, "{text}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in ".*") {
            let _ = parse_date_text(&s);
        }

        #[test]
        fn never_panics_on_datey_text(s in "[0-9年月日时分:/.T +-]{0,24}") {
            let _ = parse_date_text(&s);
        }

        #[test]
        fn iso_dates_round_trip(y in 1900i32..2199, m in 1u32..=12, day in 1u32..=28) {
            let date = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            prop_assert_eq!(parse_date_text(&date.to_string()), Ok(DateValue::Date(date)));
            prop_assert_eq!(parse_date_text(&format!("{y}年{m}月{day}日")), Ok(DateValue::Date(date)));
        }

        #[test]
        fn serials_never_panic(x in proptest::num::f64::ANY, b in any::<bool>()) {
            let _ = serial_to_datetime(x, b);
        }
    }
}
