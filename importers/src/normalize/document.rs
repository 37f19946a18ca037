//! Passport and other document numbers: always text.

use unicode_normalization::UnicodeNormalization;

/// Normalises a document number: NFKC (full-width `Ｍ１２` → `M12`), upper case, spaces and hyphens
/// (also dashes) dropped. Leading zeros are kept. May return an empty string.
pub fn document_number(raw: &str) -> String {
    if raw.is_ascii() {
        // NFKC is the identity on ASCII, and one step is then already stable.
        return raw
            .chars()
            .filter(|c| !c.is_ascii_whitespace() && !is_dash(*c))
            .map(|c| c.to_ascii_uppercase())
            .collect();
    }
    super::text::fixpoint(raw, step)
}

fn step(raw: &str) -> String {
    raw.nfkc()
        .filter(|c| !c.is_whitespace() && !is_dash(*c))
        .flat_map(char::to_uppercase)
        .collect()
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' | '_'
    )
}

/// Whether a normalised document number looks like one: 1 to 40 ASCII letters and digits.
pub fn is_valid_document_number(normalised: &str) -> bool {
    !normalised.is_empty()
        && normalised.len() <= 40
        && normalised.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(document_number("Ｍ１２"), "M12");
        assert_eq!(document_number(" e 12-34 56 "), "E123456");
        assert_eq!(document_number("077 285995"), "077285995");
        assert_eq!(document_number("ＡＡ１３０６９３８"), "AA1306938");
        assert_eq!(document_number("N4–885396"), "N4885396");
        assert!(is_valid_document_number("077285995"));
        assert!(!is_valid_document_number(""));
        assert!(!is_valid_document_number("护照丢失"));
        assert_eq!(
            document_number("c¸"),
            document_number(&document_number("c¸"))
        );
    }

    proptest! {
        #[test]
        fn idempotent(s in ".*") {
            let once = document_number(&s);
            prop_assert_eq!(document_number(&once), once.clone());
        }

        #[test]
        fn ascii_alnum_is_only_upper_cased(s in "[a-zA-Z0-9]{1,20}") {
            prop_assert_eq!(document_number(&s), s.to_uppercase());
            prop_assert!(is_valid_document_number(&document_number(&s)));
        }
    }
}
