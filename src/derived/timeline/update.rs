//! Updating a [`Timeline`] for the people a write touched: for each, what their facts give
//! now is compared with what the timeline holds, and only the difference is applied. Their
//! changes that are gone leave their segments and the new ones enter (a landing that adds a
//! movement today edits the one or two segments around today, not every segment the
//! person's older changes are in); the tallies of the segments after the first difference
//! trade the old state for the new one; the movements are edited in [`super::Moments`]. The
//! cost follows the people touched and the segments their differences fall in, not the
//! size of the city.

use super::person::{Micros, State};
use super::{Change, PersonRecord, STRIDE, Segment, Timeline};
use std::collections::BTreeMap;

/// A person's changes as the timeline holds them (each with the state before it).
fn changes_of(record: &PersonRecord, person: u32) -> Vec<Change> {
    let mut from = record.initial;
    record
        .changes
        .iter()
        .map(|&(at, to)| {
            let change = Change {
                at,
                person,
                from,
                to,
            };
            from = to;
            change
        })
        .collect()
}

/// The changes only `was` holds and those only `is` holds (both in time order, at most one
/// change of the person per moment).
fn diff_changes(was: &[Change], is: &[Change]) -> (Vec<Change>, Vec<Change>) {
    let (mut out, mut inn) = (Vec::new(), Vec::new());
    let (mut old, mut new) = (was.iter().peekable(), is.iter().peekable());
    loop {
        match (old.peek(), new.peek()) {
            (Some(a), Some(b)) if a.at == b.at => {
                if (a.from, a.to) != (b.from, b.to) {
                    out.push(**a);
                    inn.push(**b);
                }
                old.next();
                new.next();
            }
            (Some(a), Some(b)) if a.at < b.at => {
                out.push(**a);
                old.next();
            }
            (Some(_), Some(b)) => {
                inn.push(**b);
                new.next();
            }
            (Some(a), None) => {
                out.push(**a);
                old.next();
            }
            (None, Some(b)) => {
                inn.push(**b);
                new.next();
            }
            (None, None) => return (out, inn),
        }
    }
}

/// The items only the sorted `was` holds and those only the sorted `is` holds (as multisets).
fn diff_sorted<T: Ord + Copy>(was: &[T], is: &[T]) -> (Vec<T>, Vec<T>) {
    let (mut out, mut inn) = (Vec::new(), Vec::new());
    let (mut old, mut new) = (was.iter().peekable(), is.iter().peekable());
    loop {
        match (old.peek(), new.peek()) {
            (Some(a), Some(b)) if a == b => {
                old.next();
                new.next();
            }
            (Some(a), Some(b)) if a < b => {
                out.push(**a);
                old.next();
            }
            (_, Some(b)) => {
                inn.push(**b);
                new.next();
            }
            (Some(a), None) => {
                out.push(**a);
                old.next();
            }
            (None, None) => return (out, inn),
        }
    }
}

/// Removes the changes `leaving` names (moment, person) from `segment`, adds `entering`,
/// and counts its presence again.
fn edit_segment(segment: &mut Segment, leaving: &[(Micros, u32)], mut entering: Vec<Change>) {
    let changes = &segment.changes;
    let mut gone: Vec<usize> = leaving
        .iter()
        .filter_map(|&(at, person)| {
            let first = changes.partition_point(|c| c.at < at);
            changes
                .get(first..)?
                .iter()
                .take_while(|c| c.at == at)
                .position(|c| c.person == person)
                .map(|i| first + i)
        })
        .collect();
    if !gone.is_empty() {
        gone.sort_unstable();
        let mut gone = gone.into_iter().peekable();
        let mut i = 0;
        segment.changes.retain(|_| {
            let leaves = gone.next_if_eq(&i).is_some();
            i += 1;
            !leaves
        });
    }
    if !entering.is_empty() {
        entering.sort_by_key(|c| c.at);
        let sorted_after = match (segment.changes.last(), entering.first()) {
            (Some(last), Some(first)) => last.at <= first.at,
            _ => true,
        };
        segment.changes.extend(entering);
        if !sorted_after {
            // A long sorted run and a short one: merged in one pass.
            segment.changes.sort_by_key(|c| c.at);
        }
    }
    segment.count_present();
}

impl Timeline {
    /// Updates the timeline for these people as the store holds them now (`None`: gone,
    /// merged into another). Returns `false` when it cannot (a person new to the timeline
    /// with an id below people it knows): the timeline must then be built again.
    pub fn update(&mut self, mut touched: Vec<(i64, Option<PersonRecord>)>) -> bool {
        let clock = std::time::Instant::now();
        touched.sort_by_key(|(id, _)| *id);
        self.updates += 1;
        self.last_touched = touched.len();
        // Per segment: the changes that leave it (moment, person) and those that enter.
        let mut leaving: BTreeMap<usize, Vec<(Micros, u32)>> = BTreeMap::new();
        let mut entering: BTreeMap<usize, Vec<Change>> = BTreeMap::new();
        let (mut arrivals_out, mut arrivals_in) = (Vec::new(), Vec::new());
        let (mut departures_out, mut departures_in) = (Vec::new(), Vec::new());
        for (id, now) in touched {
            let index = match self.people.ids.binary_search(&id) {
                Ok(index) => index,
                Err(at) if at == self.people.len() => {
                    let Some(record) = &now else { continue };
                    // New: known from now on, absent before this update.
                    let absent = PersonRecord {
                        id,
                        nationality: record.nationality,
                        units: Vec::new(),
                        initial: State::ABSENT,
                        changes: Vec::new(),
                        movements: Vec::new(),
                    };
                    self.known += 1;
                    self.people.push(&absent) as usize
                }
                Err(_) => {
                    if now.is_some() {
                        return false;
                    }
                    continue;
                }
            };
            let was = self.people.record(index);
            let is = match now {
                Some(record) => {
                    // Back after it was gone (a merge undone restores the absorbed record).
                    if let Some(gone) = self.people.gone.get_mut(index)
                        && *gone
                    {
                        *gone = false;
                        self.known += 1;
                    }
                    record
                }
                None => {
                    if let Some(gone) = self.people.gone.get_mut(index)
                        && !*gone
                    {
                        *gone = true;
                        self.known -= 1;
                    }
                    PersonRecord {
                        id,
                        nationality: was.nationality,
                        units: Vec::new(),
                        initial: State::ABSENT,
                        changes: Vec::new(),
                        movements: Vec::new(),
                    }
                }
            };
            if was == is {
                continue;
            }
            let person = u32::try_from(index).unwrap_or(u32::MAX);
            let (out, inn) = diff_changes(&changes_of(&was, person), &changes_of(&is, person));
            let first_difference = match (out.first(), inn.first()) {
                (Some(a), Some(b)) => Some(a.at.min(b.at)),
                (a, b) => a.or(b).map(|c| c.at),
            };
            self.retally(&was, &is, first_difference);
            for change in out {
                leaving
                    .entry(self.segment_index(change.at))
                    .or_default()
                    .push((change.at, person));
            }
            for change in inn {
                entering
                    .entry(self.segment_index(change.at))
                    .or_default()
                    .push(change);
            }
            let (out, inn) = diff_sorted(&was.movements, &is.movements);
            for (at, departure) in out {
                if departure {
                    departures_out.push(at);
                } else {
                    arrivals_out.push(at);
                }
            }
            for (at, departure) in inn {
                if departure {
                    departures_in.push(at);
                } else {
                    arrivals_in.push(at);
                }
            }
            self.people.set(index, &is);
        }
        let edited: std::collections::BTreeSet<usize> =
            leaving.keys().chain(entering.keys()).copied().collect();
        let edited_segments = edited.len();
        for index in edited {
            if let Some(segment) = self.segments.get_mut(index) {
                let out = leaving.remove(&index).unwrap_or_default();
                let inn = entering.remove(&index).unwrap_or_default();
                edit_segment(segment, &out, inn);
            }
        }
        self.arrivals.edit(&arrivals_out, &arrivals_in);
        self.departures.edit(&departures_out, &departures_in);
        self.split_long_segments();
        tracing::debug!(
            people = self.last_touched,
            edited_segments,
            ms = clock.elapsed().as_secs_f64() * 1000.0,
            "timeline updated in memory"
        );
        true
    }

    /// Trades a person's old state before each segment for the new one in that segment's
    /// tally, from the first segment after `first_difference` (before it both agree) or
    /// from the first segment when what is counted of the person changed.
    fn retally(&mut self, was: &PersonRecord, is: &PersonRecord, first_difference: Option<Micros>) {
        let same_person =
            was.nationality == is.nationality && was.units == is.units && was.initial == is.initial;
        let first = match (same_person, first_difference) {
            (false, _) => 0,
            (true, None) => return,
            (true, Some(t)) => self.segment_index(t) + 1,
        };
        let (mut old, mut new) = (was.initial, is.initial);
        let mut old_changes = was.changes.iter().peekable();
        let mut new_changes = is.changes.iter().peekable();
        for segment in self.segments.iter_mut().skip(first) {
            while let Some(&(_, to)) = old_changes.next_if(|(at, _)| *at < segment.start) {
                old = to;
            }
            while let Some(&(_, to)) = new_changes.next_if(|(at, _)| *at < segment.start) {
                new = to;
            }
            if same_person && old == new {
                continue;
            }
            segment.tally.add(was.nationality, &was.units, old, -1);
            segment.tally.add(is.nationality, &is.units, new, 1);
        }
    }

    /// Splits every segment grown past twice [`STRIDE`] changes in two.
    fn split_long_segments(&mut self) {
        let mut index = 0;
        while index < self.segments.len() {
            let people = &self.people;
            let Some(segment) = self.segments.get_mut(index) else {
                break;
            };
            let changes = &segment.changes;
            let cut = if changes.len() > 2 * STRIDE {
                let middle = changes.len() / 2;
                let boundary = |i: &usize| changes[*i].at != changes[*i - 1].at;
                (middle..changes.len())
                    .find(boundary)
                    .or_else(|| (1..middle).rev().find(boundary))
            } else {
                None
            };
            if let Some(cut) = cut {
                let tail = segment.changes.split_off(cut);
                let mut tally = segment.tally.clone();
                for change in &segment.changes {
                    tally.apply(people, change);
                }
                segment.count_present();
                let start = tail.first().map_or(Micros::MAX, |c| c.at);
                self.segments
                    .insert(index + 1, Segment::new(start, tally, tail));
            }
            index += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::diff_sorted;

    #[test]
    fn sorted_lists_differ_as_multisets() {
        assert_eq!(
            diff_sorted(&[1, 3, 3, 5, 9], &[0, 1, 3, 4, 5, 10]),
            (vec![3, 9], vec![0, 4, 10])
        );
        assert_eq!(diff_sorted::<i32>(&[], &[]), (vec![], vec![]));
    }
}
