//! Nationality → ISO 3166-1 alpha-3.

use crate::countries::{self, Country};

/// The country a nationality cell names (Chinese or English name, variant, demonym or code), or `None`
/// when the value is unknown. Blank input gives `None`; callers tell "missing" from "unknown" first.
pub fn nationality(raw: &str) -> Option<&'static Country> {
    countries::lookup(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(nationality("大韩民国").map(|c| c.alpha3), Some("KOR"));
        assert_eq!(nationality("火星"), None);
    }

    proptest! {
        #[test]
        fn never_panics_and_codes_are_fixed_points(s in ".*") {
            if let Some(c) = nationality(&s) {
                prop_assert_eq!(nationality(c.alpha3), Some(c));
            }
        }
    }
}
