//! Limits and settings of one read.

use std::fmt;
use std::sync::Arc;

use chrono_tz::Tz;

use crate::kinds::SourceKind;
use crate::mapping::{ColumnMapping, ColumnOverride};

/// Called with the number of data rows read so far (every few hundred rows and at the end).
pub type ProgressFn = Arc<dyn Fn(u64) + Send + Sync>;

/// Limits and settings of [`crate::read_upload`]. `ReadOptions::default()` suits uploads.
#[derive(Clone)]
pub struct ReadOptions {
    /// Largest accepted upload, in bytes (default 50 MiB).
    pub max_file_bytes: u64,
    /// Most cells a sheet may declare or hold (default 5,000,000).
    pub max_cells: u64,
    /// Most rows a sheet may hold (default 500,000).
    pub max_rows: u64,
    /// Most bytes a zip container (xlsx, ods) may expand to, summed over its entries (default 1 GiB).
    pub max_uncompressed_bytes: u64,
    /// Timezone of date-times written without one (default Asia/Shanghai).
    pub timezone: Tz,
    /// Progress callback, e.g. a CLI progress bar: `Some(Arc::new(move |rows| bar.set_position(rows)))`.
    pub progress: Option<ProgressFn>,
    /// The kinds the uploading unit typically uploads ([`crate::typical_kinds`]): when the
    /// headers fit several kinds about as well, these decide.
    pub preferred_kinds: Vec<SourceKind>,
    /// Mappings the uploading unit saved; one whose kind and header fingerprint match a
    /// header row fixes its columns.
    pub saved_mappings: Vec<ColumnMapping>,
    /// Columns fixed for this upload (`header=field`); they win over a saved mapping.
    pub column_overrides: Vec<ColumnOverride>,
    /// The item catalogue, currencies and reference rates the supplies registers are read
    /// with (the store's; [`crate::supplies::Catalogue::builtin`] by default).
    pub supplies: Arc<crate::supplies::Catalogue>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * 1024 * 1024,
            max_cells: 5_000_000,
            max_rows: 500_000,
            max_uncompressed_bytes: 1024 * 1024 * 1024,
            timezone: chrono_tz::Asia::Shanghai,
            progress: None,
            preferred_kinds: Vec::new(),
            saved_mappings: Vec::new(),
            column_overrides: Vec::new(),
            supplies: crate::supplies::Catalogue::builtin(),
        }
    }
}

impl fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOptions")
            .field("max_file_bytes", &self.max_file_bytes)
            .field("max_cells", &self.max_cells)
            .field("max_rows", &self.max_rows)
            .field("max_uncompressed_bytes", &self.max_uncompressed_bytes)
            .field("timezone", &self.timezone)
            .field("progress", &self.progress.as_ref().map(|_| "Fn(u64)"))
            .field("preferred_kinds", &self.preferred_kinds)
            .field("saved_mappings", &self.saved_mappings.len())
            .field("column_overrides", &self.column_overrides)
            .field("supplies_items", &self.supplies.items.len())
            .finish()
    }
}
