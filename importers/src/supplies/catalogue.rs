//! The item catalogue (categories, their synonyms and units), the currencies and the reference
//! rates: data the store holds and admins extend. The importers read with a [`Catalogue`] the
//! root crate loads from the store; [`Catalogue::builtin`] is what the hub ships
//! (`data/supplies_catalogue.json`, the same file the migration seeds).

use std::sync::{Arc, LazyLock};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The code of the cash category.
pub const CASH: &str = "cash";

/// The catalogue file the hub ships.
pub const BUILTIN_JSON: &str = include_str!("../../data/supplies_catalogue.json");

/// One category of supplies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueItem {
    /// Stable code (`protective_suit`, `n95_mask`, … `cash`).
    pub code: String,
    /// Chinese label.
    pub label_zh: String,
    /// The unit quantities are counted in (套, 只, 副; 元 for cash).
    pub unit: String,
    /// Other units that mean the same (件 = 套, 双 = 副).
    #[serde(default)]
    pub unit_aliases: Vec<String>,
    /// Names that classify as this item; `外科+口罩` needs both words.
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// The most specific category wins when several names match (N95 over 医用口罩).
    #[serde(default)]
    pub specificity: i32,
}

/// A currency and the names people write for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrencyNames {
    /// ISO 4217 code.
    pub code: String,
    /// Names, symbols and codes (元, 人民币, CNY, ¥ …).
    pub names: Vec<String>,
}

/// A reference rate: CNY per unit of a currency for one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceRate {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// ISO 4217 code.
    pub currency: String,
    /// CNY per unit.
    pub cny_per_unit: f64,
}

/// Items, currencies and rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The categories.
    pub items: Vec<CatalogueItem>,
    /// The currencies.
    pub currencies: Vec<CurrencyNames>,
    /// The reference rates.
    pub rates: Vec<ReferenceRate>,
}

static BUILTIN: LazyLock<Arc<Catalogue>> = LazyLock::new(|| {
    // The file is part of the crate and checked by a test; an unreadable one gives an empty
    // catalogue rather than a panic on an import path.
    Arc::new(serde_json::from_str(BUILTIN_JSON).unwrap_or_default())
});

/// The comparison form of an item name, unit or currency: NFKC, lower case, no white space.
pub fn item_key(text: &str) -> String {
    crate::normalize::text::compact_key(text)
}

/// The [`item_key`] of a text that has one (more than white space).
fn non_empty_key(text: &str) -> Option<String> {
    Some(item_key(text)).filter(|key| !key.is_empty())
}

/// Whether every `+`-separated word of a synonym is in the key.
fn synonym_in(key: &str, synonym: &str) -> Option<usize> {
    let mut len = 0;
    for word in synonym.split('+') {
        let word = item_key(word);
        if word.is_empty() || !key.contains(&word) {
            return None;
        }
        len += word.chars().count();
    }
    Some(len)
}

impl Catalogue {
    /// The catalogue the hub ships.
    pub fn builtin() -> Arc<Catalogue> {
        BUILTIN.clone()
    }

    /// The item a name classifies as: the most specific category one of whose synonyms the
    /// name contains, then the longest synonym.
    pub fn classify(&self, name: &str) -> Option<&CatalogueItem> {
        let key = non_empty_key(name)?;
        self.items
            .iter()
            .filter_map(|item| {
                let best = item
                    .synonyms
                    .iter()
                    .chain(std::iter::once(&item.label_zh))
                    .filter_map(|s| synonym_in(&key, s))
                    .max()?;
                Some((item.specificity, best, item))
            })
            .max_by_key(|(specificity, len, _)| (*specificity, *len))
            .map(|(_, _, item)| item)
    }

    /// The item of a code.
    pub fn item(&self, code: &str) -> Option<&CatalogueItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// The currency a name, symbol or code stands for.
    pub fn currency(&self, text: &str) -> Option<&str> {
        let key = non_empty_key(text)?;
        self.currencies
            .iter()
            .find(|c| item_key(&c.code) == key || c.names.iter().any(|n| item_key(n) == key))
            .map(|c| c.code.as_str())
    }

    /// The currency named at the start of a text (`USD 21,000`, `¥12000`): code and the
    /// rest of the text.
    pub fn currency_prefix<'t>(&self, text: &'t str) -> Option<(&str, &'t str)> {
        let mut best: Option<(&str, &'t str, usize)> = None;
        for c in &self.currencies {
            for name in c.names.iter().chain(std::iter::once(&c.code)) {
                let n = name.trim();
                if n.is_empty() {
                    continue;
                }
                let lower = text.to_lowercase();
                if lower.starts_with(&n.to_lowercase()) && text.is_char_boundary(n.len()) {
                    let rest = &text[n.len()..];
                    // A Latin code must not run into a word ("rmb" yes, "rmx" no).
                    let next_ok = rest
                        .chars()
                        .next()
                        .is_none_or(|ch| !ch.is_ascii_alphabetic());
                    if next_ok && best.is_none_or(|(_, _, len)| n.len() > len) {
                        best = Some((c.code.as_str(), rest, n.len()));
                    }
                }
            }
        }
        best.map(|(code, rest, _)| (code, rest))
    }

    /// CNY per unit of `currency` for the month of `day`: that month's rate, else the latest
    /// month before it, else the earliest after it; `None` when the currency has no rate.
    pub fn rate(&self, currency: &str, day: NaiveDate) -> Option<f64> {
        if currency == "CNY" {
            return Some(1.0);
        }
        let month = format!("{:04}-{:02}", day.year(), day.month());
        let mut rates: Vec<&ReferenceRate> = self
            .rates
            .iter()
            .filter(|r| r.currency == currency && r.cny_per_unit > 0.0)
            .collect();
        rates.sort_by(|a, b| a.month.cmp(&b.month));
        rates
            .iter()
            .rev()
            .find(|r| r.month <= month)
            .or_else(|| rates.first())
            .map(|r| r.cny_per_unit)
    }

    /// Whether `currency` has any reference rate (CNY always does).
    pub fn has_rate(&self, currency: &str) -> bool {
        currency == "CNY"
            || self
                .rates
                .iter()
                .any(|r| r.currency == currency && r.cny_per_unit > 0.0)
    }
}

impl CatalogueItem {
    /// Whether `unit` (as written) is this item's unit or one of its aliases.
    pub fn counts_in(&self, unit: &str) -> bool {
        let key = item_key(unit);
        item_key(&self.unit) == key || self.unit_aliases.iter().any(|u| item_key(u) == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_reads() {
        let c: Catalogue = serde_json::from_str(BUILTIN_JSON).unwrap();
        assert!(c.items.len() >= 9);
        assert!(c.rates.len() >= 8);
    }

    #[test]
    fn the_most_specific_name_wins() {
        let c = Catalogue::builtin();
        let code = |s: &str| c.classify(s).map(|i| i.code.clone());
        // Each code with the names that classify as it.
        let named: &[(&str, &[&str])] = &[
            ("n95_mask", &["N95 一次性医用口罩", "KN95口罩"]),
            ("surgical_mask", &["医用外科口罩", "外科医用口罩"]),
            ("medical_mask", &["一次性医用口罩"]),
            ("exam_gloves", &["一次性检查手套"]),
            ("medical_gloves", &["乳胶手套", "外科手套"]),
            ("protective_suit", &["医用防护服"]),
            ("isolation_gown", &["隔离衣"]),
            ("goggles", &["护目镜"]),
            ("cash", &["压岁钱"]),
        ];
        for (want, names) in named {
            for name in *names {
                assert_eq!(code(name).as_deref(), Some(*want), "{name}");
            }
        }
        assert_eq!(code("爱心物资"), None);
        assert_eq!(code("一批防疫物资"), None);
    }

    #[test]
    fn currencies_and_rates() {
        let c = Catalogue::builtin();
        assert_eq!(c.currency("日元"), Some("JPY"));
        assert_eq!(c.currency("ＵＳＤ"), Some("USD"));
        assert_eq!(c.currency("港元"), Some("HKD"));
        assert_eq!(c.currency("泰铢"), None);
        let feb = NaiveDate::from_ymd_opt(2020, 2, 10).unwrap();
        assert_eq!(c.rate("KRW", feb), Some(0.0059));
        assert_eq!(c.rate("CNY", feb), Some(1.0));
        // A later month without its own rate takes the latest before it.
        let apr = NaiveDate::from_ymd_opt(2020, 4, 1).unwrap();
        assert_eq!(c.rate("USD", apr), Some(6.99));
        assert_eq!(
            c.currency_prefix("USD 21,000").map(|(c, r)| (c, r.trim())),
            Some(("USD", "21,000"))
        );
        assert_eq!(c.currency_prefix("¥12000"), Some(("CNY", "12000")));
    }
}
