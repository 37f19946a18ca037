//! Numbers written by people: counts ("3", "3人", "３") and decimals ("36.5", "36.5℃").

/// A non-negative whole count: digits, optionally followed by a unit such as 人/名/个; `None` otherwise.
/// "3.0" (a numeric cell) is accepted as 3.
pub fn parse_count(raw: &str) -> Option<u32> {
    let t: String = super::text::compact(raw).collect();
    let t = t.trim_end_matches(['人', '名', '个', '位', '次']);
    if let Some(int) = t.strip_suffix(".0") {
        return int.parse().ok();
    }
    t.parse().ok()
}

/// A decimal number, optionally followed by a unit (℃, °C, 度); `None` when not a finite number.
pub fn parse_decimal(raw: &str) -> Option<f64> {
    let t: String = super::text::compact(raw).collect();
    let t = t
        .trim_end_matches(['℃', '度', '°'])
        .trim_end_matches(['°', 'C', 'c'])
        .trim_end_matches('°');
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(parse_count("3"), Some(3));
        assert_eq!(parse_count("３人"), Some(3));
        assert_eq!(parse_count("0"), Some(0));
        assert_eq!(parse_count("2.0"), Some(2));
        assert_eq!(parse_count("-1"), None);
        assert_eq!(parse_count("abc"), None);
        assert_eq!(parse_decimal("36.5"), Some(36.5));
        assert_eq!(parse_decimal("36.5℃"), Some(36.5));
        assert_eq!(parse_decimal("36.5 °C"), Some(36.5));
        assert_eq!(parse_decimal("NaN"), None);
        assert_eq!(parse_decimal("正常"), None);
    }

    proptest! {
        #[test]
        fn never_panics(s in ".*") {
            let _ = parse_count(&s);
            let _ = parse_decimal(&s);
        }

        #[test]
        fn counts_round_trip(n in 0u32..1_000_000) {
            prop_assert_eq!(parse_count(&n.to_string()), Some(n));
        }
    }
}
