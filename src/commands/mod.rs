//! One module per `hub` command; each has a `run` that [`crate::cli::run`] calls.

pub mod migrate;
pub mod query;
pub mod serve;
pub mod units;
