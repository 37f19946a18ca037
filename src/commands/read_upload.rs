//! `hub read-upload` (hidden): the child process an uploaded file is read in, with the
//! limits the server set on it (see [`crate::ingest::isolated`]).

use std::process::ExitCode;

/// Reads the options line and the file from standard input and answers on standard output;
/// fails (exit code 1) only when its input is not what the server sends.
pub fn run() -> ExitCode {
    match crate::ingest::isolated::run_child() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
