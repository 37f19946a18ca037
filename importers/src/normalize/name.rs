//! Personal names: Latin names upper-cased and folded; CJK names kept beside them.

use unicode_normalization::UnicodeNormalization;

/// Whether a character is a CJK ideograph (Han), as used in Chinese names.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2EBEF}'
        | '\u{30000}'..='\u{3134F}')
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}') && c != '×' && c != '÷')
}

/// Whether a name is written in Latin script: at least one letter, and every letter Latin
/// (accented Latin letters count; digits, spaces and punctuation are ignored).
pub fn is_latin(s: &str) -> bool {
    let mut letters = s.nfkc().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(is_latin_letter)
}

/// Normalises a Latin (or other non-CJK) name: NFKC, upper case, `/` and `,` become spaces
/// ("SURNAME/GIVEN" → "SURNAME GIVEN"), runs of blanks folded, trimmed.
pub fn latin_name(raw: &str) -> String {
    if raw.is_ascii() {
        let mapped: String = raw
            .chars()
            .map(|c| {
                if c == '/' || c == ',' {
                    ' '
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        return mapped
            .split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    super::text::fixpoint(raw, latin_step)
}

fn latin_step(raw: &str) -> String {
    let mapped: String = raw
        .nfkc()
        .map(|c| if c == '/' || c == ',' { ' ' } else { c })
        .flat_map(char::to_uppercase)
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Normalises a Chinese name: NFKC, white space removed, the middle dots of transliterated names
/// (`•`, `・`, `.`) unified to `·`.
pub fn chinese_name(raw: &str) -> String {
    super::text::fixpoint(raw, chinese_step)
}

fn chinese_step(raw: &str) -> String {
    super::text::compact(raw)
        .map(|c| match c {
            '•' | '・' | '･' | '.' | '‧' | '∙' => '·',
            _ => c,
        })
        .collect()
}

/// Splits one "name" cell into (Latin name, Chinese name): a value holding CJK ideographs is a
/// Chinese name, anything else a Latin (or other-script) name. Blank gives `(None, None)`.
pub fn split_name(raw: &str) -> (Option<String>, Option<String>) {
    if raw.chars().any(is_cjk) {
        let n = chinese_name(raw);
        (None, (!n.is_empty()).then_some(n))
    } else {
        let n = latin_name(raw);
        ((!n.is_empty()).then_some(n), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(latin_name("takahashi/yui"), "TAKAHASHI YUI");
        assert_eq!(latin_name("  De   Jong ,  Emma "), "DE JONG EMMA");
        assert_eq!(latin_name("Müller"), "MÜLLER");
        assert_eq!(latin_name("ＫＩＭ"), "KIM");
        assert_eq!(chinese_name(" 张 三 "), "张三");
        assert_eq!(chinese_name("约翰•史密斯"), "约翰·史密斯");
        assert!(is_latin("Nguyễn Thị Lan"));
        assert!(is_latin("O'BRIEN-SMITH"));
        assert!(!is_latin("张三"));
        assert!(!is_latin("Иванов"));
        assert!(!is_latin("123"));
        assert!(is_cjk('张'));
        assert_eq!(split_name("张三"), (None, Some("张三".into())));
        assert_eq!(split_name("kim dara"), (Some("KIM DARA".into()), None));
        assert_eq!(split_name("  "), (None, None));
    }

    proptest! {
        #[test]
        fn latin_name_is_idempotent(s in ".*") {
            let once = latin_name(&s);
            prop_assert_eq!(latin_name(&once), once.clone());
        }

        #[test]
        fn chinese_name_is_idempotent(s in ".*") {
            let once = chinese_name(&s);
            prop_assert_eq!(chinese_name(&once), once.clone());
        }

        #[test]
        fn latin_name_has_no_double_blanks(s in "[a-zA-Z /,]{0,30}") {
            let n = latin_name(&s);
            prop_assert!(!n.contains("  "));
            prop_assert!(!n.contains('/'));
            prop_assert_eq!(n.trim(), n.as_str());
        }
    }
}
