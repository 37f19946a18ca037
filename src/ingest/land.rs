//! Landing one read file in the store: the upload, its rows (accepted and rejected), the
//! people and every fact, linked to the row that gave it — all in the caller's
//! transaction, so a file lands whole or not at all.

use super::batch::insert_all;
use super::facts::{OrgRef, RowFacts};
use super::organizations::OrgResolver;
use super::people::{self, AttributeValue, Identity};
use chrono::{DateTime, Utc};
use entity::{
    affiliation, daily_report, health_check, identity_document, member_unit, movement,
    organization, person_source, source_row, stay, upload,
};
use importers::SourceKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};

/// One row of the file as it will be stored.
#[derive(Debug, Clone)]
pub struct LandRow {
    /// Sheet name.
    pub sheet: String,
    /// Excel row number.
    pub row_number: u32,
    /// Raw cells as `[[header, value], …]`.
    pub raw: serde_json::Value,
    /// Issues (rejections and warnings) as JSON.
    pub issues: serde_json::Value,
    /// What the row says, when accepted.
    pub facts: Option<RowFacts>,
}

/// The file's description as it will be stored.
#[derive(Debug, Clone)]
pub struct LandFile {
    /// Source kind.
    pub kind: SourceKind,
    /// File name as uploaded.
    pub file_name: String,
    /// SHA-256 hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Detected format.
    pub format: String,
    /// Sheet read.
    pub sheet: String,
    /// Header row number.
    pub header_row: u32,
    /// Headers as written.
    pub headers: Vec<String>,
    /// Who uploaded.
    pub uploaded_by: String,
    /// Rows with warnings.
    pub warning_rows: u32,
}

/// Authority rank of a source kind when sources disagree about a person (lower wins):
/// police > university > employer > education > hotel > transport.
pub fn authority(kind: SourceKind) -> i16 {
    match kind {
        SourceKind::VisaRegistry => 0,
        SourceKind::UniversityRoster => 1,
        SourceKind::EmploymentRoster => 2,
        SourceKind::StudentRoster => 3,
        SourceKind::LodgingRegister => 4,
        SourceKind::PassengerFlow => 5,
        SourceKind::HealthCheck => 6,
        SourceKind::DailyReport => 7,
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Lands the file and its rows; returns the new upload's id.
pub async fn land<C: ConnectionTrait>(
    db: &C,
    unit: &member_unit::Model,
    file: &LandFile,
    rows: &[LandRow],
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let accepted = rows.iter().filter(|row| row.facts.is_some()).count();
    let upload = upload::ActiveModel {
        member_unit_id: Set(unit.id),
        kind: Set(file.kind.as_str().to_owned()),
        file_name: Set(file.file_name.clone()),
        sha256: Set(file.sha256.clone()),
        size_bytes: Set(file.size_bytes),
        format: Set(file.format.clone()),
        uploaded_by: Set(file.uploaded_by.clone()),
        uploaded_at: Set(now),
        status: Set("imported".to_owned()),
        sheet: Set(file.sheet.clone()),
        header_row: Set(i32::try_from(file.header_row).unwrap_or(i32::MAX)),
        headers: Set(serde_json::json!(file.headers)),
        data_rows: Set(count(rows.len())),
        accepted_rows: Set(count(accepted)),
        rejected_rows: Set(count(rows.len() - accepted)),
        warning_rows: Set(i32::try_from(file.warning_rows).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .insert(db)
    .await?;

    let row_ids = store_rows(db, upload.id, rows).await?;
    let accepted: Vec<(i64, &RowFacts)> = rows
        .iter()
        .filter_map(|row| {
            let id = row_ids.get(&(row.sheet.clone(), row.row_number))?;
            Some((*id, row.facts.as_ref()?))
        })
        .collect();

    let kind = file.kind;
    let rank = authority(kind);
    let identities: Vec<Identity> = accepted
        .iter()
        .filter_map(|(_, facts)| facts.identity.clone())
        .collect();
    let values: Vec<AttributeValue> = accepted
        .iter()
        .flat_map(|(row_id, facts)| {
            facts.identity.iter().flat_map(move |identity| {
                facts
                    .attributes
                    .iter()
                    .map(move |(attribute, value)| AttributeValue {
                        identity: identity.clone(),
                        attribute,
                        value: value.clone(),
                        authority: rank,
                        source_row_id: *row_id,
                    })
            })
        })
        .collect();
    let resolved = people::resolve(db, &identities, &values, now).await?;
    people::store_values(db, &values, &resolved.ids).await?;

    let person_of = |facts: &RowFacts| {
        facts
            .identity
            .as_ref()
            .and_then(|identity| resolved.ids.get(identity).copied())
    };
    let sources: Vec<person_source::ActiveModel> = accepted
        .iter()
        .filter_map(|(row_id, facts)| {
            Some(person_source::ActiveModel {
                person_id: Set(person_of(facts)?),
                member_unit_id: Set(unit.id),
                kind: Set(kind.as_str().to_owned()),
                source_row_id: Set(*row_id),
                ..Default::default()
            })
        })
        .collect();
    insert_all(db, sources, 4).await?;

    if kind.is_roster() {
        end_previous_roster(db, unit.id, kind, upload.id, now).await?;
    }
    let mut orgs = OrgResolver::load(db).await?;
    let own_org = organization::Entity::find()
        .filter(organization::Column::MemberUnitId.eq(unit.id))
        .filter(organization::Column::MergedIntoId.is_null())
        .one(db)
        .await?
        .map(|org| org.id);

    let mut affiliations = Vec::new();
    let mut stays = Vec::new();
    let mut documents = Vec::new();
    let mut movements = Vec::new();
    let mut checks = Vec::new();
    let mut reports = Vec::new();
    for (row_id, facts) in &accepted {
        let row_id = *row_id;
        if let Some(report) = &facts.daily_report {
            reports.push(daily_report::ActiveModel {
                member_unit_id: Set(unit.id),
                report_date: Set(report.report_date),
                is_zero: Set(report.is_zero),
                arrivals: Set(report.arrivals),
                departures: Set(report.departures),
                anomalies: Set(report.anomalies.clone()),
                note: Set(report.note.clone()),
                submitted_by: Set(file.uploaded_by.clone()),
                submitted_at: Set(now),
                source_row_id: Set(Some(row_id)),
                ..Default::default()
            });
        }
        let Some(person_id) = person_of(facts) else {
            continue;
        };
        if let Some(fact) = &facts.affiliation {
            let org_id = match &fact.org {
                OrgRef::Named { name, kind } => orgs.resolve(db, name, kind, now).await?,
                OrgRef::UploadingUnit => own_org,
            };
            if let Some(org_id) = org_id {
                affiliations.push(affiliation::ActiveModel {
                    person_id: Set(person_id),
                    organization_id: Set(org_id),
                    role: Set(fact.role.to_owned()),
                    since: Set(fact.since),
                    until: Set(fact.until),
                    member_unit_id: Set(unit.id),
                    kind: Set(kind.as_str().to_owned()),
                    ended_by_upload_id: Set(None),
                    source_row_id: Set(row_id),
                    ..Default::default()
                });
            }
        }
        if let Some(fact) = &facts.stay
            && let Some(org_id) = orgs.resolve(db, &fact.hotel, "hotel", now).await?
        {
            stays.push(stay::ActiveModel {
                person_id: Set(person_id),
                organization_id: Set(org_id),
                check_in: Set(fact.check_in),
                check_out: Set(fact.check_out),
                member_unit_id: Set(unit.id),
                ended_by_upload_id: Set(None),
                source_row_id: Set(row_id),
                ..Default::default()
            });
        }
        for doc in &facts.documents {
            documents.push(identity_document::ActiveModel {
                person_id: Set(person_id),
                kind: Set(doc.kind.to_owned()),
                number: Set(doc.number.clone()),
                issuing_nationality: Set(doc.issuing_nationality.clone()),
                category: Set(doc.category.clone()),
                valid_until: Set(doc.valid_until),
                source_row_id: Set(row_id),
                ..Default::default()
            });
        }
        if let Some(fact) = &facts.movement {
            movements.push(movement::ActiveModel {
                person_id: Set(person_id),
                direction: Set(fact.direction.to_owned()),
                occurred_at: Set(fact.occurred_at),
                carrier_number: Set(fact.carrier_number.clone()),
                origin: Set(fact.origin.clone()),
                destination: Set(fact.destination.clone()),
                member_unit_id: Set(unit.id),
                source_row_id: Set(row_id),
                ..Default::default()
            });
        }
        if let Some(fact) = &facts.health_check {
            checks.push(health_check::ActiveModel {
                person_id: Set(person_id),
                checked_at: Set(fact.checked_at),
                temperature: Set(fact.temperature),
                status: Set(fact.status.clone()),
                member_unit_id: Set(unit.id),
                source_row_id: Set(row_id),
                ..Default::default()
            });
        }
    }
    insert_all(db, affiliations, 9).await?;
    insert_all(db, stays, 7).await?;
    insert_all(db, documents, 7).await?;
    insert_all(db, movements, 8).await?;
    insert_all(db, checks, 6).await?;
    insert_all(db, reports, 10).await?;

    let existing: Vec<i64> = resolved
        .existing
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    people::refresh_shown(db, &existing, now).await?;
    let touched: Vec<i64> = resolved
        .ids
        .values()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    people::find_candidates(db, &touched, now).await?;
    Ok(upload.id)
}

/// Stores every row of the file and returns their ids by (sheet, row number).
async fn store_rows<C: ConnectionTrait>(
    db: &C,
    upload_id: i64,
    rows: &[LandRow],
) -> Result<HashMap<(String, u32), i64>, DbErr> {
    let models: Vec<source_row::ActiveModel> = rows
        .iter()
        .map(|row| source_row::ActiveModel {
            upload_id: Set(upload_id),
            sheet: Set(row.sheet.clone()),
            row_number: Set(i32::try_from(row.row_number).unwrap_or(i32::MAX)),
            raw: Set(row.raw.clone()),
            status: Set(if row.facts.is_some() {
                "accepted"
            } else {
                "rejected"
            }
            .to_owned()),
            issues: Set(row.issues.clone()),
            ..Default::default()
        })
        .collect();
    insert_all(db, models, 6).await?;
    let stored: Vec<(i64, String, i32)> = source_row::Entity::find()
        .select_only()
        .columns([
            source_row::Column::Id,
            source_row::Column::Sheet,
            source_row::Column::RowNumber,
        ])
        .filter(source_row::Column::UploadId.eq(upload_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(stored
        .into_iter()
        .map(|(id, sheet, row)| ((sheet, u32::try_from(row).unwrap_or(0)), id))
        .collect())
}

/// A roster is the unit's current list: what its earlier lists of the same kind said and
/// this one repeats or omits ends as of this upload. (People on the new list get fresh
/// facts from it; people missing from it keep nothing open from this unit and kind.)
async fn end_previous_roster<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    upload_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    affiliation::Entity::update_many()
        .col_expr(affiliation::Column::Until, Expr::value(now))
        .col_expr(affiliation::Column::EndedByUploadId, Expr::value(upload_id))
        .filter(affiliation::Column::MemberUnitId.eq(unit_id))
        .filter(affiliation::Column::Kind.eq(kind.as_str()))
        .filter(affiliation::Column::EndedByUploadId.is_null())
        .filter(
            affiliation::Column::Until
                .is_null()
                .or(affiliation::Column::Until.gt(now)),
        )
        .exec(db)
        .await?;
    if kind == SourceKind::LodgingRegister {
        stay::Entity::update_many()
            .col_expr(stay::Column::CheckOut, Expr::value(now))
            .col_expr(stay::Column::EndedByUploadId, Expr::value(upload_id))
            .filter(stay::Column::MemberUnitId.eq(unit_id))
            .filter(stay::Column::EndedByUploadId.is_null())
            .filter(
                stay::Column::CheckOut
                    .is_null()
                    .or(stay::Column::CheckOut.gt(now)),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}
