//! Sex.

use crate::records::Sex;

/// 男/女, 男性/女性, M/F, Male/Female (any case, full-width too) → [`Sex`]; anything else → `None`.
pub fn sex(raw: &str) -> Option<Sex> {
    let t: String = if raw.is_ascii() {
        raw.trim().to_ascii_lowercase()
    } else {
        super::text::compact_key(raw)
    };
    match t.as_str() {
        "男" | "男性" | "m" | "male" | "man" | "先生" => Some(Sex::Male),
        "女" | "女性" | "f" | "female" | "woman" | "女士" => Some(Sex::Female),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        for s in ["男", "男性", "M", "m", "Male", "MALE", " ｍ "] {
            assert_eq!(sex(s), Some(Sex::Male), "{s}");
        }
        for s in ["女", "女性", "F", "female", "Female"] {
            assert_eq!(sex(s), Some(Sex::Female), "{s}");
        }
        for s in ["", "x", "未知", "mf"] {
            assert_eq!(sex(s), None, "{s}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in ".*") {
            let _ = sex(&s);
        }
    }
}
