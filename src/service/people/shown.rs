//! A person as one member unit's uploads give them: the names, sex and date of birth its
//! own rows gave (the most authoritative of them, as the stored person picks from all
//! rows), and whether those rows disagree. The identity (document number, nationality) is
//! what every row gives.

use std::collections::HashMap;

use entity::{person, person_source};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::registry::shown::shown_of;

/// `people` with the values of `unit`'s own rows in place of the values shown from all
/// rows (one statement for all of them).
pub async fn own_values<C: ConnectionTrait>(
    db: &C,
    unit: i64,
    mut people: Vec<person::Model>,
) -> Result<Vec<person::Model>, DbErr> {
    if people.is_empty() {
        return Ok(people);
    }
    let mut rows: HashMap<i64, Vec<person_source::Model>> = HashMap::new();
    for row in person_source::Entity::find()
        .filter(person_source::Column::PersonId.is_in(people.iter().map(|p| p.id)))
        .filter(person_source::Column::MemberUnitId.eq(unit))
        .all(db)
        .await?
    {
        rows.entry(row.person_id).or_default().push(row);
    }
    for model in &mut people {
        let own = rows.remove(&model.id).unwrap_or_default();
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
