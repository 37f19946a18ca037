//! The city's derived facts over time, held in memory for one store version.
//!
//! Each person's state (present, managing organisation, visa status) is constant between
//! the moments their facts name (movements, the ends of affiliations and stays, the days a
//! visa starts expiring and expires). The timeline keeps each person's state before all of
//! them and every change after, sorted by time, with the city-wide tallies at regular
//! checkpoints. The figures as of any T are then the nearest checkpoint before T plus the
//! changes up to T: a city-wide question costs microseconds to a few milliseconds at any T,
//! instead of reading every person's facts again.
//!
//! The timeline is built from the store (one consistent read, [`load::build`]) once per
//! store version, and answers exactly what the SQL of [`crate::derived::sql`] answers (the
//! test `timeline::the_timeline_answers_what_the_sql_answers` compares them at every moment
//! the facts name).

pub mod load;
pub mod person;

use crate::derived::cache::StoreVersion;
use crate::derived::overview::Overview;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use person::{Micros, NO_ORG, State, Visa};

/// Changes between checkpoints.
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
#[derive(Debug, Clone)]
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

impl Tally {
    fn empty(timeline: &Timeline) -> Self {
        Self {
            present: 0,
            nationality: vec![0; timeline.nationalities.len()],
            organization: vec![0; timeline.org_ids.len()],
            unit: vec![0; timeline.unit_ids.len()],
            visa: [0; 4],
        }
    }

    /// Adds (`sign` 1) or removes (`sign` -1) one person in `state`.
    fn add(&mut self, timeline: &Timeline, person: u32, state: State, sign: i64) {
        if !state.present() {
            return;
        }
        let person = person as usize;
        self.present += sign;
        if let Some(n) = timeline
            .person_nationality
            .get(person)
            .and_then(|&n| self.nationality.get_mut(n as usize))
        {
            *n += sign;
        }
        if state.org != NO_ORG
            && let Some(n) = self.organization.get_mut(state.org as usize)
        {
            *n += sign;
        }
        self.visa[state.visa() as usize] += sign;
        for &unit in timeline.units_of(person) {
            if let Some(n) = self.unit.get_mut(unit as usize) {
                *n += sign;
            }
        }
    }

    fn apply(&mut self, timeline: &Timeline, change: &Change) {
        self.add(timeline, change.person, change.from, -1);
        self.add(timeline, change.person, change.to, 1);
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

/// The derived facts of everyone over time, for one store version.
#[derive(Debug)]
pub struct Timeline {
    version: StoreVersion,
    tz: Tz,
    known: i64,
    nationalities: Vec<String>,
    person_nationality: Vec<u32>,
    unit_ids: Vec<i64>,
    unit_offsets: Vec<u32>,
    person_units: Vec<u32>,
    org_ids: Vec<i64>,
    changes: Vec<Change>,
    /// `checkpoints[i]`: the tally after the first `i * STRIDE` changes.
    checkpoints: Vec<Tally>,
    /// `present[i]`: people present after the first `i` changes (the trend reads only this).
    present: Vec<i64>,
    arrivals: Vec<Micros>,
    departures: Vec<Micros>,
}

impl Timeline {
    /// The store version the timeline was read at.
    pub fn version(&self) -> StoreVersion {
        self.version
    }

    /// The time zone the visa days were computed in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// How many changes the timeline holds (for logs and benchmarks).
    pub fn changes(&self) -> usize {
        self.changes.len()
    }

    fn units_of(&self, person: usize) -> &[u32] {
        let start = self.unit_offsets.get(person).copied().unwrap_or(0) as usize;
        let end = self.unit_offsets.get(person + 1).copied().unwrap_or(0) as usize;
        self.person_units.get(start..end).unwrap_or(&[])
    }

    /// People present after each prefix of the changes, from the count before them.
    fn present_from(&self, mut present: i64) -> Vec<i64> {
        let mut counts = Vec::with_capacity(self.changes.len() + 1);
        counts.push(present);
        for change in &self.changes {
            present += i64::from(change.to.present()) - i64::from(change.from.present());
            counts.push(present);
        }
        counts
    }

    fn checkpoints_from(&self, mut tally: Tally) -> Vec<Tally> {
        let mut checkpoints = Vec::with_capacity(self.changes.len() / STRIDE + 1);
        for chunk in self.changes.chunks(STRIDE) {
            checkpoints.push(tally.clone());
            for change in chunk {
                tally.apply(self, change);
            }
        }
        if self.changes.len().is_multiple_of(STRIDE) {
            checkpoints.push(tally);
        }
        checkpoints
    }

    /// The tally as of `at`.
    pub fn tally(&self, at: DateTime<Utc>) -> Tally {
        let t = at.timestamp_micros();
        let upto = self.changes.partition_point(|change| change.at <= t);
        let checkpoint = (upto / STRIDE).min(self.checkpoints.len().saturating_sub(1));
        let Some(start) = self.checkpoints.get(checkpoint) else {
            return Tally::empty(self);
        };
        let mut tally = start.clone();
        for change in self.changes.get(checkpoint * STRIDE..upto).unwrap_or(&[]) {
            tally.apply(self, change);
        }
        tally
    }

    /// People present at `at`.
    pub fn present_at(&self, at: DateTime<Utc>) -> i64 {
        let t = at.timestamp_micros();
        let upto = self.changes.partition_point(|change| change.at <= t);
        self.present.get(upto).copied().unwrap_or(0)
    }

    /// Movements of one direction within `[from, to]`.
    fn movements_between(times: &[Micros], from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let (from, to) = (from.timestamp_micros(), to.timestamp_micros());
        let start = times.partition_point(|&t| t < from);
        let end = times.partition_point(|&t| t <= to);
        i64::try_from(end.saturating_sub(start)).unwrap_or(i64::MAX)
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
        groups(&self.nationalities, &self.tally(at).nationality)
    }

    /// Present people per managing organisation id as of `at`.
    pub fn by_organization(&self, at: DateTime<Utc>) -> Vec<(i64, i64)> {
        groups(&self.org_ids, &self.tally(at).organization)
    }

    /// Present people without a managing organisation as of `at`.
    pub fn unmanaged(&self, at: DateTime<Utc>) -> i64 {
        let tally = self.tally(at);
        tally.present - tally.organization.iter().sum::<i64>()
    }

    /// Present people per reporting member unit id as of `at`.
    pub fn by_unit(&self, at: DateTime<Utc>) -> Vec<(i64, i64)> {
        groups(&self.unit_ids, &self.tally(at).unit)
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
}
