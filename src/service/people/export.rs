//! The people workbook for a principal: the same policy, unit scope and masking as the
//! lists, an audit entry that never holds a searched number, then every matching person
//! (ordered by nationality and name unless the filter says otherwise) with the overview as of the same time.

use chrono::{DateTime, Utc};

use super::People;
use super::audit::Read;
use super::read::scoped;
use super::view::PersonView;
use crate::auth::{Operation, Principal};
use crate::derived::{self, Start};
use crate::error::HubError;
use crate::export::lookups::page_facts;
use crate::export::workbook::{ExportRow, Summary, people_workbook};
use crate::export::{ExportFilter, MAX_EXPORT_ROWS, export_row};

/// People fetched per statement.
const PAGE: u64 = 500;

/// What to export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportRequest {
    /// Which people and as of when, as the query string or the flags give them.
    pub filter: ExportFilter,
    /// Mask personal data even when the role sees it (`hub export people --masked`).
    pub masked: bool,
}

/// An exported workbook.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// The xlsx.
    pub bytes: Vec<u8>,
    /// The time the list and the summary are for.
    pub as_of: DateTime<Utc>,
}

impl People<'_> {
    /// The people workbook `principal` may read: `FORBIDDEN` for a role that may not read
    /// people (or search them, when the filter searches), `BAD_INPUT` for a malformed
    /// filter or more than [`MAX_EXPORT_ROWS`] people. A leader's (or a `masked`) export
    /// masks document numbers and has no birth dates; an uploader's holds its own people
    /// with the values of its own rows and no other unit's visa or reporting unit; the
    /// summary shows the city-wide figures only to a role that reads them.
    pub async fn export(
        &self,
        principal: &Principal,
        request: &ExportRequest,
    ) -> Result<ExportFile, HubError> {
        let grant = principal.authorize(Operation::ReadPeople)?;
        let filter = &request.filter;
        if filter.searches() {
            principal.authorize(Operation::SearchPeople)?;
        }
        let view = match PersonView::of(&grant) {
            PersonView::Full if request.masked => PersonView::Masked,
            view => view,
        };
        let query = scoped(filter.presence()?.list_filter(filter.to_filter()?), &grant);
        let as_of = filter.as_of()?.unwrap_or_else(Utc::now);
        let sort = filter.sort()?;
        let figures = principal.authorize(Operation::ReadFigures).is_ok();
        let conditions = filter.describe_masked();
        self.audit(principal, Read::Export(&conditions), view.masked())
            .await?;
        let own_unit_name = match grant.restricted_to() {
            Some(unit) => Some(
                crate::registry::units::find_unit(self.db, &unit.code)
                    .await?
                    .name,
            ),
            None => None,
        };
        let total = derived::people::count(self.db, &query, as_of, self.tz).await?;
        if total > MAX_EXPORT_ROWS {
            return Err(HubError::BadInput(format!(
                "{total} people match; an export holds at most {MAX_EXPORT_ROWS}: narrow the filter / 符合条件的人数过多，请缩小范围"
            )));
        }
        let mut rows: Vec<ExportRow> = Vec::new();
        let mut start = Start::Offset(0);
        loop {
            let page = derived::people::page(
                self.db,
                &query,
                sort,
                (PAGE, &start),
                (as_of, self.tz),
                total,
            )
            .await?;
            let ids: Vec<i64> = page.people.iter().map(|(p, _)| p.id).collect();
            let orgs: Vec<i64> = page
                .people
                .iter()
                .filter_map(|(_, s)| s.managing_organization_id)
                .collect();
            let mut facts = page_facts(self.db, &ids, &orgs).await?;
            for record in self.records(page.people, view, as_of, None).await? {
                rows.push(export_row(&record, &mut facts, own_unit_name.as_deref()));
            }
            match page.cursors.last() {
                Some(last) if page.has_next => start = Start::After(last.clone()),
                _ => break,
            }
        }
        let overview = if figures {
            // The same figures as the dashboard's: through the city cache when there is one.
            Some(match self.cache {
                Some(cache) => cache.overview(self.db, as_of, self.tz).await?,
                None => derived::overview(self.db, as_of, self.tz).await?,
            })
        } else {
            None
        };
        let bytes = people_workbook(
            &rows,
            &Summary {
                as_of,
                timezone: self.tz,
                overview,
                conditions: filter.describe(),
                masked: view.masked(),
            },
        )?;
        Ok(ExportFile { bytes, as_of })
    }
}
