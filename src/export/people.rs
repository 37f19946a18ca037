//! One row of the people workbook from a person as the reader shows them
//! ([`crate::service::people::PersonRecord`]) and the extra facts of their page
//! ([`super::lookups::page_facts`]). The reading itself (policy, unit scope, masking,
//! audit, paging) is [`crate::service::people::People::export`].

use super::lookups::PageFacts;
use super::workbook::ExportRow;
use crate::service::people::PersonRecord;

/// Most people one export may hold (a sheet holds about a million rows; beyond this,
/// narrow the filter).
pub const MAX_EXPORT_ROWS: i64 = 200_000;

fn sex_label(sex: Option<&str>) -> Option<String> {
    sex.map(|s| match s {
        "M" => "男".to_owned(),
        "F" => "女".to_owned(),
        other => other.to_owned(),
    })
}

/// The row of `record`, taking its facts out of `facts`. For a unit's export
/// (`own_unit_name`: an uploader's) the visa details of other units are left out and the
/// reporting unit is its own.
pub fn export_row(
    record: &PersonRecord,
    facts: &mut PageFacts,
    own_unit_name: Option<&str>,
) -> ExportRow {
    let (person, status, view) = (&record.model, &record.status, record.view);
    let (visa_category, visa_valid_until) = match own_unit_name {
        Some(_) => (None, None),
        None => facts.visas.remove(&person.id).unwrap_or((None, None)),
    };
    let reporters = facts.reporters.remove(&person.id).unwrap_or_default();
    let country = importers::countries::by_alpha3(&person.nationality);
    ExportRow {
        latin_name: person.latin_name.clone(),
        chinese_name: person.chinese_name.clone(),
        nationality: country.map_or_else(|| person.nationality.clone(), |c| c.name_zh.to_owned()),
        nationality_code: person.nationality.clone(),
        sex: sex_label(person.sex.as_deref()),
        birth_date: view.birth_date(person.birth_date),
        document_number: view.document_number(&person.document_number),
        present: status.present,
        visa_status: status.visa_status.label_zh().to_owned(),
        visa_category,
        visa_valid_until,
        managing_unit: status
            .managing_organization_id
            .and_then(|id| facts.organizations.get(&id).cloned()),
        reported_by: match own_unit_name {
            Some(name) => name.to_owned(),
            None => reporters.join("、"),
        },
    }
}
