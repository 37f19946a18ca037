//! How much of a person a request may see ([`PersonView`], decided by the people reader
//! [`crate::service::people`]) applied to the nested facts GraphQL loads per person.

use async_graphql::{Context, Result};

use super::loaders::{ProvenanceLoader, loader};
use crate::error::{GqlResultExt, HubError};
pub use crate::service::people::PersonView;

/// Keeps the facts of `rows` that `view` may see: for a unit view, those whose source
/// row (`source_row(row)`) belongs to an upload of that unit (one batch through the
/// request's provenance loader, usually already primed for the page).
pub async fn keep<T>(
    view: PersonView,
    ctx: &Context<'_>,
    rows: Vec<T>,
    source_row: impl Fn(&T) -> i64,
) -> Result<Vec<T>> {
    if view.unit().is_none() {
        return Ok(rows);
    }
    let ids: Vec<i64> = rows.iter().map(&source_row).collect();
    let provenance = loader::<ProvenanceLoader>(ctx)?
        .load_many(ids)
        .await
        .map_err(|e| HubError::Internal(format!("loader: {e}")))
        .gql()?;
    Ok(rows
        .into_iter()
        .filter(|row| {
            provenance
                .get(&source_row(row))
                .is_some_and(|p| view.shows_fact_of(p.unit.id))
        })
        .collect())
}
