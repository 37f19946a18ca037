//! Derived facts as of a time T (domain.md, "Derived facts"): who is present in the city,
//! who manages each person, and the state of their visa.
//!
//! Two engines answer them: SQL common-table expressions over the facts ([`sql`]: lists,
//! the person page, one person's status) and the city timeline ([`timeline`], kept by
//! [`CityCache`]: city-wide figures — overview, counts, trend — for GraphQL, the export's
//! summary and the daily brief alike). The rules they share are written once as data of
//! [`importers::SourceKind`] (`value_rank`, `affiliation_rank`) and the SQL's orderings are
//! generated from them ([`sql::rank_case`]); `tests/api/timeline.rs` checks that both
//! engines agree at every instant that matters. The SQL runs unchanged on SQLite and
//! PostgreSQL.

pub mod cache;
pub mod changes;
pub mod conditions;
pub mod counts;
pub mod known;
pub mod notify;
pub mod order;
pub mod overview;
pub mod people;
pub mod rows;
pub mod search;
pub mod sql;
pub mod status;
pub mod store_changes;
pub mod timeline;
pub mod timeline_total;
pub mod trend;
pub mod visa;

pub use cache::CityCache;
pub use conditions::Conditions;
pub use counts::{Cell, Count, Dimension, counts_by, cross_counts};
pub use order::{Cursor, Sort, Start};
pub use overview::{Overview, overview};
pub use people::{Between, PersonFilter, PersonOrder, PersonPage};
pub use status::{PersonStatus, statuses};
pub use trend::{TrendPoint, filtered_trend, filtered_trend_per_day, present_trend};
pub use visa::VisaStatus;
