//! How much of a person a request may see, decided once per person by the resolver that
//! finds them ([`PersonView::of`]) and applied by every field of the `Person` type.

use async_graphql::{Context, Result};

use super::loaders::{ProvenanceLoader, loader};
use crate::auth::{Access, Grant};
use crate::error::{GqlResultExt, HubError};

/// What of a person a request may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonView {
    /// Everything.
    Full,
    /// Everything but personal data: document numbers masked (`M12****78`), no date of
    /// birth, address or phone.
    Masked,
    /// The facts that the uploads of this member unit (id) gave, and the derived status.
    Unit(i64),
}

impl PersonView {
    /// The view a grant of `ReadPeople` allows.
    pub fn of(grant: &Grant) -> Self {
        match (grant.access(), grant.restricted_to()) {
            (Access::Masked, _) => Self::Masked,
            (Access::OwnUnit, Some(unit)) => Self::Unit(unit.id),
            _ => Self::Full,
        }
    }

    /// Whether personal data is masked.
    pub fn masked(self) -> bool {
        self == Self::Masked
    }

    /// The member unit whose facts alone are shown, when the view is restricted.
    pub fn unit(self) -> Option<i64> {
        match self {
            Self::Unit(id) => Some(id),
            _ => None,
        }
    }

    /// Keeps the facts of `rows` this view may see: for a unit view, those whose source
    /// row (`source_row(row)`) belongs to an upload of that unit (one batch through the
    /// request's provenance loader, usually already primed for the page).
    pub async fn keep<T>(
        self,
        ctx: &Context<'_>,
        rows: Vec<T>,
        source_row: impl Fn(&T) -> i64,
    ) -> Result<Vec<T>> {
        let Some(unit) = self.unit() else {
            return Ok(rows);
        };
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
                    .is_some_and(|p| p.unit.id == unit)
            })
            .collect())
    }
}
