//! List totals the city timeline answers: the present people of some nationalities or some
//! visa statuses, or all of them. Every person has one nationality and one visa status, so
//! the timeline's groups add up to the count the SQL would give; the timeline tests
//! (`compare_totals_at` in `tests/api/timeline.rs`, after every step of their uploads and
//! merges) check that both agree. Any other filter is counted in SQL.

use super::VisaStatus;
use super::people::PersonFilter;
use super::timeline::Timeline;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Which present people a list total counts, when the timeline can count them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineTotal {
    /// Every present person.
    Present,
    /// The present people of these nationalities (ISO codes).
    Nationalities(BTreeSet<String>),
    /// The present people whose visa is in one of these states.
    VisaStatuses(BTreeSet<VisaStatus>),
}

impl TimelineTotal {
    /// What `filter` counts, when it asks only for present people (at its top or in its
    /// `and` parts), optionally of one list of nationalities or of visa statuses; `None` for
    /// anything else (another condition, an `or`, a unit's own view, a past state of the
    /// store, an empty list, two lists of one kind).
    pub fn of(filter: &PersonFilter) -> Option<Self> {
        if filter.own_unit.is_some() || filter.known_at.is_some() {
            return None;
        }
        let mut present = None;
        let mut nationalities: Option<&Vec<String>> = None;
        let mut visas: Option<&Vec<VisaStatus>> = None;
        let mut parts = vec![filter];
        while let Some(part) = parts.pop() {
            // Every field named, so that a new one must be considered here.
            let PersonFilter {
                nationality,
                present: is_present,
                managing_organization,
                reported_by,
                visa_status,
                arrived_between,
                departed_between,
                search,
                and,
                or,
                conditions,
                own_unit: _,
                known_at: _,
            } = part;
            if managing_organization.is_some()
                || reported_by.is_some()
                || arrived_between.is_some()
                || departed_between.is_some()
                || search.is_some()
                || !or.is_empty()
                || !conditions.is_empty()
            {
                return None;
            }
            if let Some(is_present) = is_present
                && present
                    .replace(*is_present)
                    .is_some_and(|was| was != *is_present)
            {
                return None;
            }
            if let Some(list) = nationality
                && (list.is_empty() || nationalities.replace(list).is_some())
            {
                return None;
            }
            if let Some(list) = visa_status
                && (list.is_empty() || visas.replace(list).is_some())
            {
                return None;
            }
            parts.extend(and.iter());
        }
        if present != Some(true) {
            return None;
        }
        match (nationalities, visas) {
            (None, None) => Some(Self::Present),
            (Some(list), None) => Some(Self::Nationalities(list.iter().cloned().collect())),
            (None, Some(list)) => Some(Self::VisaStatuses(list.iter().copied().collect())),
            (Some(_), Some(_)) => None,
        }
    }

    /// The count as of `at`.
    pub fn count(&self, timeline: &Timeline, at: DateTime<Utc>) -> i64 {
        match self {
            Self::Present => timeline.present_at(at),
            Self::Nationalities(codes) => timeline
                .by_nationality(at)
                .into_iter()
                .filter(|(code, _)| codes.contains(code))
                .map(|(_, n)| n)
                .sum(),
            Self::VisaStatuses(statuses) => {
                let names: BTreeSet<&str> = statuses.iter().map(|s| s.as_str()).collect();
                timeline
                    .by_visa(at)
                    .into_iter()
                    .filter(|(name, _)| names.contains(name))
                    .map(|(_, n)| n)
                    .sum()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present() -> PersonFilter {
        PersonFilter {
            present: Some(true),
            ..PersonFilter::default()
        }
    }

    #[test]
    fn present_people_of_one_kind_of_group_are_counted_by_the_timeline() {
        assert_eq!(TimelineTotal::of(&present()), Some(TimelineTotal::Present));
        // A list's presence is an `and` part beside the asked filter.
        let korean = PersonFilter {
            nationality: Some(vec!["KOR".into(), "JPN".into()]),
            and: vec![present()],
            ..PersonFilter::default()
        };
        assert_eq!(
            TimelineTotal::of(&korean),
            Some(TimelineTotal::Nationalities(
                ["JPN".to_owned(), "KOR".to_owned()].into()
            ))
        );
        let expired = PersonFilter {
            visa_status: Some(vec![VisaStatus::Expired]),
            ..present()
        };
        assert_eq!(
            TimelineTotal::of(&expired),
            Some(TimelineTotal::VisaStatuses([VisaStatus::Expired].into()))
        );
    }

    #[test]
    fn anything_else_is_left_to_the_sql() {
        let everyone = PersonFilter::default();
        let absent = PersonFilter {
            present: Some(false),
            ..PersonFilter::default()
        };
        let contradicting = PersonFilter {
            and: vec![absent.clone()],
            ..present()
        };
        let searched = PersonFilter {
            search: Some("kim".into()),
            ..present()
        };
        let both = PersonFilter {
            nationality: Some(vec!["KOR".into()]),
            visa_status: Some(vec![VisaStatus::Valid]),
            ..present()
        };
        let empty = PersonFilter {
            nationality: Some(Vec::new()),
            ..present()
        };
        let either = PersonFilter {
            or: vec![present()],
            ..present()
        };
        let own = PersonFilter {
            own_unit: Some(1),
            ..present()
        };
        for filter in [
            everyone,
            absent,
            contradicting,
            searched,
            both,
            empty,
            either,
            own,
        ] {
            assert_eq!(TimelineTotal::of(&filter), None, "{filter:?}");
        }
    }
}
