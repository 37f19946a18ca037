//! Near matches of a searched document number: people whose number is one edit away,
//! offered to the analyst to look at, never merged or taken for the person searched.

use chrono::{DateTime, Utc};

use super::People;
use super::audit::Read;
use super::read::PersonRecord;
use super::view::PersonView;
use crate::auth::{Operation, Principal};
use crate::derived;
use crate::error::HubError;

/// Most suggestions one search offers.
pub const MAX_SUGGESTIONS: usize = 20;

impl People<'_> {
    /// People whose document number is one edit from `text` (blanks, dashes and O/0, I/1
    /// confusions aside), for a principal who may search people: an uploader only its own
    /// people, through its own values. The read is audited like a page of people.
    pub async fn suggestions(
        &self,
        principal: &Principal,
        text: &str,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<PersonRecord>, HubError> {
        let grant = principal.authorize(Operation::ReadPeople)?;
        principal.authorize(Operation::SearchPeople)?;
        let view = PersonView::of(&grant);
        let own_unit = grant.restricted_to().map(|unit| unit.id);
        let near = derived::search::near_numbers(self.db, text, own_unit, MAX_SUGGESTIONS).await?;
        let ids: Vec<i64> = near.iter().map(|(id, _)| *id).collect();
        let records = self.records_of(&ids, view, as_of).await?;
        let shown: Vec<i64> = records.iter().map(|r| r.model.id).collect();
        let read = Read::Page {
            ids: &shown,
            total: i64::try_from(shown.len()).unwrap_or(i64::MAX),
        };
        self.audit(principal, read, view.masked()).await?;
        Ok(records)
    }
}
