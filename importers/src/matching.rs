//! Matching a header row to a kind's fields by meaning: every column is scored against every
//! field, then columns and fields are paired as one best matching (each field once, each
//! column once).
//!
//! A header is compared in several forms, best first:
//! 1. whole, after [`normalize_header`] (decorations dropped: units in brackets, "（英文）",
//!    numbering such as "1." or "(一)", "*" for required) — equal to a synonym;
//! 2. its bracketed words put before the rest ("姓名（英文）" → "英文姓名") — equal to a synonym;
//! 3. each part of a compound header split on `/ 、 ( ) - : |` ("国别/地区", "Nationality/国籍") —
//!    equal to a synonym;
//! 4. a synonym contained in it ("外籍员工护照号码" holds "护照号码");
//! 5. a keyword of the field contained in it ([`KEYWORDS`]: "所在企业" holds 企业).
//!
//! The synonym and keyword tables are data in [`crate::headers`].

use std::collections::HashMap;
use std::sync::LazyLock;

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use unicode_normalization::UnicodeNormalization;

use crate::headers::{Field, KEYWORDS, KindSpec, normalize_header, spec};
use crate::kinds::SourceKind;

/// Longest cell, in bytes, read as a header: 100 Chinese characters, 300 Latin ones.
const MAX_HEADER_BYTES: usize = 300;

/// How a column came to its field, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum How {
    /// The uploader named the field for this header (this upload, or a mapping saved before).
    Given,
    /// The header with its bracketed words in front is a synonym.
    Combined,
    /// The whole header is a synonym.
    Exact,
    /// A part of a compound header is a synonym.
    Part,
    /// A synonym is contained in the header.
    Contains,
    /// A keyword of the field is contained in the header.
    Keyword,
}

impl How {
    /// The weight of a match of this kind; `len` is the length (in characters) of the synonym
    /// or keyword found, so that a longer, more specific one outweighs a shorter one.
    fn weight(self, len: usize) -> i64 {
        let len = i64::try_from(len.min(40)).unwrap_or(40);
        match self {
            Self::Given => 100_000,
            // "姓名（英文）" read as 英文姓名 is more specific than 姓名 alone.
            Self::Combined => 10_500,
            Self::Exact => 10_000,
            Self::Part => 8_000 + len,
            Self::Contains => 4_000 + 100 * len,
            Self::Keyword => 1_000 + 100 * len,
        }
    }

    /// The stable name shown in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Given => "given",
            Self::Exact => "exact",
            Self::Combined => "combined",
            Self::Part => "part",
            Self::Contains => "contains",
            Self::Keyword => "keyword",
        }
    }
}

/// The forms of one header compared with synonyms and keywords.
#[derive(Debug, Clone, Default)]
pub(crate) struct HeaderForms {
    /// Whole, decorations dropped.
    whole: String,
    /// Bracketed words first, then the rest.
    combined: Option<String>,
    /// The parts of a compound header (only when there are two or more).
    parts: Vec<String>,
    /// Lower-case NFKC text without blanks and punctuation, decorations kept except numbering,
    /// and the byte offsets at which its words start (for Latin keywords: "tel" is not in "hotel").
    joined: String,
    word_starts: Vec<usize>,
}

/// Characters that split a compound header.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '/' | '\\'
            | '、'
            | '('
            | ')'
            | '['
            | ']'
            | '【'
            | '】'
            | '〔'
            | '〕'
            | '-'
            | ':'
            | '|'
            | ','
            | ';'
            | '\n'
            | '\r'
            | '&'
            | '+'
            | '~'
            | '＼'
    )
}

/// Drops leading numbering ("1.", "1、", "(1)", "一、", "①"; "No." is kept: it may be a header),
/// also when numbered twice ("(3)2. 序").
fn strip_numbering(s: &str) -> &str {
    let mut t = s;
    for _ in 0..3 {
        let next = strip_numbering_once(t);
        if next == t {
            break;
        }
        t = next;
    }
    t
}

fn strip_numbering_once(s: &str) -> &str {
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '＊');
    let circled = t.starts_with(|c: char| ('\u{2460}'..='\u{2473}').contains(&c));
    if circled {
        return t
            .trim_start_matches(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
            .trim_start();
    }
    let digits = t
        .char_indices()
        .take_while(|(_, c)| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
                )
        })
        .last()
        .map(|(i, c)| i + c.len_utf8());
    let Some(end) = digits else {
        // "(1)" / "（一）"
        if let Some(rest) = t.strip_prefix('(')
            && let Some(close) = rest.find(')')
            && close > 0
            && rest[..close]
                .chars()
                .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        {
            return rest[close + 1..].trim_start();
        }
        return t;
    };
    let rest = &t[end..];
    match rest.chars().next() {
        Some(c @ ('.' | '、' | ')' | ':' | ' ')) => {
            let rest = &rest[c.len_utf8()..];
            if rest.trim().is_empty() {
                t
            } else {
                rest.trim_start()
            }
        }
        _ => t,
    }
}

impl HeaderForms {
    /// The forms of a header as written.
    pub fn of(header: &str) -> Self {
        let nfkc: String = header.nfkc().collect();
        let text = strip_numbering(nfkc.trim());
        let whole = normalize_header(text);
        // Bracketed words, e.g. "英文" of "姓名（英文）".
        let mut inner = String::new();
        let mut depth = 0usize;
        for c in text.chars() {
            match c {
                '(' | '[' | '【' | '〔' => depth += 1,
                ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
                _ if depth > 0 => inner.push(c),
                _ => {}
            }
        }
        let inner = normalize_header(&inner);
        let combined = (!inner.is_empty() && !whole.is_empty()).then(|| format!("{inner}{whole}"));
        let parts: Vec<String> = text
            .split(is_separator)
            .map(normalize_header)
            .filter(|p| !p.is_empty())
            .collect();
        let parts = if parts.len() > 1 { parts } else { Vec::new() };
        let mut joined = String::new();
        let mut word_starts = Vec::new();
        let mut in_word = false;
        let mut previous_cjk = false;
        for c in text.chars().flat_map(char::to_lowercase) {
            let cjk = crate::normalize::name::is_cjk(c);
            if c.is_alphanumeric() {
                if !in_word || cjk || previous_cjk {
                    word_starts.push(joined.len());
                }
                joined.push(c);
                in_word = true;
                previous_cjk = cjk;
            } else {
                in_word = false;
            }
        }
        Self {
            whole,
            combined,
            parts,
            joined,
            word_starts,
        }
    }

    /// Whether `needle` (normalised) occurs in the header; a Latin needle only at a word start.
    fn holds(&self, needle: &str) -> bool {
        if needle.is_empty() {
            return false;
        }
        if !needle.is_ascii() {
            return self.joined.contains(needle) || self.whole.contains(needle);
        }
        self.joined
            .match_indices(needle)
            .any(|(at, _)| self.word_starts.contains(&at))
    }
}

/// The normalised synonyms and keywords of one field of one kind.
struct FieldWords {
    field: Field,
    synonyms: Vec<String>,
    keywords: Vec<String>,
}

/// Per kind, its fields' normalised synonyms and keywords.
static WORDS: LazyLock<HashMap<SourceKind, Vec<FieldWords>>> = LazyLock::new(|| {
    SourceKind::ALL
        .into_iter()
        .map(|kind| (kind, words_of(spec(kind))))
        .collect()
});

fn words_of(spec: &KindSpec) -> Vec<FieldWords> {
    spec.fields
        .iter()
        .map(|f| {
            let mut synonyms: Vec<String> = f
                .synonyms
                .iter()
                .chain(std::iter::once(&f.canonical))
                .map(|s| normalize_header(s))
                .filter(|s| !s.is_empty())
                .collect();
            synonyms.sort();
            synonyms.dedup();
            let keywords = KEYWORDS
                .iter()
                .filter(|(field, _)| *field == f.field)
                .flat_map(|(_, words)| words.iter().map(|w| normalize_header(w)))
                .filter(|w| !w.is_empty())
                .collect();
            FieldWords {
                field: f.field,
                synonyms,
                keywords,
            }
        })
        .collect()
}

/// Characters of a string.
fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A synonym long enough to be looked for inside a header: two CJK characters, or four Latin.
fn containable(s: &str) -> bool {
    if s.is_ascii() {
        s.len() >= 4
    } else {
        chars(s) >= 2
    }
}

/// The best way a header names a field, with its weight.
fn score(forms: &HeaderForms, words: &FieldWords) -> Option<(How, i64)> {
    let is_synonym = |s: &str| words.synonyms.iter().any(|w| w == s);
    if forms.combined.as_deref().is_some_and(is_synonym) {
        return Some((How::Combined, How::Combined.weight(0)));
    }
    if !forms.whole.is_empty() && is_synonym(&forms.whole) {
        return Some((How::Exact, How::Exact.weight(0)));
    }
    if let Some(part) = forms
        .parts
        .iter()
        .filter(|p| is_synonym(p))
        .max_by_key(|p| chars(p))
    {
        return Some((How::Part, How::Part.weight(chars(part))));
    }
    if let Some(found) = words
        .synonyms
        .iter()
        .filter(|w| containable(w) && forms.holds(w))
        .max_by_key(|w| chars(w))
    {
        return Some((How::Contains, How::Contains.weight(chars(found))));
    }
    words
        .keywords
        .iter()
        .filter(|w| forms.holds(w))
        .max_by_key(|w| chars(w))
        .map(|found| (How::Keyword, How::Keyword.weight(chars(found))))
}

/// A column's assignment fixed by the uploader: to a field, or to none (the column is known to
/// hold nothing the hub reads).
pub(crate) type Fixed = Option<Field>;

/// One column paired with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paired {
    /// Column index.
    pub column: u32,
    /// The field.
    pub field: Field,
    /// How the header named it.
    pub how: How,
    /// The weight of the pairing.
    pub weight: i64,
}

/// Pairs the columns of a header row with a kind's fields: one best matching (largest total
/// weight), each field once and each column once. `fixed` holds the uploader's choices by
/// column: a column fixed to a field gets only that field, one fixed to none gets no field.
pub(crate) fn pair_columns(
    kind: SourceKind,
    cells: &[(u32, String)],
    fixed: &HashMap<u32, Fixed>,
) -> Vec<Paired> {
    let Some(words) = WORDS.get(&kind) else {
        return Vec::new();
    };
    // weights[column][field]
    let mut weights: Vec<Vec<Option<(How, i64)>>> = Vec::with_capacity(cells.len());
    for (col, text) in cells {
        let row = match fixed.get(col) {
            Some(choice) => words
                .iter()
                .map(|w| (Some(w.field) == *choice).then(|| (How::Given, How::Given.weight(0))))
                .collect(),
            // A header is a few words: a long cell (a title, a note, a hostile file's
            // megabyte of text) names no field and is not searched.
            None if text.len() > MAX_HEADER_BYTES => vec![None; words.len()],
            None => {
                let forms = HeaderForms::of(text);
                words.iter().map(|w| score(&forms, w)).collect()
            }
        };
        weights.push(row);
    }
    best_matching(&weights)
        .into_iter()
        .filter_map(|(ci, fi)| {
            let (how, weight) = weights.get(ci)?.get(fi)?.as_ref().copied()?;
            Some(Paired {
                column: cells.get(ci)?.0,
                field: words.get(fi)?.field,
                how,
                weight,
            })
        })
        .collect()
}

/// The pairs (row, column) of a maximum-weight matching of a weight table; pairs of no weight
/// are left out.
fn best_matching(weights: &[Vec<Option<(How, i64)>>]) -> Vec<(usize, usize)> {
    let rows = weights.len();
    let columns = weights.first().map_or(0, Vec::len);
    if rows == 0 || columns == 0 {
        return Vec::new();
    }
    let weight = |r: usize, c: usize| weights[r][c].map_or(0, |(_, w)| w);
    // Kuhn–Munkres needs no more rows than columns: transpose when there are more columns
    // in the header than fields in the kind.
    let transpose = rows > columns;
    let (n, m) = if transpose {
        (columns, rows)
    } else {
        (rows, columns)
    };
    let matrix = Matrix::from_fn(n, m, |(i, j)| {
        if transpose {
            weight(j, i)
        } else {
            weight(i, j)
        }
    });
    let (_, assignment) = kuhn_munkres(&matrix);
    assignment
        .into_iter()
        .enumerate()
        .map(|(i, j)| if transpose { (j, i) } else { (i, j) })
        .filter(|&(r, c)| weight(r, c) > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::numbered;

    fn pairs(kind: SourceKind, headers: &[&str]) -> Vec<(String, Field, How)> {
        let cells = numbered(headers);
        let mut out: Vec<(String, Field, How)> = pair_columns(kind, &cells, &HashMap::new())
            .into_iter()
            .map(|p| (headers[p.column as usize].to_owned(), p.field, p.how))
            .collect();
        out.sort_by_key(|(h, _, _)| h.clone());
        out
    }

    fn field_of(kind: SourceKind, headers: &[&str], header: &str) -> Option<Field> {
        pairs(kind, headers)
            .into_iter()
            .find(|(h, _, _)| h == header)
            .map(|(_, f, _)| f)
    }

    #[test]
    fn numbering_is_dropped() {
        assert_eq!(strip_numbering("1.姓名"), "姓名");
        assert_eq!(strip_numbering("12、国籍"), "国籍");
        assert_eq!(strip_numbering("(3)护照号码"), "护照号码");
        assert_eq!(strip_numbering("一、单位"), "单位");
        assert_eq!(strip_numbering("①性别"), "性别");
        assert_eq!(strip_numbering("*国籍"), "国籍");
        assert_eq!(strip_numbering("2020"), "2020");
        assert_eq!(strip_numbering("No."), "No.");
    }

    #[test]
    fn compound_and_decorated_headers() {
        let kind = SourceKind::VisaRegistry;
        let headers = [
            "所属国/Citizenship State",
            "护照号码",
            "签证种类",
            "1.姓名（英文）",
            "姓名（中文）",
        ];
        assert_eq!(
            field_of(kind, &headers, "所属国/Citizenship State"),
            Some(Field::Nationality)
        );
        assert_eq!(
            field_of(kind, &headers, "1.姓名（英文）"),
            Some(Field::LatinName)
        );
        assert_eq!(
            field_of(kind, &headers, "姓名（中文）"),
            Some(Field::ChineseName)
        );
    }

    #[test]
    fn an_unlisted_employer_spelling_is_found_by_its_keyword() {
        let kind = SourceKind::EmploymentRoster;
        let headers = [
            "序号",
            "就职企业（全称）",
            "姓名",
            "国籍",
            "护照号码",
            "职务",
        ];
        assert_eq!(
            field_of(kind, &headers, "就职企业（全称）"),
            Some(Field::Employer)
        );
        let headers = ["Employing Firm", "Name", "Nationality", "Passport No."];
        assert_eq!(
            field_of(kind, &headers, "Employing Firm"),
            Some(Field::Employer)
        );
    }

    #[test]
    fn latin_keywords_match_only_at_a_word_start() {
        let forms = HeaderForms::of("Hotel");
        assert!(!forms.holds("tel"));
        assert!(HeaderForms::of("Tel.").holds("tel"));
        assert!(HeaderForms::of("Contact Telephone").holds("tel"));
    }

    #[test]
    fn each_field_and_each_column_once() {
        let kind = SourceKind::VisaRegistry;
        let got = pairs(kind, &["国籍", "国家", "护照号码", "证件号码"]);
        let fields: Vec<Field> = got.iter().map(|(_, f, _)| *f).collect();
        let mut unique = fields.clone();
        unique.dedup();
        assert_eq!(fields.len(), unique.len());
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn a_longer_keyword_outweighs_a_shorter_one() {
        // 学院 (college) outweighs 国 (nationality) in "国际教育学院".
        let kind = SourceKind::UniversityRoster;
        let headers = ["Name", "Nationality", "Passport No.", "国际教育学院"];
        assert_eq!(
            field_of(kind, &headers, "国际教育学院"),
            Some(Field::College)
        );
    }

    #[test]
    fn fixed_columns_take_only_their_field() {
        let kind = SourceKind::EmploymentRoster;
        let cells = numbered(&["所在企业", "姓名", "国籍", "护照号码", "单位"]);
        let fixed = HashMap::from([(4, None), (0, Some(Field::Employer))]);
        let got = pair_columns(kind, &cells, &fixed);
        assert!(
            got.iter()
                .any(|p| p.column == 0 && p.field == Field::Employer && p.how == How::Given)
        );
        assert!(!got.iter().any(|p| p.column == 4));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::cell::numbered;
    use proptest::prelude::*;

    /// Every (kind, field, synonym) of the tables.
    fn synonyms() -> Vec<(SourceKind, Field, &'static str)> {
        SourceKind::ALL
            .into_iter()
            .flat_map(|kind| {
                spec(kind).fields.iter().flat_map(move |f| {
                    f.synonyms
                        .iter()
                        .chain(std::iter::once(&f.canonical))
                        .map(move |s| (kind, f.field, *s))
                })
            })
            .collect()
    }

    /// Headers no field of any kind claims.
    const UNKNOWN: &[&str] = &["照片", "Hobby", "微信", "血型", "Shoe Size", "爱好"];

    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
                ' ' => '\u{3000}',
                _ => c,
            })
            .collect()
    }

    /// A synonym decorated as people write headers; `name_field` leaves out the bracketed
    /// "（英文）"/"（中文）", which make a name a Latin or Chinese name.
    fn decorate(s: &str, how: &[u8], name_field: bool) -> String {
        let mut h = s.to_owned();
        for d in how {
            h = match d % 9 {
                0 => format!("{}. {h}", d / 9 + 1),
                1 => format!("*{h}"),
                2 => format!("{h}（必填）"),
                3 => format!("{h} (required)"),
                4 => full_width(&h),
                5 => format!("  {} ", h.to_uppercase()),
                6 => format!("({}){h}", d / 9 % 5 + 1),
                7 if !name_field => format!("{h}（英文）"),
                8 => format!("{h}*"),
                _ => format!("{h}[选填]"),
            };
        }
        h
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn a_decorated_synonym_maps_to_its_field_whatever_the_other_columns(
            pick in any::<prop::sample::Index>(),
            how in prop::collection::vec(any::<u8>(), 0..4),
            unknown in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
            order in any::<u64>(),
        ) {
            let all = synonyms();
            let (kind, field, synonym) = all[pick.index(all.len())];
            let names = matches!(field, Field::Name | Field::LatinName | Field::ChineseName);
            let decorated = decorate(synonym, &how, names);
            // The row: the decorated synonym, every other field's canonical header, unknown
            // columns, in a shuffled order.
            let mut headers: Vec<String> = spec(kind)
                .fields
                .iter()
                .filter(|f| f.field != field)
                .map(|f| f.canonical.to_owned())
                .collect();
            headers.push(decorated.clone());
            headers.extend(unknown.iter().map(|i| UNKNOWN[i.index(UNKNOWN.len())].to_owned()));
            let mut state = order | 1;
            for i in (1..headers.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
                headers.swap(i, j);
            }
            let cells = numbered(&headers);
            let paired = pair_columns(kind, &cells, &HashMap::new());
            let column = headers.iter().position(|h| *h == decorated).unwrap_or(usize::MAX);
            let got = paired.iter().find(|p| p.column as usize == column).map(|p| p.field);
            prop_assert_eq!(got, Some(field), "{} in {:?}", decorated, headers);
            for p in &paired {
                let h = &headers[p.column as usize];
                prop_assert!(!UNKNOWN.contains(&h.as_str()), "{} read as {:?}", h, p.field);
            }
        }
    }
}
