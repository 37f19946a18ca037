//! The change feed for a principal: who arrived, left, was first seen, or whose visa status
//! or managing unit changed between two times, with the policy, unit scope, view and audit
//! of the lists.

use chrono::{DateTime, Utc};

use super::People;
use super::audit::Read;
use super::read::PersonRecord;
use super::view::PersonView;
use crate::auth::{Operation, Principal};
use crate::derived;
use crate::derived::changes::{Change, ChangeKind};
use crate::error::HubError;

/// Most changes one answer holds.
pub const MAX_CHANGES: usize = 5_000;

/// One change with the person as the caller may see them (as of `to`).
#[derive(Debug, Clone)]
pub struct ChangeRecord {
    /// The change.
    pub change: Change,
    /// The person.
    pub person: PersonRecord,
}

/// The changes of a period.
#[derive(Debug, Clone)]
pub struct ChangeFeed {
    /// The changes (at most the number asked).
    pub changes: Vec<ChangeRecord>,
    /// How many changes the period holds.
    pub total: usize,
}

impl People<'_> {
    /// The changes after `from` up to `to` of the kinds asked (all when `kinds` is empty),
    /// at most `first` (up to [`MAX_CHANGES`]). An uploader sees its own people and the
    /// movements and first sightings of its own uploads, and of derived changes no other
    /// unit's source; a leader's view is masked. The read is audited.
    pub async fn changes(
        &self,
        principal: &Principal,
        (from, to): (DateTime<Utc>, DateTime<Utc>),
        kinds: &[ChangeKind],
        first: usize,
    ) -> Result<ChangeFeed, HubError> {
        let grant = principal.authorize(Operation::ReadPeople)?;
        if to < from {
            return Err(HubError::BadInput(
                "to: give a time after from / 结束时间须晚于开始时间".to_owned(),
            ));
        }
        if first > MAX_CHANGES {
            return Err(HubError::BadInput(format!(
                "first: give 0 to {MAX_CHANGES} / 条数须为0至{MAX_CHANGES}"
            )));
        }
        let view = PersonView::of(&grant);
        let own_unit = grant.restricted_to().map(|unit| unit.id);
        let mut all = derived::changes::changes(self.db, (from, to), own_unit, self.tz).await?;
        all.retain(|c| kinds.is_empty() || kinds.contains(&c.kind));
        let total = all.len();
        all.truncate(first);
        if own_unit.is_some() {
            for change in &mut all {
                if matches!(
                    change.kind,
                    ChangeKind::VisaStatus | ChangeKind::ManagingUnit
                ) {
                    change.source_row_id = None;
                }
            }
        }
        let mut ids: Vec<i64> = all.iter().map(|c| c.person_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let records = self.records_of(&ids, view, to).await?;
        let read = Read::Page {
            ids: &ids,
            total: i64::try_from(total).unwrap_or(i64::MAX),
        };
        self.audit(principal, read, view.masked()).await?;
        let by_id: std::collections::HashMap<i64, PersonRecord> =
            records.into_iter().map(|r| (r.model.id, r)).collect();
        let changes = all
            .into_iter()
            .filter_map(|change| {
                let person = by_id.get(&change.person_id)?.clone();
                Some(ChangeRecord { change, person })
            })
            .collect();
        Ok(ChangeFeed { changes, total })
    }
}
