//! The `hub` binary: parse the command line and run the command (see `hub --help`).

use std::process::ExitCode;

use clap::Parser;
use hub::cli::{Cli, Command, run};

/// mimalloc instead of the system allocator: reading and landing a large upload allocates
/// and frees millions of small strings across threads, which glibc's allocator serves
/// slowly and with a fragmented, larger resident set.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The child an upload is read in needs no runtime, threads or settings.
    if matches!(cli.command, Command::ReadUpload) {
        return hub::commands::read_upload::run();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
