//! How much of a person a request may see ([`PersonView`], decided by the people reader
//! [`crate::service::people`]) and what the hub knew when ([`Facts::known_at`]), applied
//! to the nested facts GraphQL loads per person.

use async_graphql::{Context, Result};
use chrono::{DateTime, Utc};

use super::loaders::{ProvenanceLoader, UploadLoader, load_many, load_one};
pub use crate::service::people::PersonView;

/// Which of a person's facts a request shows: those the view may see, from the uploads
/// landed by `known_at` when the question is what the hub knew then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// What of the person the request may see.
    pub view: PersonView,
    /// Only facts of uploads landed by this time.
    pub known_at: Option<DateTime<Utc>>,
}

impl Facts {
    /// Whether the provenance of every fact decides whether it is shown.
    pub fn by_provenance(self) -> bool {
        self.view.unit().is_some() || self.known_at.is_some()
    }

    /// Keeps the facts of `rows` shown: for a unit view, those whose source row
    /// (`source_row(row)`) belongs to an upload of that unit; with `known_at`, those of
    /// uploads landed by then (one batch through the request's provenance loader, usually
    /// already primed for the page).
    pub async fn keep<T>(
        self,
        ctx: &Context<'_>,
        rows: Vec<T>,
        source_row: impl Fn(&T) -> i64,
    ) -> Result<Vec<T>> {
        if !self.by_provenance() {
            return Ok(rows);
        }
        let ids: Vec<i64> = rows.iter().map(&source_row).collect();
        let provenance = load_many::<ProvenanceLoader>(ctx, ids).await?;
        Ok(rows
            .into_iter()
            .filter(|row| {
                provenance.get(&source_row(row)).is_some_and(|p| {
                    self.view.shows_fact_of(p.unit.id)
                        && self.known_at.is_none_or(|k| p.upload.uploaded_at <= k)
                })
            })
            .collect())
    }

    /// Whether an end a later upload (`ended_by`) recorded is known: always, unless the
    /// question is what the hub knew at a time that upload had not landed by.
    pub async fn knows_end(self, ctx: &Context<'_>, ended_by: Option<i64>) -> Result<bool> {
        let (Some(known), Some(upload)) = (self.known_at, ended_by) else {
            return Ok(true);
        };
        let found = load_one::<UploadLoader>(ctx, upload).await?;
        Ok(found.is_some_and(|u| u.uploaded_at <= known))
    }
}
