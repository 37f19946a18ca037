//! Counting rows and cells as they stream in, to refuse oversized sheets early.

use crate::error::ImportError;

/// Row and cell budget of one sheet.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    sheet: String,
    max_rows: u64,
    max_cells: u64,
    rows: u64,
    cells: u64,
}

impl Limits {
    /// A fresh budget for a sheet.
    pub fn new(sheet: &str, max_rows: u64, max_cells: u64) -> Self {
        Self {
            sheet: sheet.to_string(),
            max_rows,
            max_cells,
            rows: 0,
            cells: 0,
        }
    }

    /// Counts one row of `cells` non-empty cells.
    pub fn count(&mut self, cells: usize) -> Result<(), ImportError> {
        self.rows += 1;
        self.cells = self.cells.saturating_add(cells as u64);
        if self.rows > self.max_rows {
            return Err(ImportError::TooManyRows {
                sheet: self.sheet.clone(),
                limit: self.max_rows,
            });
        }
        self.check_cells(self.cells)
    }

    /// Refuses a declared or counted number of cells above the budget.
    pub fn check_cells(&self, cells: u64) -> Result<(), ImportError> {
        if cells > self.max_cells {
            return Err(ImportError::TooManyCells {
                sheet: self.sheet.clone(),
                cells,
                limit: self.max_cells,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets() {
        let mut l = Limits::new("s", 2, 5);
        assert!(l.count(2).is_ok());
        assert!(l.count(3).is_ok());
        assert_eq!(l.count(0).unwrap_err().code(), "TOO_MANY_ROWS");
        let mut l = Limits::new("s", 10, 5);
        assert_eq!(l.count(6).unwrap_err().code(), "TOO_MANY_CELLS");
    }
}
