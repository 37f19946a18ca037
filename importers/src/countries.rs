//! Every ISO 3166-1 country and region, with Chinese and English names and a forgiving lookup.
//!
//! Codes and ISO English short names come from the `rust_iso3166` crate (all 249 entries). The Chinese
//! names (canonical first, then long official names and other spellings) and extra English spellings
//! live in one data file, `data/country_names.tsv`, loaded once.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One ISO 3166-1 entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, e.g. `KR`.
    pub alpha2: &'static str,
    /// ISO 3166-1 alpha-3 code, e.g. `KOR`: the hub's identifier of a nationality.
    pub alpha3: &'static str,
    /// ISO 3166-1 numeric code, e.g. 410.
    pub numeric: u16,
    /// ISO English short name, e.g. `Korea (Republic of)`.
    pub name_en: &'static str,
    /// Chinese short name as used by the Ministry of Foreign Affairs, e.g. `韩国`.
    pub name_zh: &'static str,
}

impl Country {
    /// The hub's identifier of a nationality: the alpha-3 code.
    pub fn code(&self) -> &'static str {
        self.alpha3
    }
}

const DATA: &str = include_str!("../data/country_names.tsv");

struct Table {
    countries: Vec<Country>,
    by_key: HashMap<String, usize>,
    by_alpha3: HashMap<&'static str, usize>,
    /// Explicit names that two entries claim (a data error; the test requires none).
    conflicts: Vec<String>,
    /// ISO entries that the data file does not name in Chinese (the test requires none).
    missing_zh: Vec<&'static str>,
}

/// One line of the data file: alpha-3, Chinese names, extra names.
struct Line {
    zh: Vec<&'static str>,
    extra: Vec<&'static str>,
}

fn parse_data() -> HashMap<&'static str, Line> {
    let mut lines = HashMap::new();
    for raw in DATA.lines() {
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let mut cols = raw.split('\t');
        let Some(alpha3) = cols.next() else { continue };
        let split = |c: Option<&'static str>| -> Vec<&'static str> {
            c.map(|c| {
                c.split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
        };
        let zh = split(cols.next());
        let extra = split(cols.next());
        lines.insert(alpha3.trim(), Line { zh, extra });
    }
    lines
}

/// Names derived from an ISO name of the form `X (Y)`: `X`, `Y X`, `X, Y`.
fn derived_names(name: &str) -> Vec<String> {
    let Some((head, tail)) = name.split_once(" (") else {
        return Vec::new();
    };
    let tail = tail.trim_end_matches(')');
    vec![
        head.to_string(),
        format!("{tail} {head}"),
        format!("{head}, {tail}"),
    ]
}

fn build() -> Table {
    let lines = parse_data();
    let mut table = Table {
        countries: Vec::with_capacity(rust_iso3166::ALL.len()),
        by_key: HashMap::new(),
        by_alpha3: HashMap::new(),
        conflicts: Vec::new(),
        missing_zh: Vec::new(),
    };
    let mut derived: Vec<(String, usize)> = Vec::new();
    for (idx, code) in rust_iso3166::ALL.iter().enumerate() {
        let line = lines.get(code.alpha3);
        let name_zh = line.and_then(|l| l.zh.first().copied()).unwrap_or("");
        if name_zh.is_empty() {
            table.missing_zh.push(code.alpha3);
        }
        table.countries.push(Country {
            alpha2: code.alpha2,
            alpha3: code.alpha3,
            numeric: code.numeric,
            name_en: code.name,
            name_zh,
        });
        table.by_alpha3.insert(code.alpha3, idx);
        let mut explicit: Vec<String> = vec![
            code.alpha3.to_string(),
            code.alpha2.to_string(),
            format!("{:03}", code.numeric),
            code.name.to_string(),
        ];
        if let Some(line) = line {
            explicit.extend(line.zh.iter().map(|s| s.to_string()));
            explicit.extend(line.extra.iter().map(|s| s.to_string()));
        }
        for name in explicit {
            let k = key(&name);
            if k.is_empty() {
                continue;
            }
            match table.by_key.get(&k) {
                Some(&other) if other != idx => table.conflicts.push(format!(
                    "{name}: {} vs {}",
                    code.alpha3, table.countries[other].alpha3
                )),
                _ => {
                    table.by_key.insert(k, idx);
                }
            }
        }
        derived.extend(derived_names(code.name).into_iter().map(|n| (n, idx)));
    }
    // Derived names never override an explicit one; the first claim wins among derived ones.
    for (name, idx) in derived {
        table.by_key.entry(key(&name)).or_insert(idx);
    }
    table
}

static TABLE: LazyLock<Table> = LazyLock::new(build);

/// The matching key of a name: compatibility-decomposed, accents dropped, lower-cased, only letters
/// and digits kept ("KOREA, REPUBLIC OF" → "korearepublicof", "Türkiye" → "turkiye", "U.S.A." → "usa").
pub fn key(s: &str) -> String {
    if s.is_ascii() {
        return s
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Every country and region (249 ISO 3166-1 entries), in ISO English-name order.
pub fn all() -> &'static [Country] {
    &TABLE.countries
}

/// The entry with this alpha-3 code (exact, upper case), if any.
pub fn by_alpha3(alpha3: &str) -> Option<&'static Country> {
    let table: &'static Table = &TABLE;
    table.by_alpha3.get(alpha3).map(|&i| &table.countries[i])
}

/// Finds a country by any name or code: Chinese short or long names (韩国, 大韩民国), English names
/// and variants (Republic of Korea, "KOREA, REPUBLIC OF", South Korea, U.S.A., Holland, Türkiye),
/// demonyms (Korean), alpha-3, alpha-2 and numeric codes. Case, accents, spaces and punctuation are
/// ignored; a leading "the" and a trailing 籍/人/公民 are tolerated.
pub fn lookup(name: &str) -> Option<&'static Country> {
    let table: &'static Table = &TABLE;
    let k = key(name);
    if k.is_empty() {
        return None;
    }
    let find = |k: &str| table.by_key.get(k).map(|&i| &table.countries[i]);
    if let Some(c) = find(&k) {
        return Some(c);
    }
    if let Some(rest) = k.strip_prefix("the")
        && let Some(c) = find(rest)
    {
        return Some(c);
    }
    for suffix in ["公民", "籍", "人"] {
        if let Some(rest) = k.strip_suffix(suffix)
            && let Some(c) = find(rest)
        {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a3(name: &str) -> Option<&'static str> {
        lookup(name).map(|c| c.alpha3)
    }

    #[test]
    fn every_iso_entry_has_a_chinese_name_and_no_name_conflicts() {
        assert_eq!(all().len(), 249);
        assert!(
            TABLE.missing_zh.is_empty(),
            "missing: {:?}",
            TABLE.missing_zh
        );
        assert!(
            TABLE.conflicts.is_empty(),
            "conflicts: {:?}",
            TABLE.conflicts
        );
        for c in all() {
            assert!(!c.name_zh.is_empty(), "{}", c.alpha3);
            assert_eq!(by_alpha3(c.alpha3), Some(c));
            assert_eq!(lookup(c.name_zh), Some(c), "{}", c.name_zh);
            assert_eq!(lookup(c.name_en), Some(c), "{}", c.name_en);
            assert_eq!(lookup(c.alpha2), Some(c), "{}", c.alpha2);
            assert_eq!(lookup(&c.alpha3.to_lowercase()), Some(c));
        }
    }

    #[test]
    fn chinese_short_and_long_names() {
        for (name, code) in [
            ("韩国", "KOR"),
            ("大韩民国", "KOR"),
            ("俄罗斯", "RUS"),
            ("俄罗斯联邦", "RUS"),
            ("美国", "USA"),
            ("美利坚合众国", "USA"),
            ("老挝人民民主共和国", "LAO"),
            ("朝鲜", "PRK"),
            ("英国", "GBR"),
            ("中国香港", "HKG"),
            ("刚果（金）", "COD"),
            ("刚果(布)", "COG"),
            ("哈萨克斯坦共和国", "KAZ"),
            ("韩国籍", "KOR"),
            (" 日 本 ", "JPN"),
        ] {
            assert_eq!(a3(name), Some(code), "{name}");
        }
    }

    #[test]
    fn english_variants_and_codes() {
        for (name, code) in [
            ("Republic of Korea", "KOR"),
            ("KOREA, REPUBLIC OF", "KOR"),
            ("Korea", "KOR"),
            ("South Korea", "KOR"),
            ("Korean", "KOR"),
            ("Korea, Democratic People's Republic of", "PRK"),
            ("U.S.A.", "USA"),
            ("USA", "USA"),
            ("United States of America", "USA"),
            ("the United States", "USA"),
            ("UK", "GBR"),
            ("Great Britain", "GBR"),
            ("United Kingdom", "GBR"),
            ("Russia", "RUS"),
            ("Viet Nam", "VNM"),
            ("Vietnam", "VNM"),
            ("Laos", "LAO"),
            ("Türkiye", "TUR"),
            ("Turkey", "TUR"),
            ("Holland", "NLD"),
            ("Czechia", "CZE"),
            ("Czech Republic", "CZE"),
            ("Ivory Coast", "CIV"),
            ("Côte d'Ivoire", "CIV"),
            ("Congo, Democratic Republic of the", "COD"),
            ("Bolivia", "BOL"),
            ("Iran", "IRN"),
            ("KOR", "KOR"),
            ("KR", "KOR"),
            ("kor", "KOR"),
            ("410", "KOR"),
            ("ＫＯＲ", "KOR"),
        ] {
            assert_eq!(a3(name), Some(code), "{name}");
        }
    }

    #[test]
    fn unknown_names() {
        for name in ["火星", "", "   ", "Atlantis", "X", "--"] {
            assert_eq!(a3(name), None, "{name}");
        }
    }
}
