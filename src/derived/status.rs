//! The derived facts of given people as of T: present, managing organisation, visa status.

use super::overview::as_of_values;
use super::rows::all_rows;
use super::sql::derived_cte;
use super::visa::VisaStatus;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::person;
use sea_orm::{ConnectionTrait, DbErr, Value};
use std::collections::HashMap;

/// One person's derived facts as of T.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonStatus {
    /// Present in the city.
    pub present: bool,
    /// Managing organisation.
    pub managing_organization_id: Option<i64>,
    /// Visa status.
    pub visa_status: VisaStatus,
}

/// `people` each with their derived facts from `statuses`; one that `statuses` does not
/// name has no managing organisation, an unknown visa status, and `present` as given.
pub fn with_statuses(
    people: Vec<person::Model>,
    mut statuses: HashMap<i64, PersonStatus>,
    present: bool,
) -> Vec<(person::Model, PersonStatus)> {
    people
        .into_iter()
        .map(|model| {
            let status = statuses.remove(&model.id).unwrap_or(PersonStatus {
                present,
                managing_organization_id: None,
                visa_status: VisaStatus::Unknown,
            });
            (model, status)
        })
        .collect()
}

/// Derived facts of the given people (one statement for the whole list).
pub async fn statuses<C: ConnectionTrait>(
    db: &C,
    person_ids: &[i64],
    as_of: DateTime<Utc>,
    tz: Tz,
) -> Result<HashMap<i64, PersonStatus>, DbErr> {
    statuses_known(db, person_ids, as_of, None, tz).await
}

/// [`statuses`] answered from the uploads landed by `known_at` when given
/// ([`super::known`]).
pub async fn statuses_known<C: ConnectionTrait>(
    db: &C,
    person_ids: &[i64],
    as_of: DateTime<Utc>,
    known_at: Option<DateTime<Utc>>,
    tz: Tz,
) -> Result<HashMap<i64, PersonStatus>, DbErr> {
    if person_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut values = as_of_values(as_of, tz);
    let first = values.len() + 1;
    let placeholders: Vec<String> = (first..first + person_ids.len())
        .map(|i| format!("${i}"))
        .collect();
    values.extend(person_ids.iter().map(|id| Value::from(*id)));
    let sql = format!(
        "{ctes} SELECT person_id, present, organization_id, visa_status FROM derived",
        ctes = derived_cte(Some(&format!("p.id IN ({})", placeholders.join(", ")))),
    );
    let sql = super::known::as_known(db, sql, &mut values, known_at).await?;
    let rows = all_rows(db, sql, values).await?;
    rows.iter()
        .map(|row| {
            let present: i32 = row.try_get("", "present")?;
            Ok((
                row.try_get::<i64>("", "person_id")?,
                PersonStatus {
                    present: present == 1,
                    managing_organization_id: row.try_get("", "organization_id")?,
                    visa_status: VisaStatus::from_stored(
                        &row.try_get::<String>("", "visa_status")?,
                    ),
                },
            ))
        })
        .collect()
}
