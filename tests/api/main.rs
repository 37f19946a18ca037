//! The hub's integration tests: one test binary, one module per area.
//!
//! Every test gets a fresh database from [`helpers::TestDatabase`]: SQLite in a temporary
//! directory, or, when `HUB_TEST_POSTGRES_URL` is set, a uniquely named PostgreSQL
//! database that is dropped afterwards. Logs are silent unless `TEST_LOG` is set.

mod access;
mod analyst;
mod analyst_facts;
mod brief;
mod city;
mod cli;
mod cli_import;
mod cli_token;
mod concurrency;
mod daily;
mod fixtures;
mod graphql;
mod helpers;
mod http;
mod isolation;
mod landing;
mod landing_audit;
mod merges;
mod read_audit;
mod spellings;
mod storage;
mod subscriptions;
mod supplies;
mod timeline;
mod trends;
mod uploads;
mod web;
