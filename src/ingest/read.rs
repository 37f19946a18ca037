//! Turning what the importers read into what the store lands: the rows as stored, and for
//! each accepted record the facts it holds.

use super::facts::{
    AffiliationFact, DailyReportFact, DocumentFact, HealthCheckFact, MovementFact, OrgRef,
    RowFacts, StayFact, SupplyFact,
};
use super::land::{LandFile, LandRow, RowTotals};
use super::report::{IssueRef, Rejection, RowCounts, RowWarning};
use crate::registry::shown::PersonValues;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use importers::{
    Direction, MemberType, Moment, ParsedRow, ParsedUpload, PersonFields, Record, RowIssue, Sex,
    UploadHead,
};
use serde_json::json;

use crate::time::start_of_day;

/// The state issuing visas and permits held in the city.
const ISSUED_HERE: &str = "CHN";

fn moment_utc(moment: Moment, tz: Tz) -> DateTime<Utc> {
    match moment {
        Moment::Date(day) => start_of_day(day, tz),
        Moment::DateTime(at) => at.with_timezone(&Utc),
    }
}

fn issues_json(issues: &[RowIssue], severity: &str) -> impl Iterator<Item = serde_json::Value> {
    issues.iter().map(move |issue| {
        json!({
            "column": issue.column,
            "value": issue.value,
            "code": issue.code.as_str(),
            "reason": issue.reason,
            "severity": severity,
        })
    })
}

/// The person part of a record: identity and the values given (an empty text is none).
fn person_facts(person: &PersonFields, facts: &mut RowFacts) {
    facts.identity = Some((person.document_number.clone(), person.nationality.clone()));
    let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
    facts.values = PersonValues {
        latin_name: given(&person.latin_name),
        chinese_name: given(&person.chinese_name),
        sex: person.sex.map(|sex| {
            match sex {
                Sex::Male => "M",
                Sex::Female => "F",
            }
            .to_owned()
        }),
        birth_date: person.birth_date,
    };
}

fn named(name: &Option<String>, kind: &'static str) -> Option<OrgRef> {
    name.as_ref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| OrgRef::Named {
            name: n.clone(),
            kind,
        })
}

/// Role of the holder of a visa category: study visas (X) make a student, work visas (Z)
/// an employee; any other category a resident.
fn visa_role(category: Option<&str>) -> &'static str {
    match category.map(|c| c.trim().to_ascii_uppercase()) {
        Some(c) if c.starts_with('X') => "student",
        Some(c) if c.starts_with('Z') => "employee",
        _ => "resident",
    }
}

/// What one accepted record says.
pub fn facts_of(record: &Record, tz: Tz) -> RowFacts {
    let mut facts = RowFacts::default();
    if let Some(person) = record.person() {
        person_facts(person, &mut facts);
    }
    match record {
        Record::VisaRegistry(r) => {
            facts.affiliation = named(&r.organization, "unknown").map(|org| AffiliationFact {
                org,
                role: visa_role(r.visa_type.as_deref()),
                since: None,
                until: None,
            });
            if r.visa_type.is_some() || r.visa_valid_until.is_some() {
                facts.documents.push(DocumentFact {
                    kind: "visa",
                    // Visa lists give no visa number: the visa is in the row's passport.
                    number: None,
                    passport_number: Some(r.person.document_number.clone()),
                    issuing_nationality: ISSUED_HERE.to_owned(),
                    category: r.visa_type.clone(),
                    valid_until: r.visa_valid_until,
                });
            }
        }
        Record::StudentRoster(r) => {
            facts.affiliation = named(&r.school, "university").map(|org| AffiliationFact {
                org,
                role: "student",
                since: None,
                until: None,
            });
        }
        Record::UniversityRoster(r) => {
            facts.affiliation = Some(AffiliationFact {
                org: OrgRef::UploadingUnit,
                role: match r.member_type {
                    Some(MemberType::Teacher) => "teacher",
                    _ => "student",
                },
                since: None,
                until: None,
            });
        }
        Record::EmploymentRoster(r) => {
            facts.affiliation = Some(AffiliationFact {
                org: named(&r.employer, "enterprise").unwrap_or(OrgRef::UploadingUnit),
                role: "employee",
                since: r.hired_on.map(|day| start_of_day(day, tz)),
                until: None,
            });
            if let Some(number) = r.work_permit_number.as_ref().filter(|n| !n.is_empty()) {
                facts.documents.push(DocumentFact {
                    kind: "work_permit",
                    number: Some(number.clone()),
                    passport_number: None,
                    issuing_nationality: ISSUED_HERE.to_owned(),
                    category: None,
                    valid_until: r.work_permit_valid_until,
                });
            }
        }
        Record::LodgingRegister(r) => {
            facts.stay = r
                .hotel
                .as_ref()
                .filter(|h| !h.trim().is_empty())
                .map(|hotel| StayFact {
                    hotel: hotel.clone(),
                    check_in: r.check_in.map(|m| moment_utc(m, tz)),
                    check_out: r.check_out.map(|m| moment_utc(m, tz)),
                });
        }
        Record::PassengerFlow(r) => {
            facts.movement = r.direction.map(|direction| MovementFact {
                direction: match direction {
                    Direction::Arrival => "arrival",
                    Direction::Departure => "departure",
                },
                occurred_at: r.at.with_timezone(&Utc),
                carrier_number: r.carrier_number.clone(),
                origin: r.origin.clone(),
                destination: r.destination.clone(),
            });
        }
        Record::HealthCheck(r) => {
            facts.health_check = Some(HealthCheckFact {
                checked_at: moment_utc(r.checked_at, tz),
                temperature: r.temperature,
                status: r.status.clone(),
            });
        }
        Record::DailyReport(r) => {
            facts.daily_report = Some(DailyReportFact {
                report_date: r.report_date,
                is_zero: r.is_zero(),
                arrivals: r.arrivals.and_then(|n| i32::try_from(n).ok()),
                departures: r.departures.and_then(|n| i32::try_from(n).ok()),
                anomalies: r.anomalies.clone(),
                note: r.note.clone(),
            });
        }
        Record::DonationRegister(r) => {
            facts.supply = Some(SupplyFact::Donation {
                at: moment_utc(r.donated_at, tz),
                record: r.as_ref().clone(),
            });
        }
        Record::ProcurementRegister(r) => {
            facts.supply = Some(SupplyFact::Contract {
                at: moment_utc(r.stated_at, tz),
                record: r.as_ref().clone(),
            });
        }
        Record::OutreachLog(r) => {
            facts.supply = Some(SupplyFact::Contact {
                at: moment_utc(r.contacted_at, tz),
                record: r.as_ref().clone(),
            });
        }
    }
    facts
}

/// Read rows as they will be stored, consuming them (each parsed row is freed as soon as
/// it is converted, so a large file is not held twice). Cells and issues become JSON text
/// at once: a row's cells are one string, not a tree of small allocations.
pub fn land_rows(rows: Vec<ParsedRow>, tz: Tz) -> Vec<LandRow<String>> {
    rows.into_iter()
        .map(|row| {
            let issues = if row.rejections().is_empty() && row.warnings.is_empty() {
                "[]".to_owned()
            } else {
                let issues: Vec<serde_json::Value> = issues_json(row.rejections(), "error")
                    .chain(issues_json(&row.warnings, "warning"))
                    .collect();
                serde_json::Value::Array(issues).to_string()
            };
            LandRow {
                raw: raw_json(&row.raw),
                issues,
                has_warnings: !row.warnings.is_empty(),
                facts: row.record().map(|record| Box::new(facts_of(record, tz))),
                sheet: row.sheet,
                row_number: row.row,
            }
        })
        .collect()
}

/// A row's cells as stored: the text under each of the upload's headers, in order
/// (`["1","","KIM DARA",…]`); the headers are stored once, with the upload.
fn raw_json(raw: &[(String, String)]) -> String {
    let values: Vec<&str> = raw.iter().map(|(_, value)| value.as_str()).collect();
    // Serialising strings cannot fail; the fallback keeps the row anyway.
    serde_json::to_string(&values).unwrap_or_else(|_| "[]".to_owned())
}

/// The description of a read file as it will be stored.
pub fn land_file(head: &UploadHead, file_name: &str, size: usize, uploaded_by: &str) -> LandFile {
    LandFile {
        kind: head.kind,
        file_name: file_name.to_owned(),
        sha256: head.sha256.clone(),
        size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
        format: head.format.as_str().to_owned(),
        sheet: head.sheet.clone(),
        header_row: head.header_row,
        headers: head.headers.clone(),
        uploaded_by: uploaded_by.to_owned(),
        columns: json!({ "columns": head.columns, "warnings": head.notes }),
    }
}

/// Row counters of a read file.
pub fn counts(parsed: &ParsedUpload) -> RowCounts {
    row_counts(RowTotals {
        data: parsed.data_rows(),
        accepted: parsed.accepted(),
        warnings: parsed.with_warnings(),
    })
}

/// The report's row counters of these totals.
pub fn row_counts(totals: RowTotals) -> RowCounts {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    RowCounts {
        data: n(totals.data),
        accepted: n(totals.accepted),
        rejected: n(totals.data.saturating_sub(totals.accepted)),
        warnings: n(totals.warnings),
    }
}

/// Every rejected row of a read file (see [`Rejection::from_issues`]).
pub fn rejections(parsed: &ParsedUpload) -> Vec<Rejection> {
    rejections_of(&parsed.rows)
}

/// The rejections of these rows, in their order.
pub fn rejections_of(rows: &[ParsedRow]) -> Vec<Rejection> {
    rows.iter()
        .filter(|row| !row.is_accepted())
        .filter_map(|row| {
            let issues: Vec<IssueRef<'_>> = row
                .rejections()
                .iter()
                .map(|issue| IssueRef {
                    column: issue.column.as_deref(),
                    value: &issue.value,
                    code: issue.code.as_str(),
                    reason: &issue.reason,
                })
                .collect();
            Rejection::from_issues(&row.sheet, row.row, &issues)
        })
        .collect()
}

/// Every warning of an accepted read row, in row order.
pub fn warnings_of(rows: &[ParsedRow]) -> Vec<RowWarning> {
    rows.iter()
        .filter(|row| row.is_accepted())
        .flat_map(|row| {
            row.warnings.iter().map(|issue| RowWarning {
                sheet: row.sheet.clone(),
                row: row.row,
                column: issue.column.clone(),
                value: issue.value.clone(),
                code: issue.code.as_str().to_owned(),
                message: issue.reason.clone(),
            })
        })
        .collect()
}
