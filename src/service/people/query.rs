//! The typed question of a people read: which people ([`PersonFilter`], with typed visa
//! statuses), in which order, which page, as of when; and how one person is looked up.

use chrono::{DateTime, Utc};

use crate::derived::{PersonFilter, PersonOrder, Start};
use crate::error::HubError;

/// Most people one page may hold for a role that reads people masked or for its own unit
/// (leaders, uploaders).
pub const MAX_PAGE: u64 = 100;

/// Most people one page may hold for a role that reads everyone in full (analysts, admins).
pub const MAX_ANALYST_PAGE: u64 = 500;

/// Which people a list, a count or an export covers by their presence at the time asked.
/// The default is the same everywhere: people present in the city. 在庆范围（默认仅在庆人员）。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Presence {
    /// Present people only (the default).
    #[default]
    Present,
    /// People away only.
    Absent,
    /// Everyone the hub knows, present or not (or as the filter's nested conditions say).
    Any,
}

impl Presence {
    /// The presence a caller named: `Some(true)` present, `Some(false)` away, `None` any.
    pub fn of(present: Option<bool>) -> Self {
        match present {
            Some(true) => Self::Present,
            Some(false) => Self::Absent,
            None => Self::Any,
        }
    }

    /// The presence asked for as a word of a query string or a flag: `true`/`present`,
    /// `false`/`absent`, `all`/`any`; `BAD_INPUT` for anything else.
    pub fn parse(text: &str) -> Result<Self, HubError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "present" => Ok(Self::Present),
            "false" | "absent" => Ok(Self::Absent),
            "all" | "any" => Ok(Self::Any),
            other => Err(HubError::BadInput(format!(
                "present: give true, false or all, not {other:?} / 是否在庆：请填 true、false 或 all"
            ))),
        }
    }

    /// `Some(true)`, `Some(false)` or `None` (everyone), as lists state it.
    pub fn as_option(self) -> Option<bool> {
        match self {
            Self::Present => Some(true),
            Self::Absent => Some(false),
            Self::Any => None,
        }
    }

    /// `filter` limited to this presence, for a list or an export (a list of the store
    /// covers everyone unless its filter names presence).
    pub fn list_filter(self, filter: PersonFilter) -> PersonFilter {
        match self {
            Self::Any => filter,
            Self::Present | Self::Absent => PersonFilter {
                and: [
                    filter.and.clone(),
                    vec![PersonFilter {
                        present: self.as_option(),
                        ..PersonFilter::default()
                    }],
                ]
                .concat(),
                ..filter
            },
        }
    }

    /// `filter` limited to this presence, for a count (a count of the store covers present
    /// people unless its filter names presence: the city's own figures are of present
    /// people, and answered from the timeline when nothing else is asked).
    pub fn count_filter(self, filter: PersonFilter) -> PersonFilter {
        match self {
            Self::Present if !filter.names_presence() => filter,
            Self::Any if filter.names_presence() => filter,
            Self::Any => PersonFilter {
                and: [
                    filter.and.clone(),
                    vec![PersonFilter {
                        or: vec![
                            PersonFilter {
                                present: Some(true),
                                ..PersonFilter::default()
                            },
                            PersonFilter {
                                present: Some(false),
                                ..PersonFilter::default()
                            },
                        ],
                        ..PersonFilter::default()
                    }],
                ]
                .concat(),
                ..filter
            },
            _ => self.list_filter(filter),
        }
    }
}

/// A page of a list: `first` people after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// How many people (at most [`MAX_PAGE`]).
    pub first: u64,
    /// How many to skip.
    pub offset: u64,
}

impl Page {
    /// The page of `first` people after `offset`; `BAD_INPUT` beyond
    /// [`MAX_ANALYST_PAGE`] or below 0 (the reader checks the role's own limit).
    pub fn new(first: i64, offset: u64) -> Result<Self, HubError> {
        match u64::try_from(first) {
            Ok(first) if first <= MAX_ANALYST_PAGE => Ok(Self { first, offset }),
            _ => Err(HubError::BadInput(format!(
                "first: give 0 to {MAX_ANALYST_PAGE} / 每页人数须为0至{MAX_ANALYST_PAGE}"
            ))),
        }
    }

    /// Refuses a page larger than `max` (`BAD_INPUT`).
    pub fn at_most(self, max: u64) -> Result<Self, HubError> {
        if self.first > max {
            return Err(HubError::BadInput(format!(
                "first: give 0 to {max} / 每页人数须为0至{max}"
            )));
        }
        Ok(self)
    }
}

/// Which people, in which order, which page, as of when.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonQuery {
    /// Which people (the caller's conditions; the unit scope is added by the reader).
    pub filter: PersonFilter,
    /// In which order.
    pub order: PersonOrder,
    /// Largest first.
    pub descending: bool,
    /// How many (its offset is not read: see `start`).
    pub page: Page,
    /// Where the page starts: an offset, or after a cursor of the same order.
    pub start: Start,
    /// The time the derived facts are computed at.
    pub as_of: DateTime<Utc>,
    /// Which people by presence (default: present people).
    pub presence: Presence,
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
    fn pages_hold_at_most_five_hundred() {
        assert!(Page::new(500, 0).is_ok());
        assert!(matches!(Page::new(501, 0), Err(HubError::BadInput(_))));
        assert!(matches!(Page::new(-1, 0), Err(HubError::BadInput(_))));
        assert!(Page::new(101, 0).is_ok_and(|p| p.at_most(MAX_PAGE).is_err()));
    }

    #[test]
    fn presence_defaults_to_present_and_reads_words() {
        assert_eq!(Presence::default(), Presence::Present);
        assert_eq!(Presence::parse(" ALL ").ok(), Some(Presence::Any));
        assert_eq!(Presence::parse("false").ok(), Some(Presence::Absent));
        assert!(Presence::parse("yes").is_err());
        let listed = Presence::Present.list_filter(PersonFilter::default());
        assert!(listed.names_presence());
        // A count of present people with no other condition stays the city's own count.
        assert_eq!(
            Presence::Present.count_filter(PersonFilter::default()),
            PersonFilter::default()
        );
        assert!(
            Presence::Any
                .count_filter(PersonFilter::default())
                .names_presence()
        );
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
