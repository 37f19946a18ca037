//! Derived facts as of a time T (domain.md, "Derived facts"): who is present in the city,
//! who manages each person, and the state of their visa.
//!
//! Each is one SQL common-table expression over the facts, written once here and shared by
//! every query that needs it (overview figures, group-by counts, lists, the person page),
//! so the API can never give two answers to the same question. The SQL runs unchanged on
//! SQLite and PostgreSQL (window functions, `$n` parameters).

pub mod cache;
pub mod changes;
pub mod counts;
pub mod notify;
pub mod overview;
pub mod people;
pub mod sql;
pub mod status;
pub mod timeline;
pub mod trend;
pub mod visa;

pub use cache::CityCache;
pub use counts::{Count, Dimension, counts_by};
pub use overview::{Overview, overview};
pub use people::{Between, PersonFilter, PersonOrder, PersonPage};
pub use status::{PersonStatus, statuses};
pub use trend::{TrendPoint, present_trend};
pub use visa::VisaStatus;
