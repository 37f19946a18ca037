//! One module per `hub` command; each has a `run` that [`crate::cli::run`] calls.

pub mod bench;
pub mod brief;
pub mod demo;
pub mod export;
pub mod import;
pub mod mappings;
pub mod migrate;
pub mod query;
pub mod read_upload;
pub mod rejections;
pub mod serve;
pub mod supplies;
pub mod template;
pub mod token;
pub mod units;
