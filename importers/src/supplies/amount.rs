//! Quantities and money as units write them: `800`, `1,000`, `800套`, `5万`, `1.5万`,
//! `3.15亿韩元`, `USD 21,000`, `¥12000`, full-width digits.

use unicode_normalization::UnicodeNormalization;

use super::catalogue::Catalogue;

/// A number read from a cell, with what was written around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// The value, multipliers (万, 亿 …) applied.
    pub value: f64,
    /// The currency the text names (prefix or suffix), as an ISO code.
    pub currency: Option<String>,
    /// The text after the number when it names no currency (a unit such as 套), trimmed.
    pub unit: Option<String>,
}

/// Why a text is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// No number could be read ("若干", "一批").
    NotANumber,
    /// A number below zero.
    Negative,
}

/// The multiplier a Chinese magnitude character stands for.
fn magnitude(c: char) -> Option<f64> {
    match c {
        '十' => Some(10.0),
        '百' => Some(100.0),
        '千' => Some(1_000.0),
        '万' | '萬' => Some(10_000.0),
        '亿' | '億' => Some(100_000_000.0),
        _ => None,
    }
}

/// Splits leading magnitude characters off a unit ("万只" → 10,000 and "只").
pub fn unit_magnitude(unit: &str) -> (f64, &str) {
    let mut factor = 1.0;
    let mut rest = unit.trim();
    while let Some(c) = rest.chars().next() {
        match magnitude(c) {
            Some(m) => {
                factor *= m;
                rest = &rest[c.len_utf8()..];
            }
            None => break,
        }
    }
    (factor, rest.trim())
}

/// Reads an amount from a cell's text.
pub fn parse_amount(text: &str, catalogue: &Catalogue) -> Result<Amount, AmountError> {
    let folded: String = text
        .nfkc()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '\'')
        .collect();
    let mut s = folded.as_str();
    for lead in ["大约", "约", "共计", "共", "计", "合计"] {
        if let Some(rest) = s.strip_prefix(lead) {
            s = rest;
            break;
        }
    }
    let mut currency = None;
    if let Some((code, rest)) = catalogue.currency_prefix(s)
        && rest.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-')
    {
        currency = Some(code.to_owned());
        s = rest;
    }
    let negative = s.starts_with('-');
    let s = s.trim_start_matches(['-', '+']);
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(s.len(), |(i, _)| i);
    let (digits, rest) = s.split_at(end);
    if digits.is_empty() || !digits.chars().any(|c| c.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    let mut value: f64 = digits.parse().map_err(|_| AmountError::NotANumber)?;
    let (factor, rest) = unit_magnitude(rest);
    value *= factor;
    if !value.is_finite() {
        return Err(AmountError::NotANumber);
    }
    if negative && value > 0.0 {
        return Err(AmountError::Negative);
    }
    let rest = rest.trim_end_matches(['.', '。']);
    let mut unit = None;
    if !rest.is_empty() {
        match catalogue.currency(rest) {
            Some(code) if currency.is_none() => currency = Some(code.to_owned()),
            Some(_) => {}
            None => unit = Some(rest.to_owned()),
        }
    }
    Ok(Amount {
        value,
        currency,
        unit,
    })
}

/// A plain number with nothing around it (a unit price `350`, not `350（另加13%增值税）`).
pub fn plain_number(text: &str) -> Option<f64> {
    let folded: String = text
        .nfkc()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    folded.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(s: &str) -> Result<Amount, AmountError> {
        parse_amount(s, &Catalogue::builtin())
    }

    #[test]
    fn numbers_as_written() {
        assert_eq!(amount("800").unwrap().value, 800.0);
        assert_eq!(amount("1,000").unwrap().value, 1000.0);
        assert_eq!(amount("１，０００").unwrap().value, 1000.0);
        let a = amount("800套").unwrap();
        assert_eq!((a.value, a.unit.as_deref()), (800.0, Some("套")));
        assert_eq!(amount("5万").unwrap().value, 50_000.0);
        assert_eq!(amount("1.5万").unwrap().value, 15_000.0);
        assert_eq!(amount("１８.６４万").unwrap().value, 186_400.0);
        let a = amount("3.15亿韩元").unwrap();
        assert_eq!(a.value, 315_000_000.0);
        assert_eq!(a.currency.as_deref(), Some("KRW"));
        let a = amount("2200万日元").unwrap();
        assert_eq!(
            (a.value, a.currency.as_deref()),
            (22_000_000.0, Some("JPY"))
        );
        let a = amount("USD 21,000").unwrap();
        assert_eq!((a.value, a.currency.as_deref()), (21_000.0, Some("USD")));
        let a = amount("￥12000元").unwrap();
        assert_eq!((a.value, a.currency.as_deref()), (12_000.0, Some("CNY")));
        assert_eq!(amount("若干"), Err(AmountError::NotANumber));
        assert_eq!(amount("一批"), Err(AmountError::NotANumber));
        assert_eq!(amount("-5"), Err(AmountError::Negative));
        assert_eq!(unit_magnitude("万只"), (10_000.0, "只"));
        assert_eq!(plain_number("350（另加13%增值税）"), None);
        assert_eq!(plain_number("2.1"), Some(2.1));
    }
}
