//! The date a file states for itself: "截至2020年2月16日" in a title, "填报日期：2020-02-16" above
//! or below the table, a signature "大庆市教育局 2020年2月15日" under it. A roster is the unit's
//! list as of that date.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

/// Words that say the date following them is the list's date.
const LABELS: &[&str] = &[
    "截至",
    "截止",
    "截止到",
    "截止日期",
    "填报日期",
    "填表日期",
    "填报时间",
    "更新日期",
    "更新时间",
    "统计日期",
    "统计时间",
    "统计截止",
    "报送日期",
    "制表日期",
    "制表时间",
    "数据日期",
    "日期",
    "as of",
    "as at",
    "updated",
    "update",
    "date",
];
/// Words right before a date that make it the start of a period, not the list's date.
const SINCE: &[&str] = &["自", "从", "since", "from"];
/// Words right after a date that make it the start of a period.
const AFTER_SINCE: &[&str] = &["起", "以来", "以后", "之后", "后"];

/// One date written in a text: where it starts and ends (byte offsets) and the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Written {
    start: usize,
    end: usize,
    date: NaiveDate,
}

/// Reads `digits` at `at`: the number and where it ends.
fn number(s: &str, at: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let digits = s[at..].bytes().take_while(u8::is_ascii_digit).count();
    if digits < min || digits > max {
        return None;
    }
    Some((s[at..at + digits].parse().ok()?, at + digits))
}

/// A year-month-day date written at `at`: 2020年2月16日, 2020-02-16, 2020/2/16, 2020.2.16.
fn date_at(s: &str, at: usize) -> Option<Written> {
    if at > 0 && s[..at].ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (year, i) = number(s, at, 4, 4)?;
    let sep = s[i..].chars().next()?;
    if !matches!(sep, '年' | '-' | '/' | '.') {
        return None;
    }
    let (month, j) = number(s, i + sep.len_utf8(), 1, 2)?;
    let sep2 = s[j..].chars().next()?;
    let expected = if sep == '年' { '月' } else { sep };
    if sep2 != expected {
        return None;
    }
    let (day, mut end) = number(s, j + sep2.len_utf8(), 1, 2)?;
    if s[end..].starts_with('日') || s[end..].starts_with('号') {
        end += '日'.len_utf8();
    }
    if !(1990..=2100).contains(&year) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(Written {
        start: at,
        end,
        date,
    })
}

/// Every date written in a text.
fn dates(s: &str) -> Vec<Written> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < s.len() {
        if let Some(w) = date_at(s, at) {
            at = w.end;
            out.push(w);
            continue;
        }
        at += s[at..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Whether a label ends within a few characters before `at`.
fn labelled(lower: &str, at: usize) -> bool {
    let before = &lower[..at];
    let tail: String = before
        .chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail =
        tail.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | '(' | '（'));
    LABELS.iter().any(|l| tail.ends_with(l))
}

fn opens_a_period(lower: &str, w: &Written) -> bool {
    let before = lower[..w.start].trim_end();
    let after = lower[w.end..].trim_start();
    SINCE.iter().any(|s| before.ends_with(s)) || AFTER_SINCE.iter().any(|s| after.starts_with(s))
}

/// The date a title row (above the header) states for the list: a labelled date, or else a
/// date written in it that does not open a period ("自2020年1月1日起" does).
pub(crate) fn in_title(text: &str) -> Option<NaiveDate> {
    stated(text, |lower, found| {
        found
            .iter()
            .rev()
            .find(|w| !opens_a_period(lower, w))
            .copied()
    })
}

/// The date a footer row (below the table) states: a labelled date, or a signature's date that
/// ends the line ("大庆市教育局 2020年2月15日").
pub(crate) fn in_footer(text: &str) -> Option<NaiveDate> {
    stated(text, |lower, found| {
        found
            .last()
            .filter(|w| lower[w.end..].trim().is_empty() && !opens_a_period(lower, w))
            .copied()
    })
}

/// The last labelled date of a text, else the one `unlabelled` picks among its dates.
fn stated(
    text: &str,
    unlabelled: impl Fn(&str, &[Written]) -> Option<Written>,
) -> Option<NaiveDate> {
    let s: String = text.nfkc().collect();
    let lower = s.to_lowercase();
    let found = dates(&lower);
    found
        .iter()
        .rev()
        .find(|w| labelled(&lower, w.start))
        .copied()
        .or_else(|| unlabelled(&lower, &found))
        .map(|w| w.date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn titles() {
        assert_eq!(
            in_title("大庆常驻外籍人员国籍及签证情况（截至2020年2月16日）"),
            d(2020, 2, 16)
        );
        assert_eq!(
            in_title("填报单位：公安局   填报日期：2020-02-16"),
            d(2020, 2, 16)
        );
        assert_eq!(in_title("更新日期:2020/2/9"), d(2020, 2, 9));
        assert_eq!(in_title("外籍员工名单 2020.02.14"), d(2020, 2, 14));
        assert_eq!(in_title("Foreign staff (as of 2020-02-12)"), d(2020, 2, 12));
        assert_eq!(in_title("自2020年1月1日起入境人员"), None);
        assert_eq!(in_title("Northeast Petroleum University (Feb 2020)"), None);
        assert_eq!(in_title("2020年2月外籍人员"), None);
        assert_eq!(in_title("截至2020年2月30日"), None);
    }

    #[test]
    fn footers() {
        assert_eq!(in_footer("大庆市教育局 2020年2月15日"), d(2020, 2, 15));
        assert_eq!(
            in_footer("填报人：张三  填报日期：2020-02-15  联系电话：0459-1234567"),
            d(2020, 2, 15)
        );
        assert_eq!(in_footer("填报人：王警官    联系电话：0459-0000000"), None);
        assert_eq!(in_footer("2020年2月15日 以后到达的人员另报"), None);
    }
}
