//! The `hub` binary: parse the command line and run the command (see `hub --help`).

use std::process::ExitCode;

use clap::Parser;
use hub::cli::{Cli, run};

/// mimalloc instead of the system allocator: reading and landing a large upload allocates
/// and frees millions of small strings across threads, which glibc's allocator serves
/// slowly and with a fragmented, larger resident set.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
