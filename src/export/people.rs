//! The people export: pages through [`derived::people::list`] with the filter, adds the
//! managing unit, visa and reporting units of each person, computes the overview as of the
//! same time, and builds the workbook ([`super::workbook::people_workbook`]).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::ConnectionTrait;

use super::lookups::page_facts;
use super::workbook::{ExportRow, Summary, people_workbook};
use crate::auth::masking;
use crate::derived::{self, PersonFilter, PersonOrder};
use crate::error::HubError;

/// People fetched per statement.
const PAGE: u64 = 500;

/// Most people one export may hold (a sheet holds about a million rows; beyond this,
/// narrow the filter).
pub const MAX_EXPORT_ROWS: i64 = 200_000;

/// What to export.
#[derive(Debug, Clone)]
pub struct PeopleExport {
    /// Which people.
    pub filter: PersonFilter,
    /// As of when (the list's derived facts and the summary).
    pub as_of: DateTime<Utc>,
    /// The conditions in words, for the summary sheet.
    pub conditions: String,
    /// Document numbers masked, no date of birth (a leader's export).
    pub masked: bool,
    /// Only the people this member unit (code) reported, with only its own facts beyond
    /// the shown identity and the derived status (an uploader's export): no visa details
    /// from other units, no other reporting units.
    pub unit_only: Option<String>,
    /// Whether the summary sheet may show the city-wide overview figures.
    pub figures: bool,
}

impl PeopleExport {
    /// The filter actually run: the caller's, restricted to the unit's people when
    /// [`Self::unit_only`] is set.
    fn effective_filter(&self) -> PersonFilter {
        match &self.unit_only {
            Some(code) => PersonFilter {
                and: vec![
                    self.filter.clone(),
                    PersonFilter {
                        reported_by: Some(vec![code.clone()]),
                        ..PersonFilter::default()
                    },
                ],
                ..PersonFilter::default()
            },
            None => self.filter.clone(),
        }
    }
}

fn visa_label(status: &str) -> &'static str {
    match status {
        "VALID" => "有效",
        "EXPIRING" => "30天内到期",
        "EXPIRED" => "已过期",
        _ => "未知",
    }
}

fn sex_label(sex: Option<&str>) -> Option<String> {
    sex.map(|s| match s {
        "M" => "男".to_owned(),
        "F" => "女".to_owned(),
        other => other.to_owned(),
    })
}

/// The xlsx of the people matching `export.filter`, ordered by nationality and name.
pub async fn people_xlsx<C: ConnectionTrait>(
    db: &C,
    tz: Tz,
    export: &PeopleExport,
) -> Result<Vec<u8>, HubError> {
    let filter = export.effective_filter();
    let own_unit_name = match &export.unit_only {
        Some(code) => Some(crate::ingest::find_unit(db, code).await?.name),
        None => None,
    };
    let mut rows: Vec<ExportRow> = Vec::new();
    let mut offset = 0;
    loop {
        let page = derived::people::list(
            db,
            &filter,
            PersonOrder::Nationality,
            PAGE,
            offset,
            export.as_of,
            tz,
        )
        .await?;
        if page.total > MAX_EXPORT_ROWS {
            return Err(HubError::BadInput(format!(
                "{} people match; an export holds at most {MAX_EXPORT_ROWS}: narrow the filter / 符合条件的人数过多，请缩小范围",
                page.total
            )));
        }
        let ids: Vec<i64> = page.people.iter().map(|(p, _)| p.id).collect();
        let orgs: Vec<i64> = page
            .people
            .iter()
            .filter_map(|(_, s)| s.managing_organization_id)
            .collect();
        let mut facts = page_facts(db, &ids, &orgs).await?;
        for (person, status) in &page.people {
            let (visa_category, visa_valid_until) = match export.unit_only {
                Some(_) => (None, None),
                None => facts.visas.remove(&person.id).unwrap_or((None, None)),
            };
            let reporters = facts.reporters.remove(&person.id).unwrap_or_default();
            let country = importers::countries::by_alpha3(&person.nationality);
            rows.push(ExportRow {
                latin_name: person.latin_name.clone(),
                chinese_name: person.chinese_name.clone(),
                nationality: country
                    .map_or_else(|| person.nationality.clone(), |c| c.name_zh.to_owned()),
                nationality_code: person.nationality.clone(),
                sex: sex_label(person.sex.as_deref()),
                birth_date: if export.masked {
                    None
                } else {
                    person.birth_date
                },
                document_number: if export.masked {
                    masking::document_number(&person.document_number)
                } else {
                    person.document_number.clone()
                },
                present: status.present,
                visa_status: visa_label(&status.visa_status).to_owned(),
                visa_category,
                visa_valid_until,
                managing_unit: status
                    .managing_organization_id
                    .and_then(|id| facts.organizations.get(&id).cloned()),
                reported_by: match &export.unit_only {
                    Some(_) => own_unit_name.clone().unwrap_or_default(),
                    None => reporters.join("、"),
                },
            });
        }
        if !page.has_next {
            break;
        }
        offset += PAGE;
    }
    let overview = if export.figures {
        Some(derived::overview(db, export.as_of, tz).await?)
    } else {
        None
    };
    people_workbook(
        &rows,
        &Summary {
            as_of: export.as_of,
            timezone: tz,
            overview,
            conditions: export.conditions.clone(),
            masked: export.masked,
        },
    )
}
