//! A list per person kept in one vector: each person's list is a span of it. Replacing a
//! person's list appends the new one and leaves the old span unused until the pool is
//! compacted, so updating a few people never moves everyone's lists, and copying the whole
//! pool is a few large copies rather than one allocation per person.

/// A list of `T` per person.
#[derive(Debug, Clone)]
pub struct Pool<T> {
    spans: Vec<(u32, u32)>,
    items: Vec<T>,
    unused: usize,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Self {
            spans: Vec::new(),
            items: Vec::new(),
            unused: 0,
        }
    }
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<T: Copy> Pool<T> {
    /// Adds the list of the next person.
    pub fn push(&mut self, list: &[T]) {
        self.spans
            .push((index(self.items.len()), index(list.len())));
        self.items.extend_from_slice(list);
    }

    /// The list of person `i` (empty for an unknown person).
    pub fn get(&self, i: usize) -> &[T] {
        let Some(&(start, len)) = self.spans.get(i) else {
            return &[];
        };
        let start = start as usize;
        self.items.get(start..start + len as usize).unwrap_or(&[])
    }

    /// Replaces the list of person `i` (an unknown person is ignored).
    pub fn set(&mut self, i: usize, list: &[T]) {
        let Some(span) = self.spans.get(i).copied() else {
            return;
        };
        self.unused += span.1 as usize;
        let start = self.items.len();
        self.items.extend_from_slice(list);
        if let Some(slot) = self.spans.get_mut(i) {
            *slot = (index(start), index(list.len()));
        }
        if self.unused > self.items.len() / 2 + 1_024 {
            self.compact();
        }
    }

    /// Copies the lists in use into a new vector.
    fn compact(&mut self) {
        let mut items = Vec::with_capacity(self.items.len() - self.unused);
        for span in &mut self.spans {
            let (start, len) = (span.0 as usize, span.1 as usize);
            let new_start = index(items.len());
            items.extend_from_slice(self.items.get(start..start + len).unwrap_or(&[]));
            span.0 = new_start;
        }
        self.items = items;
        self.unused = 0;
    }

    /// The number of people.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// No people.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Every item of every list in use, in no particular order.
    pub fn all(&self) -> impl Iterator<Item = &T> {
        (0..self.spans.len()).flat_map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::Pool;

    #[test]
    fn replaced_lists_read_back_and_survive_compaction() {
        let mut pool = Pool::default();
        for i in 0..3_000u32 {
            pool.push(&[i, i + 1]);
        }
        for round in 0..3u32 {
            for i in 0..3_000usize {
                let i32 = u32::try_from(i).unwrap_or(0);
                pool.set(i, &[round, i32, i32]);
            }
        }
        assert_eq!(pool.get(7), &[2, 7, 7]);
        assert_eq!(pool.get(2_999), &[2, 2_999, 2_999]);
        assert!(pool.get(3_000).is_empty());
        assert!(pool.items.len() < 3 * 3_000 * 2, "compacted");
        assert_eq!(pool.all().count(), 9_000);
    }
}
