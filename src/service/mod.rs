//! What the HTTP handlers and the GraphQL resolvers both do, written once: each function
//! takes the request's [`crate::auth::Principal`], consults the policy, does the work through
//! the registry or the importer, and writes the audit log.
//!
//! - [`uploads`] — uploading a file, downloading an upload's rejected rows;
//! - [`brief`] — the daily brief (每日情况报告): its figures, special cases and Word file;
//! - [`column_mappings`] — the column mappings units confirm for their files' headers;
//! - [`daily_reports`] — submitting a daily (zero) report, who has reported;
//! - [`people`] — reading people: lists, one person, counts, the export;
//! - [`tokens`] — creating, listing and revoking API tokens.

pub mod brief;
pub mod column_mappings;
pub mod daily_reports;
pub mod people;
pub mod tokens;
pub mod uploads;
