//! Personal data as a masked viewer (a leader) sees it: document numbers like `M12****78`;
//! no date of birth, address or phone at all.

/// What masks a masked viewer sees in place of the hidden characters.
const MASK: &str = "****";

/// A document number with only its first three and last two characters shown
/// (`M12345678` → `M12****78`). Shorter numbers show less: one character at each end from
/// six characters, nothing below. The mask has a fixed width so that it does not give the
/// length away.
pub fn document_number(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let (head, tail) = match chars.len() {
        n if n >= 8 => (3, 2),
        n if n >= 6 => (1, 1),
        _ => (0, 0),
    };
    let mut masked: String = chars[..head].iter().collect();
    masked.push_str(MASK);
    masked.extend(&chars[chars.len() - tail..]);
    masked
}

/// Whether an attribute of a person is hidden entirely from masked viewers (date of birth,
/// address, phone).
pub fn is_hidden_attribute(attribute: &str) -> bool {
    matches!(
        attribute,
        "birth_date" | "address" | "phone" | "residential_address" | "contact_phone"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_ends_only() {
        assert_eq!(document_number("M12345678"), "M12****78");
        assert_eq!(document_number("E1234567890"), "E12****90");
        assert_eq!(document_number("1234567"), "1****7");
        assert_eq!(document_number("12345"), "****");
        assert_eq!(document_number(""), "****");
        assert_eq!(document_number("护照号码一二三"), "护****三");
    }

    #[test]
    fn birth_dates_are_hidden() {
        assert!(is_hidden_attribute("birth_date"));
        assert!(!is_hidden_attribute("latin_name"));
    }
}
