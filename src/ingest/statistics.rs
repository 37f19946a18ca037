//! Planner statistics after a large landing (PostgreSQL).
//!
//! PostgreSQL plans from table statistics that autovacuum refreshes on its own schedule,
//! up to a minute after a table changed by a tenth. Right after a large upload the planner
//! may still believe a table nearly empty and read it whole where an index finds a page's
//! rows: measured on a generated city of 200,000 people, a 100-person page's sources took
//! 37 ms by a sequential scan instead of a fraction of a millisecond. A landing of at least
//! [`ANALYZE_AFTER_ROWS`] rows therefore refreshes the statistics of the tables it writes,
//! in the background once it has committed ([`super::checkpoint::Checkpoints`]).

use sea_orm::{ConnectionTrait, DbBackend};

use crate::registry::merge_undo::FACT_TABLES;

/// Rows of one landing from which the statistics are refreshed at once.
pub const ANALYZE_AFTER_ROWS: usize = 1_000;

/// The tables a landing writes to: its source rows, the people and their facts
/// ([`FACT_TABLES`]), the organisations it names and the candidate merges it finds.
fn landed_tables() -> Vec<&'static str> {
    let mut tables = vec!["source_row", "person"];
    tables.extend(FACT_TABLES);
    tables.extend(["organization", "pending_merge"]);
    tables
}

/// Whether a landing of `rows` rows refreshes the statistics (PostgreSQL, a large landing).
pub fn worth_refreshing<C: ConnectionTrait>(db: &C, rows: usize) -> bool {
    db.get_database_backend() == DbBackend::Postgres && rows >= ANALYZE_AFTER_ROWS
}

/// Refreshes the planner's statistics after a landing of `rows` rows, on PostgreSQL and
/// only for a large landing. Best effort: the landing is committed already, so a failure
/// (a role that does not own the tables, say) is logged and left to autovacuum.
pub async fn refresh_after_landing<C: ConnectionTrait>(db: &C, rows: usize) {
    if !worth_refreshing(db, rows) {
        return;
    }
    let sql = format!("ANALYZE {}", landed_tables().join(", "));
    if let Err(error) = db.execute_unprepared(&sql).await {
        tracing::warn!(%error, "could not refresh the planner's statistics after a landing");
    }
}
