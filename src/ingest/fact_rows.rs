//! The fact tables of a landing, written as bulk inserts (see [`super::batch::insert_rows`]):
//! what each row of each table holds, in one place, column for column as the entities
//! declare them.

use super::batch::{Column, Table, insert_rows};
use super::facts::{
    AffiliationFact, DailyReportFact, DocumentFact, HealthCheckFact, MovementFact, StayFact,
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};

const AFFILIATION: Table = Table {
    name: "affiliation",
    columns: &[
        Column::plain("person_id"),
        Column::plain("organization_id"),
        Column::plain("role"),
        Column::plain("since"),
        Column::plain("until"),
        Column::plain("member_unit_id"),
        Column::plain("kind"),
        Column::plain("ended_by_upload_id"),
        Column::plain("source_row_id"),
    ],
};

const STAY: Table = Table {
    name: "stay",
    columns: &[
        Column::plain("person_id"),
        Column::plain("organization_id"),
        Column::plain("check_in"),
        Column::plain("check_out"),
        Column::plain("member_unit_id"),
        Column::plain("ended_by_upload_id"),
        Column::plain("source_row_id"),
    ],
};

const IDENTITY_DOCUMENT: Table = Table {
    name: "identity_document",
    columns: &[
        Column::plain("person_id"),
        Column::plain("kind"),
        Column::plain("number"),
        Column::plain("issuing_nationality"),
        Column::plain("category"),
        Column::plain("valid_until"),
        Column::plain("source_row_id"),
        Column::plain("passport_number"),
    ],
};

const MOVEMENT: Table = Table {
    name: "movement",
    columns: &[
        Column::plain("person_id"),
        Column::plain("direction"),
        Column::plain("occurred_at"),
        Column::plain("carrier_number"),
        Column::plain("origin"),
        Column::plain("destination"),
        Column::plain("member_unit_id"),
        Column::plain("source_row_id"),
    ],
};

const HEALTH_CHECK: Table = Table {
    name: "health_check",
    columns: &[
        Column::plain("person_id"),
        Column::plain("checked_at"),
        Column::plain("temperature"),
        Column::plain("status"),
        Column::plain("member_unit_id"),
        Column::plain("source_row_id"),
    ],
};

const DAILY_REPORT: Table = Table {
    name: "daily_report",
    columns: &[
        Column::plain("member_unit_id"),
        Column::plain("report_date"),
        Column::plain("is_zero"),
        Column::plain("arrivals"),
        Column::plain("departures"),
        Column::plain("anomalies"),
        Column::plain("note"),
        Column::plain("submitted_by"),
        Column::plain("submitted_at"),
        Column::plain("source_row_id"),
    ],
};

/// A fact of one accepted row, resolved: the row it came from, the person it is about and,
/// for ties to organisations, the organisation.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'a, F> {
    /// `source_row.id`.
    pub row_id: i64,
    /// `person.id`.
    pub person_id: i64,
    /// `organization.id` (affiliations and stays only; 0 otherwise).
    pub org_id: i64,
    /// The fact.
    pub fact: &'a F,
}

impl<'a, F> Resolved<'a, F> {
    /// A fact that names no organisation (a document, a movement, a health check).
    pub fn of_person(row_id: i64, person_id: i64, fact: &'a F) -> Self {
        Self {
            row_id,
            person_id,
            org_id: 0,
            fact,
        }
    }
}

/// Every fact of an upload, ready to insert.
#[derive(Debug, Default)]
pub struct FactRows<'a> {
    /// Ties to organisations.
    pub affiliations: Vec<Resolved<'a, AffiliationFact>>,
    /// Hotel stays.
    pub stays: Vec<Resolved<'a, StayFact>>,
    /// Visas and permits.
    pub documents: Vec<Resolved<'a, DocumentFact>>,
    /// Arrivals and departures.
    pub movements: Vec<Resolved<'a, MovementFact>>,
    /// Temperature checks.
    pub checks: Vec<Resolved<'a, HealthCheckFact>>,
    /// Daily reports with their row ids.
    pub reports: Vec<(i64, &'a DailyReportFact)>,
}

/// Who landed the facts: the unit, the kind of its upload, who uploaded and when.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    /// `member_unit.id`.
    pub unit_id: i64,
    /// Source kind as stored.
    pub kind: &'a str,
    /// Who uploaded (reports are submitted by them).
    pub uploaded_by: &'a str,
    /// When the upload landed.
    pub now: DateTime<Utc>,
}

fn text(s: &str) -> Value {
    Value::from(s.to_owned())
}

fn opt_text(s: Option<&String>) -> Value {
    Value::from(s.cloned())
}

/// Inserts every fact, table by table.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    facts: &FactRows<'_>,
    from: Provenance<'_>,
) -> Result<(), DbErr> {
    let unit = from.unit_id;
    insert_rows(db, &AFFILIATION, &facts.affiliations, |r, v| {
        v.extend([
            Value::from(r.person_id),
            Value::from(r.org_id),
            text(r.fact.role),
            Value::from(r.fact.since),
            Value::from(r.fact.until),
            Value::from(unit),
            text(from.kind),
            Value::from(None::<i64>),
            Value::from(r.row_id),
        ]);
    })
    .await?;
    insert_rows(db, &STAY, &facts.stays, |r, v| {
        v.extend([
            Value::from(r.person_id),
            Value::from(r.org_id),
            Value::from(r.fact.check_in),
            Value::from(r.fact.check_out),
            Value::from(unit),
            Value::from(None::<i64>),
            Value::from(r.row_id),
        ]);
    })
    .await?;
    insert_rows(db, &IDENTITY_DOCUMENT, &facts.documents, |r, v| {
        v.extend([
            Value::from(r.person_id),
            text(r.fact.kind),
            opt_text(r.fact.number.as_ref()),
            text(&r.fact.issuing_nationality),
            opt_text(r.fact.category.as_ref()),
            Value::from(r.fact.valid_until),
            Value::from(r.row_id),
            opt_text(r.fact.passport_number.as_ref()),
        ]);
    })
    .await?;
    insert_rows(db, &MOVEMENT, &facts.movements, |r, v| {
        v.extend([
            Value::from(r.person_id),
            text(r.fact.direction),
            Value::from(r.fact.occurred_at),
            opt_text(r.fact.carrier_number.as_ref()),
            opt_text(r.fact.origin.as_ref()),
            opt_text(r.fact.destination.as_ref()),
            Value::from(unit),
            Value::from(r.row_id),
        ]);
    })
    .await?;
    insert_rows(db, &HEALTH_CHECK, &facts.checks, |r, v| {
        v.extend([
            Value::from(r.person_id),
            Value::from(r.fact.checked_at),
            Value::from(r.fact.temperature),
            opt_text(r.fact.status.as_ref()),
            Value::from(unit),
            Value::from(r.row_id),
        ]);
    })
    .await?;
    insert_rows(db, &DAILY_REPORT, &facts.reports, |(row_id, r), v| {
        v.extend([
            Value::from(unit),
            Value::from(r.report_date),
            Value::from(r.is_zero),
            Value::from(r.arrivals),
            Value::from(r.departures),
            opt_text(r.anomalies.as_ref()),
            opt_text(r.note.as_ref()),
            text(from.uploaded_by),
            Value::from(from.now),
            Value::from(Some(*row_id)),
        ]);
    })
    .await?;
    Ok(())
}
