//! The registry: plain async functions over a `&DatabaseConnection` that answer questions
//! about member units and organisations. GraphQL resolvers and CLI commands are thin
//! callers of these functions; nothing here knows about HTTP or GraphQL.

pub mod audit;
pub mod audit_journal;
pub mod column_mappings;
pub mod daily_reports;
pub mod merge_restore;
pub mod merge_undo;
pub mod merges;
pub mod organization_edits;
pub mod organizations;
pub mod shown;
pub mod tokens;
pub mod unit_edits;
pub mod units;
pub mod uploads;
