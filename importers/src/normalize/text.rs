//! Free text: trimming, and the placeholders people type for "nothing".

use unicode_normalization::UnicodeNormalization;

/// Values that mean "empty" in real lists: 无, 暂无, 不详, N/A, -, / …
const PLACEHOLDERS: &[&str] = &[
    "无", "暂无", "没有", "不详", "未知", "待定", "待补", "空", "n/a", "none", "null", "nil", "-",
    "--", "—", "——", "/", "\\", "#n/a",
];

/// Whether a value is one of the placeholders people write for "nothing" (after trimming; case-insensitive).
/// A bare "NA" is not a placeholder: it is also Namibia's code.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() {
        return true;
    }
    if t.len() > 16 {
        return false; // every placeholder is short, even in full width
    }
    let t = if t.is_ascii() {
        t.to_ascii_lowercase()
    } else {
        t.nfkc().collect::<String>().trim().to_lowercase()
    };
    t.is_empty() || PLACEHOLDERS.contains(&t.as_str())
}

/// Trimmed text with runs of white space folded to one space, or `None` when blank or a placeholder.
pub fn clean_text(s: &str) -> Option<String> {
    if is_placeholder(s) {
        return None;
    }
    let t = s.trim();
    let tidy = !t.contains("  ") && !t.chars().any(|c| c.is_whitespace() && c != ' ');
    if tidy {
        return Some(t.to_string());
    }
    let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!folded.is_empty()).then_some(folded)
}

/// `s` in NFKC with every white space character removed.
pub(crate) fn compact(s: &str) -> impl Iterator<Item = char> + '_ {
    s.nfkc().filter(|c| !c.is_whitespace())
}

/// The comparison key of a short text (a header, an item name, a unit): NFKC, lower case,
/// no white space.
pub(crate) fn compact_key(s: &str) -> String {
    compact(s).flat_map(char::to_lowercase).collect()
}

/// Applies a normalising step until the text stops changing (at most four times), so that steps
/// mixing NFKC, case mapping and character removal stay idempotent on odd inputs.
pub(crate) fn fixpoint(s: &str, step: impl Fn(&str) -> String) -> String {
    let mut current = step(s);
    for _ in 0..3 {
        let next = step(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholders() {
        for s in ["", " ", "无", "N/A", "n/a", "-", "／", "NULL"] {
            assert!(is_placeholder(s), "{s:?}");
        }
        for s in ["NA", "0", "正常"] {
            assert!(!is_placeholder(s), "{s:?}");
        }
        assert_eq!(clean_text("  a \t b  "), Some("a b".into()));
        assert_eq!(clean_text("暂无"), None);
    }

    proptest! {
        #[test]
        fn clean_text_is_idempotent(s in ".*") {
            if let Some(once) = clean_text(&s) {
                prop_assert_eq!(clean_text(&once), Some(once.clone()));
            }
        }
    }
}
