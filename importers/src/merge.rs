//! Merged cells: a value merged over several cells (a unit name spanning rows) is filled into every
//! covered cell of the data area.

use crate::cell::{CellValue, RawRow};

/// A merged region, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

impl From<&calamine::Dimensions> for Merge {
    fn from(d: &calamine::Dimensions) -> Self {
        Self {
            first_row: d.start.0.min(d.end.0),
            first_col: d.start.1.min(d.end.1),
            last_row: d.start.0.max(d.end.0),
            last_col: d.start.1.max(d.end.1),
        }
    }
}

/// Most merged regions open at the same row; more (only possible in a hostile file) are ignored.
const MAX_ACTIVE: usize = 4096;

/// Fills merged values into the rows of a sheet as they stream past, in row order.
pub(crate) struct MergeFiller {
    merges: Vec<Merge>,
    next: usize,
    active: Vec<(Merge, Option<CellValue>)>,
}

impl MergeFiller {
    /// A filler for the regions that start below the header row.
    pub fn new(mut merges: Vec<Merge>, header_row: u32) -> Self {
        merges.retain(|m| {
            m.first_row > header_row && (m.last_row > m.first_row || m.last_col > m.first_col)
        });
        merges.sort_by_key(|m| m.first_row);
        Self {
            merges,
            next: 0,
            active: Vec::new(),
        }
    }

    /// Whether there is nothing to fill.
    pub fn is_empty(&self) -> bool {
        self.merges.is_empty()
    }

    /// Copies the value of each region covering `row` into its empty cells in `columns`.
    pub fn apply(&mut self, row: &mut RawRow, columns: &[u32]) {
        if self.merges.is_empty() {
            return;
        }
        while let Some(m) = self.merges.get(self.next).copied() {
            if m.first_row > row.index {
                break;
            }
            self.next += 1;
            if self.active.len() < MAX_ACTIVE {
                let value = (m.first_row == row.index)
                    .then(|| row.get(m.first_col).cloned())
                    .flatten();
                self.active.push((m, value));
            }
        }
        let index = row.index;
        self.active.retain(|(m, _)| m.last_row >= index);
        for (m, value) in &self.active {
            let Some(value) = value else { continue };
            for &col in columns {
                let covered = (m.first_col..=m.last_col).contains(&col) && m.first_row <= index;
                let top_left = index == m.first_row && col == m.first_col;
                if covered && !top_left && row.get(col).is_none_or(CellValue::is_blank) {
                    row.cells.retain(|(c, _)| *c != col);
                    row.cells.push((col, value.clone()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: u32, cells: &[(u32, &str)]) -> RawRow {
        RawRow {
            index,
            cells: cells
                .iter()
                .map(|(c, v)| (*c, CellValue::Text(v.to_string())))
                .collect(),
        }
    }

    #[test]
    fn vertical_merge_fills_down() {
        let m = Merge {
            first_row: 2,
            first_col: 1,
            last_row: 4,
            last_col: 1,
        };
        let title = Merge {
            first_row: 0,
            first_col: 0,
            last_row: 0,
            last_col: 5,
        };
        let mut f = MergeFiller::new(vec![m, title], 1);
        let mut rows = vec![
            row(2, &[(0, "1"), (1, "大庆油田")]),
            row(3, &[(0, "2")]),
            row(4, &[(0, "3")]),
            row(5, &[(0, "4")]),
        ];
        for r in &mut rows {
            f.apply(r, &[0, 1, 2]);
        }
        assert_eq!(rows[1].get(1), Some(&CellValue::Text("大庆油田".into())));
        assert_eq!(rows[2].get(1), Some(&CellValue::Text("大庆油田".into())));
        assert_eq!(rows[3].get(1), None);
        assert_eq!(rows[1].get(2), None);
    }
}
