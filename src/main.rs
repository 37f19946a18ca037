//! The `hub` binary: parse the command line and run the command (see `hub --help`).

use std::process::ExitCode;

use clap::Parser;
use hub::cli::{Cli, run};

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
