//! Moments of one kind (arrivals, departures) counted between two times, and edited a few at
//! a time: a long sorted list, plus the moments added and removed since it was last
//! rewritten. An update edits the two short lists (a binary search and a small insert each)
//! instead of copying the long one; they are merged into it once they grow past a share of
//! it, so the copy is paid once per many updates.

use super::person::Micros;

/// Edits held apart before they are merged into the sorted list: at least this many, or
/// 1/64 of the list if more.
const PENDING_AT_LEAST: usize = 4_096;

/// A multiset of moments, counted by range.
#[derive(Debug, Clone, Default)]
pub struct Moments {
    sorted: Vec<Micros>,
    added: Vec<Micros>,
    removed: Vec<Micros>,
}

/// How many of the sorted `list` lie within `[from, to]`.
fn count(list: &[Micros], from: Micros, to: Micros) -> usize {
    let start = list.partition_point(|&t| t < from);
    let end = list.partition_point(|&t| t <= to);
    end.saturating_sub(start)
}

/// Inserts `at` into the sorted `list`.
fn insert(list: &mut Vec<Micros>, at: Micros) {
    let i = list.partition_point(|&t| t <= at);
    list.insert(i, at);
}

/// Removes one `at` from the sorted `list`; whether there was one.
fn take(list: &mut Vec<Micros>, at: Micros) -> bool {
    match list.binary_search(&at) {
        Ok(i) => {
            list.remove(i);
            true
        }
        Err(_) => false,
    }
}

impl Moments {
    /// The moments of `list` (any order).
    pub fn new(mut list: Vec<Micros>) -> Self {
        list.sort_unstable();
        Self {
            sorted: list,
            added: Vec::new(),
            removed: Vec::new(),
        }
    }

    /// How many moments lie within `[from, to]`.
    pub fn between(&self, from: Micros, to: Micros) -> i64 {
        let n = count(&self.sorted, from, to) + count(&self.added, from, to);
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        n - i64::try_from(count(&self.removed, from, to)).unwrap_or(i64::MAX)
    }

    /// Removes each of `remove` once (each was added before) and adds `add`.
    pub fn edit(&mut self, remove: &[Micros], add: &[Micros]) {
        for &at in remove {
            if !take(&mut self.added, at) {
                insert(&mut self.removed, at);
            }
        }
        for &at in add {
            if !take(&mut self.removed, at) {
                insert(&mut self.added, at);
            }
        }
        if self.added.len() + self.removed.len() > PENDING_AT_LEAST.max(self.sorted.len() / 64) {
            self.merge();
        }
    }

    /// Rewrites the sorted list with the edits held apart.
    fn merge(&mut self) {
        let (added, removed) = (
            std::mem::take(&mut self.added),
            std::mem::take(&mut self.removed),
        );
        let mut out = Vec::with_capacity(self.sorted.len() + added.len());
        let mut removing = removed.into_iter().peekable();
        let mut adding = added.into_iter().peekable();
        for &at in &self.sorted {
            while removing.next_if(|&r| r < at).is_some() {}
            if removing.next_if_eq(&at).is_some() {
                continue;
            }
            while let Some(a) = adding.next_if(|&a| a <= at) {
                out.push(a);
            }
            out.push(at);
        }
        out.extend(adding);
        self.sorted = out;
    }
}

#[cfg(test)]
mod tests {
    use super::{Moments, PENDING_AT_LEAST};

    /// The moments of a plain list within `[from, to]`.
    fn plain(list: &[i64], from: i64, to: i64) -> i64 {
        list.iter().filter(|&&t| from <= t && t <= to).count() as i64
    }

    #[test]
    fn edits_count_like_a_list_rewritten_each_time() {
        let mut list: Vec<i64> = (0..10_000).map(|i| (i * 7_919) % 5_000).collect();
        let mut moments = Moments::new(list.clone());
        let mut x: i64 = 17;
        let mut next = move |m: i64| {
            x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
            x % m
        };
        // Enough rounds for the held edits to be merged more than once.
        for round in 0..(3 * PENDING_AT_LEAST / 20) {
            let remove: Vec<i64> = (0..10)
                .filter_map(|_| {
                    let i = usize::try_from(next(list.len() as i64)).ok()?;
                    Some(list.swap_remove(i))
                })
                .collect();
            let add: Vec<i64> = (0..10).map(|_| next(6_000)).collect();
            list.extend(&add);
            moments.edit(&remove, &add);
            if round % 50 == 0 {
                for (from, to) in [(0, 6_000), (100, 100), (250, 1_250), (5_999, 9_000)] {
                    assert_eq!(moments.between(from, to), plain(&list, from, to));
                }
            }
        }
        moments.merge();
        let mut sorted = list.clone();
        sorted.sort_unstable();
        assert_eq!(moments.sorted, sorted);
    }
}
