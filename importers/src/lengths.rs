//! The longest value each recognised column may hold, in characters, and the row issue of a cell
//! over it.
//!
//! The limits keep every value the hub stores or indexes far below what either database accepts
//! (PostgreSQL refuses a btree index entry over about 2,700 bytes; a character takes at most four
//! bytes in UTF-8, so 200 characters are at most 800), while staying generous for real data. A
//! recognised cell over its limit rejects its row with [`IssueCode::ValueTooLong`]; the other rows
//! of the file are read as usual.

use crate::headers::Field;
use crate::issues::{IssueCode, RowIssue};

/// Names of people, organisations and places that are matched on or indexed.
const NAME: usize = 200;
/// Document, permit, flight and telephone numbers, and short codes.
const NUMBER: usize = 64;
/// Values read as one of a few words, dates and numbers.
const SHORT: usize = 100;
/// Addresses and other descriptive values.
const LONG: usize = 500;
/// Notes and free text.
const FREE_TEXT: usize = 2000;

/// Characters of the cell text shown in the issue before it is cut.
const SHOWN: usize = 50;

/// The longest value, in characters, a cell of this field may hold.
pub(crate) fn max_chars(field: Field) -> usize {
    match field {
        Field::Name | Field::LatinName | Field::ChineseName => NAME,
        Field::Organization | Field::Employer | Field::School | Field::College | Field::Hotel => {
            NAME
        }
        Field::DocumentNumber | Field::WorkPermitNumber | Field::CarrierNumber | Field::Phone => {
            NUMBER
        }
        Field::Address
        | Field::Dormitory
        | Field::Position
        | Field::Major
        | Field::Origin
        | Field::Destination => LONG,
        Field::Donor | Field::Supplier | Field::Buyer | Field::Recipient | Field::Contact => NAME,
        Field::ReceiptNumber | Field::ContractNumber => NUMBER,
        Field::Item => LONG,
        Field::Note | Field::Anomalies | Field::Subject | Field::Outcome => FREE_TEXT,
        _ => SHORT,
    }
}

/// A [`IssueCode::ValueTooLong`] issue when `text` (of the column headed `column`) is longer
/// than the field allows.
pub(crate) fn check(field: Field, column: &str, text: &str) -> Option<RowIssue> {
    let limit = max_chars(field);
    // A text of at most `limit` bytes has at most `limit` characters: nothing to count.
    if text.len() <= limit {
        return None;
    }
    let chars = text.chars().count();
    if chars <= limit {
        return None;
    }
    let mut shown: String = text.chars().take(SHOWN).collect();
    shown.push('…');
    Some(RowIssue::new(
        column,
        &shown,
        IssueCode::ValueTooLong,
        format!(
            "“{column}”的内容过长（{chars} 个字符，上限 {limit} 个字符），该行未导入：请删减后重新上传"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_characters_not_bytes() {
        let name_limit = max_chars(Field::Name);
        let chinese = "张".repeat(name_limit);
        assert!(check(Field::Name, "姓名", &chinese).is_none());
        let over = "A".repeat(name_limit + 1);
        let issue = check(Field::Name, "姓名", &over).expect("over the limit");
        assert_eq!(issue.code, IssueCode::ValueTooLong);
        assert_eq!(issue.column.as_deref(), Some("姓名"));
        assert!(
            issue.reason.contains(&name_limit.to_string()),
            "{}",
            issue.reason
        );
        assert!(issue.value.chars().count() <= SHOWN + 1);
        let note = "备注".repeat(500);
        assert!(check(Field::Note, "备注", &note).is_none());
        assert!(check(Field::Organization, "工作单位", &note).is_some());
    }

    #[test]
    fn indexed_values_fit_a_btree_entry() {
        // Four bytes per character at most; PostgreSQL's btree entry limit is about 2,700 bytes.
        for field in [
            Field::Name,
            Field::LatinName,
            Field::Organization,
            Field::Employer,
            Field::School,
            Field::Hotel,
            Field::DocumentNumber,
        ] {
            assert!(max_chars(field) * 4 < 1_000, "{field:?}");
        }
    }
}
