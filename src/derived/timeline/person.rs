//! One person's facts and how their derived state (present, managing organisation, visa
//! status) follows from them at a time T — the rules of [`crate::derived::sql`], applied in
//! memory to one person, and the moments at which the state can change.

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;

use crate::time::start_of_day;

/// A time as microseconds since the Unix epoch (UTC).
pub type Micros = i64;

/// "No managing organisation".
pub const NO_ORG: u32 = u32::MAX;

/// A visa status, as the `flags` of a [`State`] hold it (its code).
pub use crate::derived::VisaStatus as Visa;

/// A person's derived state during one span of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    /// Index of the managing organisation in the timeline's organisations, or [`NO_ORG`].
    pub org: u32,
    /// Bit 0: present; bits 1–2: the [`Visa`] status.
    pub flags: u8,
}

impl State {
    /// Away, without a managing organisation or a visa: the state of nobody the store holds
    /// (a person merged into another, or not yet known).
    pub const ABSENT: State = State {
        org: NO_ORG,
        flags: 0,
    };

    fn new(present: bool, org: u32, visa: Visa) -> Self {
        Self {
            org,
            flags: u8::from(present) | ((visa as u8) << 1),
        }
    }

    /// Present in the city.
    pub fn present(self) -> bool {
        self.flags & 1 == 1
    }

    /// The visa status.
    pub fn visa(self) -> Visa {
        Visa::ALL[usize::from((self.flags >> 1) & 3)]
    }
}

/// An arrival or a departure.
#[derive(Debug, Clone, Copy)]
pub struct Movement {
    /// When.
    pub at: Micros,
    /// The movement's id (the later id wins a tie).
    pub id: i64,
    /// A departure (else an arrival).
    pub departure: bool,
}

/// An affiliation or a stay: an organisation over a span that may be open at either end.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// Organisation index.
    pub org: u32,
    /// Start (inclusive); `None`: since ever.
    pub from: Option<Micros>,
    /// End (exclusive); `None`: still open.
    pub until: Option<Micros>,
    /// For affiliations, the rank of the list that gave it (lower wins, then the lower
    /// organisation id); for stays, the stay's id (the later check-in wins, then the higher id).
    pub order: i64,
}

impl Span {
    fn active(&self, t: Micros) -> bool {
        self.from.is_none_or(|from| from <= t) && self.until.is_none_or(|until| until > t)
    }
}

/// Everything about one person the derived state reads.
#[derive(Debug, Clone, Default)]
pub struct PersonFacts {
    /// Arrivals and departures.
    pub movements: Vec<Movement>,
    /// Affiliations; `order` is `(rank << 32) | organisation id`-like: lower wins.
    pub affiliations: Vec<Span>,
    /// Stays at hotels; `order` is the stay's id.
    pub stays: Vec<Span>,
    /// The organisation of the member unit that reported the person (police first).
    pub fallback_org: Option<u32>,
    /// The latest validity of any visa document.
    pub visa_until: Option<NaiveDate>,
}

impl PersonFacts {
    /// The state at `t`, `None` meaning before every moment the facts name.
    pub fn state_at(&self, t: Option<Micros>, day: Option<NaiveDate>) -> State {
        // Before the first movement: away if it is an arrival (they came later), in the city
        // if it is a departure; with no movement at all, present.
        let before_first = || {
            self.movements
                .iter()
                .min_by_key(|m| (m.at, m.id))
                .is_none_or(|m| m.departure)
        };
        let latest = t.and_then(|t| {
            self.movements
                .iter()
                .filter(|m| m.at <= t)
                .max_by_key(|m| (m.at, m.id))
        });
        let present = latest.map_or_else(before_first, |m| !m.departure);
        let active = |span: &&Span| t.map_or(span.from.is_none(), |t| span.active(t));
        let org = self
            .affiliations
            .iter()
            .filter(active)
            .min_by_key(|span| span.order)
            .or_else(|| {
                // The latest check-in wins (an unknown check-in is the oldest), then the later stay.
                self.stays
                    .iter()
                    .filter(active)
                    .max_by_key(|span| (span.from, span.order))
            })
            .map(|span| span.org)
            .or(self.fallback_org)
            .unwrap_or(NO_ORG);
        let visa = match (self.visa_until, day) {
            (None, _) => Visa::Unknown,
            (Some(_), None) => Visa::Valid,
            (Some(until), Some(day)) if until < day => Visa::Expired,
            (Some(until), Some(day)) if until <= day + Duration::days(30) => Visa::Expiring,
            (Some(_), Some(_)) => Visa::Valid,
        };
        State::new(present, org, visa)
    }

    /// Every moment at which the state may change, sorted, without repeats.
    pub fn breakpoints(&self, tz: Tz) -> Vec<Micros> {
        let mut at: Vec<Micros> = self.movements.iter().map(|m| m.at).collect();
        for span in self.affiliations.iter().chain(&self.stays) {
            at.extend(span.from);
            at.extend(span.until);
        }
        if let Some(until) = self.visa_until {
            // EXPIRING from the day 30 days before the last valid day, EXPIRED the day after it.
            for day in [until - Duration::days(30), until + Duration::days(1)] {
                at.push(start_of_day(day, tz).timestamp_micros());
            }
        }
        at.sort_unstable();
        at.dedup();
        at
    }

    /// The state before every breakpoint, then each change as `(moment, new state)`.
    pub fn changes(&self, tz: Tz) -> (State, Vec<(Micros, State)>) {
        let first = self.state_at(None, None);
        let mut last = first;
        let mut changes = Vec::new();
        for t in self.breakpoints(tz) {
            let day = chrono::DateTime::from_timestamp_micros(t)
                .map(|utc| utc.with_timezone(&tz).date_naive());
            let state = self.state_at(Some(t), day);
            if state != last {
                changes.push((t, state));
                last = state;
            }
        }
        (first, changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TZ: Tz = chrono_tz::Asia::Shanghai;

    fn span(org: u32, from: Option<Micros>, until: Option<Micros>, order: i64) -> Span {
        Span {
            org,
            from,
            until,
            order,
        }
    }

    #[test]
    fn the_later_movement_and_on_a_tie_the_later_id_decides_presence() {
        let facts = PersonFacts {
            movements: vec![
                Movement {
                    at: 10,
                    id: 2,
                    departure: true,
                },
                Movement {
                    at: 10,
                    id: 1,
                    departure: false,
                },
                Movement {
                    at: 20,
                    id: 3,
                    departure: false,
                },
            ],
            ..Default::default()
        };
        assert!(
            !facts.state_at(None, None).present(),
            "away before a first arrival"
        );
        assert!(!facts.state_at(Some(9), None).present());
        assert!(
            !facts.state_at(Some(10), None).present(),
            "id 2 wins the tie"
        );
        assert!(facts.state_at(Some(20), None).present());
        let (first, changes) = facts.changes(TZ);
        assert!(!first.present());
        assert_eq!(
            changes
                .iter()
                .map(|(at, s)| (*at, s.present()))
                .collect::<Vec<_>>(),
            vec![(20, true)]
        );
        // A first departure: in the city before it.
        let leaving = PersonFacts {
            movements: vec![Movement {
                at: 10,
                id: 1,
                departure: true,
            }],
            ..Default::default()
        };
        assert!(leaving.state_at(Some(9), None).present());
        assert!(!leaving.state_at(Some(10), None).present());
        assert!(PersonFacts::default().state_at(Some(9), None).present());
    }

    #[test]
    fn affiliations_come_before_stays_and_the_latest_check_in_wins() {
        let facts = PersonFacts {
            affiliations: vec![
                span(7, Some(100), Some(200), 5),
                span(8, Some(150), None, 3),
            ],
            stays: vec![
                span(1, None, None, 9),
                span(2, Some(50), None, 4),
                span(3, Some(40), None, 8),
            ],
            fallback_org: Some(0),
            ..Default::default()
        };
        assert_eq!(
            facts.state_at(None, None).org,
            1,
            "only the stay open since ever"
        );
        assert_eq!(
            facts.state_at(Some(60), None).org,
            2,
            "latest check-in, not highest id"
        );
        assert_eq!(facts.state_at(Some(120), None).org, 7);
        assert_eq!(facts.state_at(Some(160), None).org, 8, "lower rank wins");
        let none = PersonFacts {
            fallback_org: Some(4),
            ..Default::default()
        };
        assert_eq!(none.state_at(Some(0), None).org, 4);
        assert_eq!(PersonFacts::default().state_at(Some(0), None).org, NO_ORG);
    }

    #[test]
    fn a_visa_expires_on_local_days() {
        let until = NaiveDate::from_ymd_opt(2020, 3, 1).unwrap_or_default();
        let facts = PersonFacts {
            visa_until: Some(until),
            ..Default::default()
        };
        let (first, changes) = facts.changes(TZ);
        assert_eq!(first.visa(), Visa::Valid);
        let expected = [
            (start_of_day(until - Duration::days(30), TZ), Visa::Expiring),
            (start_of_day(until + Duration::days(1), TZ), Visa::Expired),
        ];
        assert_eq!(
            changes,
            expected
                .iter()
                .map(|(at, visa)| (at.timestamp_micros(), State::new(true, NO_ORG, *visa)))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            PersonFacts::default().state_at(None, None).visa(),
            Visa::Unknown
        );
    }
}
