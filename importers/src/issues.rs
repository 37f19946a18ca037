//! Row-level problems: why a row was rejected, or what to check on an accepted one.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Stable code of a row issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IssueCode {
    /// The nationality names no known country or region.
    UnknownNationality,
    /// The nationality cell is empty.
    MissingNationality,
    /// The document (passport) number cell is empty.
    MissingDocumentNumber,
    /// The document number holds characters other than letters and digits.
    InvalidDocumentNumber,
    /// A required date is empty.
    MissingDate,
    /// A date is impossible or unreadable.
    InvalidDate,
    /// A date could be read day-first or month-first.
    AmbiguousDate,
    /// A number (count, temperature) is unreadable.
    InvalidNumber,
    /// The sex is not 男/女, M/F, Male/Female.
    InvalidSex,
    /// Another value is not one of the accepted ones (进出港, Type …) or out of range.
    InvalidValue,
    /// The same person (and time) appears earlier in the same file.
    DuplicateInFile,
    /// A cell is longer than its column allows.
    ValueTooLong,
    /// The item names no category of the catalogue ("爱心物资").
    UnknownItem,
    /// The item cell is empty.
    MissingItem,
    /// A quantity is not a number ("若干", "一批").
    InvalidQuantity,
    /// A required quantity is empty.
    MissingQuantity,
    /// The unit is not one the item is counted in.
    UnknownUnit,
    /// The currency is not known or has no reference rate.
    UnknownCurrency,
    /// An amount of money is not a number.
    InvalidAmount,
    /// The state (状态) names no known state.
    UnknownStatus,
    /// A required value (a contact's name) is empty.
    MissingValue,
}

impl IssueCode {
    /// The SCREAMING_SNAKE identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownNationality => "UNKNOWN_NATIONALITY",
            Self::MissingNationality => "MISSING_NATIONALITY",
            Self::MissingDocumentNumber => "MISSING_DOCUMENT_NUMBER",
            Self::InvalidDocumentNumber => "INVALID_DOCUMENT_NUMBER",
            Self::MissingDate => "MISSING_DATE",
            Self::InvalidDate => "INVALID_DATE",
            Self::AmbiguousDate => "AMBIGUOUS_DATE",
            Self::InvalidNumber => "INVALID_NUMBER",
            Self::InvalidSex => "INVALID_SEX",
            Self::InvalidValue => "INVALID_VALUE",
            Self::DuplicateInFile => "DUPLICATE_IN_FILE",
            Self::ValueTooLong => "VALUE_TOO_LONG",
            Self::UnknownItem => "UNKNOWN_ITEM",
            Self::MissingItem => "MISSING_ITEM",
            Self::InvalidQuantity => "INVALID_QUANTITY",
            Self::MissingQuantity => "MISSING_QUANTITY",
            Self::UnknownUnit => "UNKNOWN_UNIT",
            Self::UnknownCurrency => "UNKNOWN_CURRENCY",
            Self::InvalidAmount => "INVALID_AMOUNT",
            Self::UnknownStatus => "UNKNOWN_STATUS",
            Self::MissingValue => "MISSING_VALUE",
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// The column header as written in the file (`None` when the issue concerns the whole row).
    pub column: Option<String>,
    /// The cell text as displayed.
    pub value: String,
    /// Stable code.
    pub code: IssueCode,
    /// Chinese explanation saying what to fix.
    pub reason: String,
}

impl RowIssue {
    /// An issue about a column.
    pub fn new(column: &str, value: &str, code: IssueCode, reason: impl Into<String>) -> Self {
        Self {
            column: Some(column.to_string()),
            value: value.to_string(),
            code,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RowIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "【{c}】{}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_screaming_snake() {
        let json = serde_json::to_string(&IssueCode::DuplicateInFile).unwrap();
        assert_eq!(json, "\"DUPLICATE_IN_FILE\"");
        assert_eq!(
            IssueCode::UnknownNationality.as_str(),
            "UNKNOWN_NATIONALITY"
        );
        let i = RowIssue::new("国籍", "火星", IssueCode::UnknownNationality, "无法识别");
        assert_eq!(i.to_string(), "【国籍】无法识别");
    }
}
