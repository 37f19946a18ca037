//! The city's derived facts over time, held in memory and kept current as the store changes.
//!
//! Each person's state (present, managing organisation, visa status) is constant between
//! the moments their facts name (movements, the ends of affiliations and stays, the days a
//! visa starts expiring and expires). The timeline keeps each person's state before all of
//! them and every change after, sorted by time in segments of about [`STRIDE`] changes, each
//! segment with the city-wide tally as of its start. The figures as of any T are then the
//! tally of the segment holding T plus that segment's changes up to T: a city-wide question
//! costs microseconds to a few milliseconds at any T, instead of reading every person's
//! facts again.
//!
//! The timeline is built from the store (one consistent read, [`load::build`]) and then
//! updated for the people each write touched ([`load::update`], from the store's change
//! log [`crate::derived::store_changes`]): their old changes leave their segments and the new
//! ones enter, and every segment's tally trades their old state for the new one. It answers
//! exactly what the SQL of [`crate::derived::sql`] answers (the tests in
//! `tests/api/timeline.rs` compare them at every moment the facts name, also after each
//! step of a sequence of uploads and merges).

pub mod load;
mod moments;
pub mod person;
pub mod pool;
mod update;

use crate::derived::cache::StoreVersion;
use crate::derived::overview::Overview;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use moments::Moments;
use person::{Micros, NO_ORG, State, Visa};
use pool::Pool;

/// Changes per segment when built; a segment grown past twice this is split.
const STRIDE: usize = 8_192;

/// One person's state changing at a moment.
#[derive(Debug, Clone, Copy)]
pub struct Change {
    /// From this moment (inclusive).
    pub at: Micros,
    /// The person's index.
    pub person: u32,
    /// The state until then.
    pub from: State,
    /// The state from then.
    pub to: State,
}

/// The people present at one moment, counted by every dimension the dashboards group by.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Present people.
    pub present: i64,
    /// Present people per nationality index.
    pub nationality: Vec<i64>,
    /// Present people per organisation index (managing organisation).
    pub organization: Vec<i64>,
    /// Present people per member-unit index (a person reported by two units counts for both).
    pub unit: Vec<i64>,
    /// Present people per visa status.
    pub visa: [i64; 4],
}

/// Adds `sign` to `counts[i]`, growing `counts` when `i` is new.
fn bump(counts: &mut Vec<i64>, i: usize, sign: i64) {
    if i >= counts.len() {
        counts.resize(i + 1, 0);
    }
    if let Some(n) = counts.get_mut(i) {
        *n += sign;
    }
}

impl Tally {
    /// Adds (`sign` 1) or removes (`sign` -1) one person of `nationality` reported by
    /// `units`, in `state`.
    fn add(&mut self, nationality: u32, units: &[u32], state: State, sign: i64) {
        if !state.present() {
            return;
        }
        self.present += sign;
        bump(&mut self.nationality, nationality as usize, sign);
        if state.org != NO_ORG {
            bump(&mut self.organization, state.org as usize, sign);
        }
        self.visa[state.visa() as usize] += sign;
        for &unit in units {
            bump(&mut self.unit, unit as usize, sign);
        }
    }

    fn apply(&mut self, people: &People, change: &Change) {
        let person = change.person as usize;
        let (nationality, units) = (people.nationality_of(person), people.units.get(person));
        self.add(nationality, units, change.from, -1);
        self.add(nationality, units, change.to, 1);
    }
}

/// The groups with anybody in them: each key with its count.
fn groups<K: Clone>(keys: &[K], counts: &[i64]) -> Vec<(K, i64)> {
    keys.iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(key, n)| (key.clone(), *n))
        .collect()
}

/// One person as read from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    /// The person's id.
    pub id: i64,
    /// Nationality index.
    pub nationality: u32,
    /// Indexes of the member units that reported the person.
    pub units: Vec<u32>,
    /// The state before every moment the facts name.
    pub initial: State,
    /// Each change: from when, and the state from then.
    pub changes: Vec<(Micros, State)>,
    /// Each movement: when, and whether it is a departure.
    pub movements: Vec<(Micros, bool)>,
}

/// Everyone the timeline knows, by index (people in ascending id order; a person merged
/// into another stays as an index that is never present).
#[derive(Debug, Clone, Default)]
struct People {
    ids: Vec<i64>,
    nationality: Vec<u32>,
    units: Pool<u32>,
    initial: Vec<State>,
    changes: Pool<(Micros, State)>,
    movements: Pool<(Micros, bool)>,
    gone: Vec<bool>,
}

impl People {
    fn nationality_of(&self, person: usize) -> u32 {
        self.nationality.get(person).copied().unwrap_or(0)
    }

    fn initial_of(&self, person: usize) -> State {
        self.initial.get(person).copied().unwrap_or(State::ABSENT)
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    /// Adds a person; returns their index.
    fn push(&mut self, record: &PersonRecord) -> u32 {
        let index = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.push(record.id);
        self.nationality.push(record.nationality);
        self.units.push(&record.units);
        self.initial.push(record.initial);
        self.changes.push(&record.changes);
        self.movements.push(&record.movements);
        self.gone.push(false);
        index
    }

    /// Replaces what is known of person `i`.
    fn set(&mut self, i: usize, record: &PersonRecord) {
        if let Some(n) = self.nationality.get_mut(i) {
            *n = record.nationality;
        }
        if let Some(s) = self.initial.get_mut(i) {
            *s = record.initial;
        }
        self.units.set(i, &record.units);
        self.changes.set(i, &record.changes);
        self.movements.set(i, &record.movements);
    }

    /// Person `i` as a record.
    fn record(&self, i: usize) -> PersonRecord {
        PersonRecord {
            id: self.ids.get(i).copied().unwrap_or(0),
            nationality: self.nationality_of(i),
            units: self.units.get(i).to_vec(),
            initial: self.initial_of(i),
            changes: self.changes.get(i).to_vec(),
            movements: self.movements.get(i).to_vec(),
        }
    }
}

/// Changes from one moment on, with the tally before it.
#[derive(Debug, Clone)]
struct Segment {
    /// The segment's first moment (the first segment's is the earliest representable).
    start: Micros,
    /// Everyone's state before `start`, tallied.
    tally: Tally,
    /// The changes from `start` until the next segment's start, sorted by time.
    changes: Vec<Change>,
    /// `present[i]`: people present after the first `i` changes, less those present at
    /// `start` (the trend reads only this; a change of the tally alone leaves it as it is).
    present: Vec<i32>,
}

impl Segment {
    fn new(start: Micros, tally: Tally, changes: Vec<Change>) -> Self {
        let mut segment = Self {
            start,
            tally,
            changes,
            present: Vec::new(),
        };
        segment.count_present();
        segment
    }

    fn count_present(&mut self) {
        let mut present = 0i32;
        self.present.clear();
        self.present.reserve(self.changes.len() + 1);
        self.present.push(present);
        for change in &self.changes {
            present += i32::from(change.to.present()) - i32::from(change.from.present());
            self.present.push(present);
        }
    }
}

/// Cuts time-sorted changes into segments of about [`STRIDE`] (never between two changes at
/// the same moment); `tally` is everyone's state before all of them.
fn segments_of(people: &People, changes: Vec<Change>, mut tally: Tally) -> Vec<Segment> {
    let mut segments = Vec::with_capacity(changes.len() / STRIDE + 1);
    let mut start = Micros::MIN;
    let mut current: Vec<Change> = Vec::with_capacity(STRIDE);
    for change in changes {
        if current.len() >= STRIDE && current.last().is_some_and(|last| last.at != change.at) {
            let next = current.iter().fold(tally.clone(), |mut next, c| {
                next.apply(people, c);
                next
            });
            let full = std::mem::replace(&mut current, Vec::with_capacity(STRIDE));
            segments.push(Segment::new(
                start,
                std::mem::replace(&mut tally, next),
                full,
            ));
            start = change.at;
        }
        current.push(change);
    }
    segments.push(Segment::new(start, tally, current));
    segments
}

/// What a timeline is built from: people added one by one, then [`Builder::finish`].
#[derive(Debug, Default)]
pub struct Builder {
    people: People,
    changes: Vec<Change>,
    tally: Tally,
    arrivals: Vec<Micros>,
    departures: Vec<Micros>,
}

impl Builder {
    /// Adds the next person (ids ascending).
    pub fn push(&mut self, record: &PersonRecord) {
        let person = self.people.push(record);
        self.tally
            .add(record.nationality, &record.units, record.initial, 1);
        let mut from = record.initial;
        for &(at, to) in &record.changes {
            self.changes.push(Change {
                at,
                person,
                from,
                to,
            });
            from = to;
        }
        for &(at, departure) in &record.movements {
            if departure {
                self.departures.push(at);
            } else {
                self.arrivals.push(at);
            }
        }
    }

    /// The timeline of everyone pushed.
    pub fn finish(
        mut self,
        version: StoreVersion,
        seen: i64,
        tz: Tz,
        names: load::Names,
    ) -> Timeline {
        self.changes.sort_by_key(|change| change.at);
        let known = i64::try_from(self.people.len()).unwrap_or(i64::MAX);
        let segments = segments_of(&self.people, self.changes, self.tally);
        Timeline {
            version,
            seen,
            updates: 0,
            last_touched: 0,
            tz,
            known,
            names,
            people: self.people,
            segments,
            arrivals: Moments::new(self.arrivals),
            departures: Moments::new(self.departures),
        }
    }
}

/// The derived facts of everyone over time.
#[derive(Debug, Clone)]
pub struct Timeline {
    version: StoreVersion,
    /// The last entry of the store's change log the timeline holds.
    seen: i64,
    updates: u64,
    last_touched: usize,
    tz: Tz,
    known: i64,
    names: load::Names,
    people: People,
    segments: Vec<Segment>,
    arrivals: Moments,
    departures: Moments,
}

impl Timeline {
    /// The store version the timeline holds.
    pub fn version(&self) -> StoreVersion {
        self.version
    }

    /// The last entry of the store's change log the timeline holds.
    pub fn seen(&self) -> i64 {
        self.seen
    }

    /// The time zone the visa days were computed in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// How many changes the timeline holds (for logs and benchmarks).
    pub fn changes(&self) -> usize {
        self.segments.iter().map(|s| s.changes.len()).sum()
    }

    /// How many times the timeline was updated since it was built.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// How many people the last update read again.
    pub fn last_touched(&self) -> usize {
        self.last_touched
    }

    /// How many people the store holds.
    pub fn known(&self) -> i64 {
        self.known
    }

    /// The names (organisations, member units, nationalities) interned so far, to read more
    /// people with.
    pub(crate) fn names_mut(&mut self) -> &mut load::Names {
        &mut self.names
    }

    /// The index of the segment holding moment `t`.
    fn segment_index(&self, t: Micros) -> usize {
        self.segments
            .partition_point(|segment| segment.start <= t)
            .saturating_sub(1)
    }

    /// The tally as of `at`.
    pub fn tally(&self, at: DateTime<Utc>) -> Tally {
        let t = at.timestamp_micros();
        let Some(segment) = self.segments.get(self.segment_index(t)) else {
            return Tally::default();
        };
        let mut tally = segment.tally.clone();
        for change in segment.changes.iter().take_while(|c| c.at <= t) {
            tally.apply(&self.people, change);
        }
        tally
    }

    /// People present at `at`.
    pub fn present_at(&self, at: DateTime<Utc>) -> i64 {
        let t = at.timestamp_micros();
        let Some(segment) = self.segments.get(self.segment_index(t)) else {
            return 0;
        };
        let upto = segment.changes.partition_point(|change| change.at <= t);
        segment.tally.present + i64::from(segment.present.get(upto).copied().unwrap_or(0))
    }

    /// Movements of one direction within `[from, to]`.
    fn movements_between(times: &Moments, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        times.between(from.timestamp_micros(), to.timestamp_micros())
    }

    /// The headline figures as of `at` ([`crate::derived::overview()`] answers the same).
    pub fn overview(&self, at: DateTime<Utc>) -> Overview {
        let tally = self.tally(at);
        let day_start = crate::time::start_of_day(at.with_timezone(&self.tz).date_naive(), self.tz);
        let non_zero = |counts: &[i64]| {
            i64::try_from(counts.iter().filter(|&&n| n > 0).count()).unwrap_or(i64::MAX)
        };
        Overview {
            known_people: self.known,
            present_people: tally.present,
            countries: non_zero(&tally.nationality),
            managing_units: non_zero(&tally.organization),
            arrivals: Self::movements_between(&self.arrivals, day_start, at),
            departures: Self::movements_between(&self.departures, day_start, at),
            expiring_visas: tally.visa[Visa::Expiring as usize],
            expired_visas: tally.visa[Visa::Expired as usize],
        }
    }

    /// Present people per nationality (ISO code) as of `at`, groups with nobody left out.
    pub fn by_nationality(&self, at: DateTime<Utc>) -> Vec<(String, i64)> {
        groups(self.names.nationalities(), &self.tally(at).nationality)
    }

    /// Present people per managing organisation id as of `at`.
    pub fn by_organization(&self, at: DateTime<Utc>) -> Vec<(i64, i64)> {
        groups(self.names.organizations(), &self.tally(at).organization)
    }

    /// Present people without a managing organisation as of `at`.
    pub fn unmanaged(&self, at: DateTime<Utc>) -> i64 {
        let tally = self.tally(at);
        tally.present - tally.organization.iter().sum::<i64>()
    }

    /// Present people per reporting member unit id as of `at`.
    pub fn by_unit(&self, at: DateTime<Utc>) -> Vec<(i64, i64)> {
        groups(self.names.units(), &self.tally(at).unit)
    }

    /// Present people per visa status as of `at`.
    pub fn by_visa(&self, at: DateTime<Utc>) -> Vec<(&'static str, i64)> {
        let tally = self.tally(at);
        Visa::ALL
            .iter()
            .zip(tally.visa)
            .filter(|(_, n)| *n > 0)
            .map(|(visa, n)| (visa.as_str(), n))
            .collect()
    }

    /// Records that the timeline now holds the store at `version`, change log entry `seen`.
    pub(crate) fn stamp(&mut self, version: StoreVersion, seen: i64) {
        self.version = version;
        self.seen = seen;
    }
}

#[cfg(test)]
mod tests {
    use super::person::{Micros, NO_ORG, State};
    use super::{Builder, PersonRecord, Timeline, load::Names};
    use chrono::DateTime;

    /// A person with `n` pseudo-random changes and movements (the same for the same seed).
    fn person(id: i64, seed: u64, n: usize) -> PersonRecord {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut next = move |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % m
        };
        let state = |next: &mut dyn FnMut(u64) -> u64| State {
            org: if next(4) == 0 {
                NO_ORG
            } else {
                u32::try_from(next(6)).unwrap_or(0)
            },
            flags: u8::try_from(next(8)).unwrap_or(0),
        };
        let initial = state(&mut next);
        let mut at: Micros = 1_000_000 * i64::try_from(next(50)).unwrap_or(0);
        let mut changes = Vec::new();
        let mut movements = Vec::new();
        for _ in 0..n {
            // Coarse times, so that many changes share a moment.
            at += 1_000_000 * i64::try_from(1 + next(40)).unwrap_or(1);
            changes.push((at, state(&mut next)));
            movements.push((at, next(2) == 0));
        }
        PersonRecord {
            id,
            nationality: u32::try_from(next(5)).unwrap_or(0),
            units: vec![u32::try_from(next(3)).unwrap_or(0)],
            initial,
            changes,
            movements,
        }
    }

    fn build(people: &[PersonRecord]) -> Timeline {
        let mut builder = Builder::default();
        for record in people {
            builder.push(record);
        }
        builder.finish((0, 0, 0), 0, chrono_tz::Asia::Shanghai, Names::default())
    }

    fn trimmed(mut counts: Vec<i64>) -> Vec<i64> {
        while counts.last() == Some(&0) {
            counts.pop();
        }
        counts
    }

    /// Both timelines give the same tallies, presence and movements at every moment probed.
    fn assert_same(updated: &Timeline, built: &Timeline) {
        for second in (0..40_000i64).step_by(173).chain([i64::MAX / 2_000_000]) {
            let at = DateTime::from_timestamp_micros(second * 1_000_000).unwrap_or_default();
            let (u, b) = (updated.tally(at), built.tally(at));
            assert_eq!(u.present, b.present, "present at {second}");
            assert_eq!(u.visa, b.visa, "visas at {second}");
            assert_eq!(trimmed(u.nationality), trimmed(b.nationality));
            assert_eq!(trimmed(u.organization), trimmed(b.organization));
            assert_eq!(trimmed(u.unit), trimmed(b.unit));
            assert_eq!(updated.present_at(at), b.present, "trend at {second}");
            let day = at - chrono::Duration::days(1);
            assert_eq!(
                Timeline::movements_between(&updated.arrivals, day, at),
                Timeline::movements_between(&built.arrivals, day, at)
            );
            assert_eq!(
                Timeline::movements_between(&updated.departures, day, at),
                Timeline::movements_between(&built.departures, day, at)
            );
        }
    }

    #[test]
    fn updates_agree_with_a_timeline_built_from_scratch() {
        let mut people: Vec<PersonRecord> =
            (0..3_000).map(|id| person(id, 7 * id as u64, 8)).collect();
        let mut timeline = build(&people);
        assert!(timeline.segments.len() >= 2, "{}", timeline.segments.len());
        for round in 0..4u64 {
            let mut touched = Vec::new();
            // Some people gain many changes (segments grow and split), some are merged away,
            // some are new.
            for id in (round as i64..3_000).step_by(11) {
                let record = person(id, 1_000 * round + id as u64, 30);
                people[id as usize] = record.clone();
                touched.push((id, Some(record)));
            }
            for id in (round as i64 * 5..3_000).step_by(97) {
                touched.retain(|(t, _)| *t != id);
                let gone = &mut people[id as usize];
                gone.initial = State::ABSENT;
                gone.changes.clear();
                gone.movements.clear();
                gone.units.clear();
                touched.push((id, None));
            }
            let first_new = people.len() as i64;
            for id in first_new..first_new + 50 {
                let record = person(id, id as u64 * 13 + round, 12);
                people.push(record.clone());
                touched.push((id, Some(record)));
            }
            assert!(timeline.update(touched), "round {round}");
            assert_same(&timeline, &build(&people));
        }
        assert!(timeline.segments.len() > 3, "long segments were split");
        assert!(
            timeline
                .segments
                .windows(2)
                .all(|w| w[0].start < w[1].start),
            "segments in time order"
        );
        // A person new to the timeline with an id below people it knows: build instead.
        assert!(!timeline.update(vec![(-1, Some(person(-1, 1, 1)))]));
    }

    #[test]
    fn a_person_merged_away_and_restored_is_known_again() {
        let people: Vec<PersonRecord> = (0..3).map(|id| person(id, 7 * id as u64, 4)).collect();
        let mut timeline = build(&people);
        assert_eq!(timeline.known(), 3);
        assert!(timeline.update(vec![(1, None)]));
        assert_eq!(timeline.known(), 2, "merged away");
        assert!(timeline.update(vec![(1, Some(people[1].clone()))]));
        assert_eq!(timeline.known(), 3, "restored by an undone merge");
        assert_same(&timeline, &build(&people));
    }
}
