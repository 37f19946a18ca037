//! The typed question of a people read: which people ([`PersonFilter`], with typed visa
//! statuses), in which order, which page, as of when; and how one person is looked up.

use chrono::{DateTime, Utc};

use crate::derived::{PersonFilter, PersonOrder};
use crate::error::HubError;

/// Most people one page may hold.
pub const MAX_PAGE: u64 = 100;

/// A page of a list: `first` people after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// How many people (at most [`MAX_PAGE`]).
    pub first: u64,
    /// How many to skip.
    pub offset: u64,
}

impl Page {
    /// The page of `first` people after `offset`; `BAD_INPUT` beyond [`MAX_PAGE`] or below 0.
    pub fn new(first: i64, offset: u64) -> Result<Self, HubError> {
        match u64::try_from(first) {
            Ok(first) if first <= MAX_PAGE => Ok(Self { first, offset }),
            _ => Err(HubError::BadInput(format!("first: give 0 to {MAX_PAGE}"))),
        }
    }
}

/// Which people, in which order, which page, as of when.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonQuery {
    /// Which people (the caller's conditions; the unit scope is added by the reader).
    pub filter: PersonFilter,
    /// In which order.
    pub order: PersonOrder,
    /// Which page.
    pub page: Page,
    /// The time the derived facts are computed at.
    pub as_of: DateTime<Utc>,
}

/// How one person is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonLookup {
    /// By id.
    Id(i64),
    /// By document number and nationality, as written (a search: normalised here).
    Document {
        /// The document number.
        number: String,
        /// The nationality: an ISO code or a name.
        nationality: String,
    },
}

impl PersonLookup {
    /// From the optional arguments of a request: an id, or a document number and a
    /// nationality; `BAD_INPUT` for anything else.
    pub fn from_args(
        id: Option<&str>,
        number: Option<String>,
        nationality: Option<String>,
    ) -> Result<Self, HubError> {
        match (id, number, nationality) {
            (Some(id), None, None) => id
                .trim()
                .parse()
                .map(Self::Id)
                .map_err(|_| HubError::BadInput("id: not a person id".to_owned())),
            (None, Some(number), Some(nationality)) => Ok(Self::Document {
                number,
                nationality,
            }),
            _ => Err(HubError::BadInput(
                "give either id, or documentNumber and nationality / 请提供编号，或证件号码和国籍"
                    .to_owned(),
            )),
        }
    }

    /// Whether the lookup is a search by document number (a separate permission).
    pub fn searches(&self) -> bool {
        matches!(self, Self::Document { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_at_most_a_hundred() {
        assert!(Page::new(100, 0).is_ok());
        assert!(matches!(Page::new(101, 0), Err(HubError::BadInput(_))));
        assert!(matches!(Page::new(-1, 0), Err(HubError::BadInput(_))));
    }

    #[test]
    fn lookups_take_an_id_or_a_number_and_a_nationality() {
        assert_eq!(
            PersonLookup::from_args(Some("7"), None, None).ok(),
            Some(PersonLookup::Id(7))
        );
        assert!(PersonLookup::from_args(Some("x"), None, None).is_err());
        assert!(PersonLookup::from_args(None, Some("M1".into()), None).is_err());
        let by_number = PersonLookup::from_args(None, Some("M1".into()), Some("KOR".into()));
        assert!(by_number.is_ok_and(|l| l.searches()));
    }
}
