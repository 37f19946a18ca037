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

/// Shortest run of letters and digits in free text taken for a document number.
const NUMBER_MIN_CHARS: usize = 6;

/// Fewest digits such a run holds (words and short codes have fewer).
const NUMBER_MIN_DIGITS: usize = 5;

/// Free text (a daily report's anomalies or note) with everything that looks like a
/// document number masked as [`document_number`] masks one: every run of at least six
/// ASCII letters and digits holding at least five digits (`E12345678`, an 18-character
/// ID number, a phone number). Other text, Chinese included, is kept as written.
pub fn document_numbers_in(text: &str) -> String {
    let mut masked = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, masked: &mut String| {
        let digits = run.chars().filter(char::is_ascii_digit).count();
        if run.chars().count() >= NUMBER_MIN_CHARS && digits >= NUMBER_MIN_DIGITS {
            masked.push_str(&document_number(run));
        } else {
            masked.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut masked);
            masked.push(c);
        }
    }
    flush(&mut run, &mut masked);
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
        for (number, shown) in [
            ("M12345678", "M12****78"),
            ("E1234567890", "E12****90"),
            ("1234567", "1****7"),
            ("12345", "****"),
            ("", "****"),
            ("护照号码一二三", "护****三"),
        ] {
            assert_eq!(document_number(number), shown, "{number:?}");
        }
    }

    #[test]
    fn numbers_in_free_text_are_masked_and_words_kept() {
        assert_eq!(
            document_numbers_in("学生E12345678发热，护照号 G1234567，电话13912345678。"),
            "学生E12****78发热，护照号 G12****67，电话139****78。"
        );
        assert_eq!(
            document_numbers_in("身份证230602198001011234X已登记"),
            "身份证230****4X已登记"
        );
        let kept = "2020-02-17 COVID19 3人发热 37.5℃ room 12345 A1234";
        assert_eq!(document_numbers_in(kept), kept);
        assert_eq!(document_numbers_in(""), "");
    }

    #[test]
    fn birth_dates_are_hidden() {
        assert!(is_hidden_attribute("birth_date"));
        assert!(!is_hidden_attribute("latin_name"));
    }
}
