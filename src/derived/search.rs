//! Finding people by what an analyst types: names in any word order, written with or
//! without "/", commas or spaces ("BILAL HUSSAIN" finds "HUSSAIN BILAL"), and document
//! numbers whatever their spaces, dashes and O/0, I/1 confusions. Numbers one edit away
//! are offered as suggestions ([`near_numbers`]), never taken for the same person.

use sea_orm::{ConnectionTrait, DbErr, Statement};

use super::conditions::like_anywhere;
use super::people::Sql;

/// The words of a searched name: split on blanks, "/", commas and the ideographic comma,
/// upper-cased.
pub fn name_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '/' | ',' | '，' | '、' | ';' | '；'))
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_uppercase)
        .collect()
}

/// A document number as it is compared: normalised as imported numbers are (blanks and
/// dashes dropped, upper case), then the letters O and I read as the digits 0 and 1.
pub fn comparable_number(text: &str) -> String {
    importers::normalize::document_number(text)
        .chars()
        .map(|c| match c {
            'O' => '0',
            'I' => '1',
            c => c,
        })
        .collect()
}

/// SQL reading a stored (normalised) number column as [`comparable_number`] does.
fn comparable_column(column: &str) -> String {
    format!("REPLACE(REPLACE({column}, 'O', '0'), 'I', '1')")
}

/// The condition of a search over `p` (a person or `derived` row): every word of the text
/// in the Latin name (`latin`), or the whole text in the Chinese name (`chinese`), or the
/// text's number within the document number. `latin` and `chinese` name the columns to
/// read (the person's, or a unit's own rows').
pub(super) fn condition(sql: &mut Sql, text: &str, latin: &str, chinese: &str) -> String {
    let mut any = Vec::new();
    let words = name_words(text);
    if !words.is_empty() {
        let all: Vec<String> = words
            .iter()
            .map(|w| {
                format!(
                    "UPPER(COALESCE({latin}, '')) LIKE {} ESCAPE '\\'",
                    sql.param(like_anywhere(w))
                )
            })
            .collect();
        any.push(format!("({})", all.join(" AND ")));
        // Written without separators: the name's letters in its own order.
        let compact: String = words.concat();
        any.push(format!(
            "REPLACE(UPPER(COALESCE({latin}, '')), ' ', '') LIKE {} ESCAPE '\\'",
            sql.param(like_anywhere(&compact))
        ));
    }
    any.push(format!(
        "COALESCE({chinese}, '') LIKE {} ESCAPE '\\'",
        sql.param(like_anywhere(text.trim()))
    ));
    let number = comparable_number(text);
    if !number.is_empty() {
        any.push(format!(
            "{} LIKE {} ESCAPE '\\'",
            comparable_column("p.document_number"),
            sql.param(like_anywhere(&number))
        ));
    }
    format!("({})", any.join(" OR "))
}

/// Whether `a` and `b` are one edit apart (an insertion, a deletion or a substitution).
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    strsim::levenshtein(a, b) == 1
}

/// People whose document number is one edit from `text` (compared as
/// [`comparable_number`]), at most `limit` of them, by id: `(person id, stored number)`.
/// Read for one member unit (`own_unit`), only the people its uploads name. Numbers of
/// fewer than 5 characters suggest nothing (too many are one edit apart).
pub async fn near_numbers<C: ConnectionTrait>(
    db: &C,
    text: &str,
    own_unit: Option<i64>,
    limit: usize,
) -> Result<Vec<(i64, String)>, DbErr> {
    let wanted = comparable_number(text);
    let length = wanted.chars().count();
    if length < 5 {
        return Ok(Vec::new());
    }
    let mut sql = Sql::with_values(Vec::new());
    let shortest = sql.param(i64::try_from(length).unwrap_or(i64::MAX) - 1);
    let longest = sql.param(i64::try_from(length).unwrap_or(i64::MAX) + 1);
    let own = match own_unit {
        Some(unit) => format!(
            " AND EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = p.id AND ps.member_unit_id = {})",
            sql.param(unit)
        ),
        None => String::new(),
    };
    let text = format!(
        "SELECT p.id, p.document_number FROM person p \
         WHERE LENGTH(p.document_number) BETWEEN {shortest} AND {longest}{own} ORDER BY p.id"
    );
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, text, sql.values))
        .await?;
    let mut found = Vec::new();
    for row in rows {
        let id: i64 = row.try_get_by_index(0)?;
        let number: String = row.try_get_by_index(1)?;
        if one_edit_apart(&comparable_number(&number), &wanted) {
            found.push((id, number));
            if found.len() >= limit {
                break;
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_every_separator() {
        assert_eq!(name_words("hussain, bilal"), ["HUSSAIN", "BILAL"]);
        assert_eq!(name_words(" BILAL/HUSSAIN "), ["BILAL", "HUSSAIN"]);
        assert!(name_words(" / ").is_empty());
    }

    #[test]
    fn numbers_compare_without_blanks_dashes_and_confusions() {
        assert_eq!(
            comparable_number("e 12-34o i"),
            comparable_number("E12340 1")
        );
        assert_eq!(comparable_number("O-I"), "01");
        assert!(one_edit_apart("E123456", "E123457"));
        assert!(one_edit_apart("E123456", "E12345"));
        assert!(!one_edit_apart("E123456", "E123456"));
        assert!(!one_edit_apart("E123456", "E123465"));
    }
}
