//! The progress bar of `hub import` on a terminal: rows read so far, and whether they land.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use importers::ProgressFn;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ingest::ImportStage;

/// Whether standard error is a terminal (the bar is drawn there, never on stdout).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// One file's bar: a spinner with the file name, the rows read and what is happening.
#[derive(Debug, Clone)]
pub struct FileProgress {
    bar: ProgressBar,
    /// Whether rows have begun to land (they land while the file is still being read).
    landing: Arc<AtomicBool>,
}

impl FileProgress {
    /// Start the bar of the file at `path` on standard error.
    pub fn start(path: &Path) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{spinner} {prefix} {msg} {human_pos} 行 rows {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        // The file name only: a long path would wrap the line and break the redraw.
        let name = path.file_name().unwrap_or(path.as_os_str());
        bar.set_prefix(name.to_string_lossy().into_owned());
        bar.set_message("读取中 reading…");
        bar.enable_steady_tick(Duration::from_millis(120));
        Self {
            bar,
            landing: Arc::default(),
        }
    }

    /// The callback that moves the bar as the reader reads rows.
    pub fn rows_callback(&self) -> ProgressFn {
        let bar = self.bar.clone();
        Arc::new(move |rows| bar.set_position(rows))
    }

    /// Show the stage the import has reached.
    pub fn stage(&self, stage: ImportStage) {
        match stage {
            ImportStage::Read { rows } => {
                self.bar.set_position(rows);
                if self.landing.load(Ordering::Relaxed) {
                    self.bar.set_message("写入中 landing…");
                } else {
                    self.bar.set_message("检查中 checking…");
                }
            }
            ImportStage::Landing => {
                self.landing.store(true, Ordering::Relaxed);
                self.bar.set_message("读取并写入中 reading and landing…");
            }
        }
    }

    /// Remove the bar (the report is printed in its place).
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
