//! Generates a visa list of N rows (default 100,000) and measures how fast `read_upload` parses it.
//!
//! `cargo run --release -p importers --example parse_rate -- [ROWS | FILE]` (a FILE is parsed as it is).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use devtools::sample::visa_registry_xlsx as sample_visa_registry_xlsx;
use importers::{ReadOptions, read_upload};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = std::env::args().nth(1);
    let bytes = match arg.as_deref().filter(|a| std::path::Path::new(a).is_file()) {
        Some(path) => std::fs::read(path)?,
        None => {
            let rows: usize = arg.map(|s| s.parse()).transpose()?.unwrap_or(100_000);
            let t = Instant::now();
            let bytes = sample_visa_registry_xlsx(rows, 2020)?;
            println!(
                "generated {rows} rows ({} KiB) in {:.2?}",
                bytes.len() / 1024,
                t.elapsed()
            );
            if let Ok(path) = std::env::var("PARSE_RATE_SAVE") {
                std::fs::write(path, &bytes)?;
            }
            bytes
        }
    };

    let seen = Arc::new(AtomicU64::new(0));
    let progress = Arc::clone(&seen);
    let options = ReadOptions {
        progress: Some(Arc::new(move |n| progress.store(n, Ordering::Relaxed))),
        ..ReadOptions::default()
    };
    let t = Instant::now();
    let upload = read_upload(&bytes, "sample.xlsx", None, &options)?;
    let elapsed = t.elapsed();
    println!(
        "parsed {} rows ({} accepted, {} rejected, progress saw {}) in {:.2?}: {:.0} rows/s",
        upload.data_rows(),
        upload.accepted(),
        upload.rejected(),
        seen.load(Ordering::Relaxed),
        elapsed,
        upload.data_rows() as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
