//! Excel exports of the hub's lists: `hub export people` and `GET /api/exports/people.xlsx`
//! share everything here, so the file is the same whichever way it is asked for.
//!
//! - [`filter`]: the conditions, as CLI flags and as a query string;
//! - [`people`]: one row of a person (the people are read by
//!   [`crate::service::people::People::export`]);
//! - [`lookups`]: the extra facts of a page of people;
//! - [`workbook`]: the workbook itself (one plain function of its rows).

pub mod filter;
pub mod lookups;
pub mod people;
pub mod workbook;

pub use filter::ExportFilter;
pub use people::{MAX_EXPORT_ROWS, export_row};
