//! What changed between two times: arrivals and departures, people the hub first learnt of,
//! visa status changes and managing-unit changes, each with the source row behind it.
//!
//! Movements and first sightings are facts with a time; visa status and managing unit are
//! derived facts, compared as of `from` and as of `to` (the same SQL as every other
//! answer), so a change shows what an analyst would see asking at both times.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, Statement, Value};

use super::overview::as_of_values;
use super::rows::all_rows;
use super::sql::derived_cte;
use crate::time::start_of_day;

/// What kind of change. 变化类别。
// One enum for the store and GraphQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum ChangeKind {
    /// Arrived in the city. 到达。
    Arrival,
    /// Left the city. 离开。
    Departure,
    /// The hub first learnt of the person. 首次掌握。
    // (the first upload naming them landed)
    FirstSeen,
    /// The visa status changed. 签证状态变化。
    // (the status at `to` differs from that at `from`)
    VisaStatus,
    /// The managing unit changed. 具体负责管理单位变化。
    // (the unit at `to` differs from that at `from`)
    ManagingUnit,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// Of whom.
    pub person_id: i64,
    /// When, where known (a movement, an upload, the day a visa lapses).
    pub at: Option<DateTime<Utc>>,
    /// The value before (visa status; managing organisation id), if any.
    pub before: Option<String>,
    /// The value after.
    pub after: Option<String>,
    /// The source row of the fact behind the change, where there is one.
    pub source_row_id: Option<i64>,
}

/// `AND {alias}.member_unit_id = $n` when read for one unit's uploads.
fn own(values: &mut Vec<Value>, alias: &str, unit: Option<i64>) -> String {
    match unit {
        Some(unit) => {
            values.push(unit.into());
            format!(" AND {alias}.member_unit_id = ${}", values.len())
        }
        None => String::new(),
    }
}

/// Every change after `from` up to `to` (both given as instants), read for one member
/// unit's uploads when `own_unit` is given (its people, its facts; derived facts from all
/// facts), ordered by time (changes without one last), then person.
pub async fn changes<C: ConnectionTrait>(
    db: &C,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    own_unit: Option<i64>,
    tz: Tz,
) -> Result<Vec<Change>, DbErr> {
    let mut found = Vec::new();

    // Arrivals and departures.
    let mut values: Vec<Value> = vec![from.into(), to.into()];
    let own_movements = own(&mut values, "m", own_unit);
    let sql = format!(
        "SELECT m.person_id, m.direction, m.occurred_at, m.source_row_id FROM movement m \
         WHERE m.occurred_at > $1 AND m.occurred_at <= $2{own_movements} ORDER BY m.occurred_at, m.id"
    );
    let rows = all_rows(db, sql, values).await?;
    for row in rows {
        let direction: String = row.try_get("", "direction")?;
        found.push(Change {
            kind: if direction == "departure" {
                ChangeKind::Departure
            } else {
                ChangeKind::Arrival
            },
            person_id: row.try_get("", "person_id")?,
            at: Some(row.try_get("", "occurred_at")?),
            before: None,
            after: None,
            source_row_id: Some(row.try_get("", "source_row_id")?),
        });
    }

    // First sightings: the earliest upload naming each person.
    let mut values: Vec<Value> = vec![to.into()];
    let own_sources = own(&mut values, "ps", own_unit);
    let sql = format!(
        "SELECT ps.person_id, u.uploaded_at, ps.source_row_id FROM person_source ps \
         JOIN source_row sr ON sr.id = ps.source_row_id JOIN upload u ON u.id = sr.upload_id \
         WHERE u.uploaded_at <= $1{own_sources} ORDER BY u.uploaded_at, ps.id"
    );
    let rows = all_rows(db, sql, values).await?;
    let mut first: HashMap<i64, (DateTime<Utc>, i64)> = HashMap::new();
    for row in rows {
        let person: i64 = row.try_get("", "person_id")?;
        let at: DateTime<Utc> = row.try_get("", "uploaded_at")?;
        let source: i64 = row.try_get("", "source_row_id")?;
        first.entry(person).or_insert((at, source));
    }
    for (person, (at, source)) in &first {
        if *at > from {
            found.push(Change {
                kind: ChangeKind::FirstSeen,
                person_id: *person,
                at: Some(*at),
                before: None,
                after: None,
                source_row_id: Some(*source),
            });
        }
    }

    // Derived facts at both times (from every fact the store holds, as every answer as of
    // a time is).
    let before = derived_at(db, from, own_unit, tz).await?;
    let after = derived_at(db, to, own_unit, tz).await?;
    let visas = latest_visas(db).await?;
    let managing_sources = managing_sources(db, to).await?;
    for (person, (visa_after, org_after)) in &after {
        let (visa_before, org_before) =
            before.get(person).cloned().unwrap_or((String::new(), None));
        if *visa_after != visa_before {
            let visa = visas.get(person);
            let at = visa.and_then(|(until, _)| {
                let day = match visa_after.as_str() {
                    "EXPIRED" => *until + Duration::days(1),
                    "EXPIRING" => *until - Duration::days(30),
                    _ => return None,
                };
                let at = start_of_day(day, tz);
                (at > from && at <= to).then_some(at)
            });
            found.push(Change {
                kind: ChangeKind::VisaStatus,
                person_id: *person,
                at,
                before: (!visa_before.is_empty()).then_some(visa_before),
                after: Some(visa_after.clone()),
                source_row_id: visa.map(|(_, source)| *source),
            });
        }
        if *org_after != org_before {
            found.push(Change {
                kind: ChangeKind::ManagingUnit,
                person_id: *person,
                at: None,
                before: org_before.map(|id| id.to_string()),
                after: org_after.map(|id| id.to_string()),
                source_row_id: org_after
                    .and_then(|org| managing_sources.get(&(*person, org)).copied()),
            });
        }
    }
    found.sort_by(|a, b| {
        (a.at.is_none(), a.at, a.person_id).cmp(&(b.at.is_none(), b.at, b.person_id))
    });
    Ok(found)
}

/// Visa status and managing organisation of every person as of `at` (of the unit's people
/// when given).
async fn derived_at<C: ConnectionTrait>(
    db: &C,
    at: DateTime<Utc>,
    own_unit: Option<i64>,
    tz: Tz,
) -> Result<HashMap<i64, (String, Option<i64>)>, DbErr> {
    let mut values = as_of_values(at, tz);
    let scope = own_unit.map(|unit| {
        values.push(unit.into());
        format!(
            "EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = p.id AND ps.member_unit_id = ${})",
            values.len()
        )
    });
    let sql = format!(
        "{} SELECT person_id, visa_status, organization_id FROM derived",
        derived_cte(scope.as_deref())
    );
    let rows = all_rows(db, sql, values).await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "person_id")?,
                (
                    row.try_get("", "visa_status")?,
                    row.try_get("", "organization_id")?,
                ),
            ))
        })
        .collect()
}

/// Each person's latest visa validity with the source row giving it.
async fn latest_visas<C: ConnectionTrait>(db: &C) -> Result<HashMap<i64, (NaiveDate, i64)>, DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT person_id, valid_until, source_row_id FROM identity_document \
             WHERE kind = 'visa' AND valid_until IS NOT NULL ORDER BY valid_until DESC, id",
        ))
        .await?;
    let mut latest = HashMap::new();
    for row in rows {
        let person: i64 = row.try_get("", "person_id")?;
        let until: NaiveDate = row.try_get("", "valid_until")?;
        let source: i64 = row.try_get("", "source_row_id")?;
        latest.entry(person).or_insert((until, source));
    }
    Ok(latest)
}

/// The source rows of the affiliations and stays in force at `at`: (person, organisation)
/// → source row.
async fn managing_sources<C: ConnectionTrait>(
    db: &C,
    at: DateTime<Utc>,
) -> Result<HashMap<(i64, i64), i64>, DbErr> {
    let rows = all_rows(
        db,
        "SELECT person_id, organization_id, source_row_id FROM affiliation \
         WHERE (since IS NULL OR since <= $1) AND (until IS NULL OR until > $1) \
         UNION ALL \
         SELECT person_id, organization_id, source_row_id FROM stay \
         WHERE (check_in IS NULL OR check_in <= $1) AND (check_out IS NULL OR check_out > $1)",
        vec![at.into()],
    )
    .await?;
    let mut sources = HashMap::new();
    for row in rows {
        sources
            .entry((
                row.try_get::<i64>("", "person_id")?,
                row.try_get::<i64>("", "organization_id")?,
            ))
            .or_insert(row.try_get::<i64>("", "source_row_id")?);
    }
    Ok(sources)
}
