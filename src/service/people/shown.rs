//! A person as some of the uploads give them: the names, sex and date of birth that one
//! member unit's own rows gave, or the rows of the uploads landed by a time (what the hub
//! knew then), or both (the most authoritative of them, as the stored person picks from
//! all rows), and whether those rows disagree. The identity (document number,
//! nationality) is what every row gives.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{person, person_source, source_row, upload};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::registry::shown::shown_of;

/// Which rows a person's values are taken from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rows {
    /// Only the rows of this member unit's uploads.
    pub unit: Option<i64>,
    /// Only the rows of uploads landed by this time.
    pub known_at: Option<DateTime<Utc>>,
}

impl Rows {
    /// Whether every row counts (the stored values are then the answer).
    pub fn all(self) -> bool {
        self.unit.is_none() && self.known_at.is_none()
    }
}

/// `people` with the values of `rows` in place of the values shown from all rows (one
/// statement for all of them); `people` as they are when every row counts.
pub async fn values_of<C: ConnectionTrait>(
    db: &C,
    rows: Rows,
    mut people: Vec<person::Model>,
) -> Result<Vec<person::Model>, DbErr> {
    if people.is_empty() || rows.all() {
        return Ok(people);
    }
    let mut query = person_source::Entity::find()
        .filter(person_source::Column::PersonId.is_in(people.iter().map(|p| p.id)));
    if let Some(unit) = rows.unit {
        query = query.filter(person_source::Column::MemberUnitId.eq(unit));
    }
    if let Some(known) = rows.known_at {
        let landed = Query::select()
            .column(upload::Column::Id)
            .from(upload::Entity)
            .and_where(upload::Column::UploadedAt.lte(known))
            .to_owned();
        let known_rows = Query::select()
            .column(source_row::Column::Id)
            .from(source_row::Entity)
            .and_where(source_row::Column::UploadId.in_subquery(landed))
            .to_owned();
        query = query.filter(person_source::Column::SourceRowId.in_subquery(known_rows));
    }
    let mut by_person: HashMap<i64, Vec<person_source::Model>> = HashMap::new();
    for row in query.all(db).await? {
        by_person.entry(row.person_id).or_default().push(row);
    }
    for model in &mut people {
        let own = by_person.remove(&model.id).unwrap_or_default();
        apply(model, &own);
    }
    Ok(people)
}

/// Puts the values `rows` gave in place of the shown ones.
fn apply(model: &mut person::Model, rows: &[person_source::Model]) {
    let (values, has_conflicts) = shown_of(rows);
    model.latin_name = values.latin_name;
    model.chinese_name = values.chinese_name;
    model.sex = values.sex;
    model.birth_date = values.birth_date;
    model.has_conflicts = has_conflicts;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};

    fn source(kind: &str, name: Option<&str>, birth: Option<NaiveDate>) -> person_source::Model {
        person_source::Model {
            id: 1,
            person_id: 1,
            member_unit_id: 2,
            kind: kind.to_owned(),
            source_row_id: 1,
            latin_name: name.map(str::to_owned),
            chinese_name: None,
            sex: None,
            birth_date: birth,
        }
    }

    #[test]
    fn only_the_given_rows_are_shown() {
        let now = Utc::now();
        let mut model = person::Model {
            id: 1,
            document_number: "M12345678".to_owned(),
            nationality: "KOR".to_owned(),
            latin_name: Some("KIM POLICE".to_owned()),
            chinese_name: Some("金".to_owned()),
            sex: Some("M".to_owned()),
            birth_date: NaiveDate::from_ymd_opt(1990, 1, 2),
            has_conflicts: true,
            created_at: now,
            updated_at: now,
        };
        apply(
            &mut model,
            &[
                source("student_roster", Some("KIM B"), None),
                source("student_roster", Some("KIM A"), None),
            ],
        );
        assert_eq!(model.latin_name.as_deref(), Some("KIM A"));
        assert_eq!(model.chinese_name, None);
        assert_eq!(model.sex, None);
        assert_eq!(model.birth_date, None);
        assert!(model.has_conflicts);
        apply(&mut model, &[]);
        assert_eq!(model.latin_name, None);
        assert!(!model.has_conflicts);
        assert_eq!(model.document_number, "M12345678");
    }
}
