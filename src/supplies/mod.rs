//! The supplies ledger (supplies.md): donations, purchase contracts and outreach contacts
//! read from the units' registers through the same importer as people (what a landing
//! writes for them is [`crate::ingest::supplies`]).
//!
//! - [`catalogue`]: the item catalogue, currencies and reference rates in the store, and
//!   the changes an admin may make to them;
//! - [`edits`]: those changes as a principal makes them (checked and audited);
//! - [`names`]: donors, contacts and buyers as counted (and private persons masked);
//! - [`ledger`]: the rows as stored, read back for a principal's scope;
//! - [`items`]: the categories of supplies as the API names them;
//! - [`figures`]: the figures as of a time (donations, procurement, outreach, per day);
//! - [`service`]: what a principal may read (scope, masking, audit), lists and pages;
//! - [`candidates`]: donations without a receipt number that may be one, for analysts;
//! - [`export`]: the donations and contracts workbooks.

pub mod candidates;
pub mod catalogue;
pub mod edits;
pub mod export;
pub mod figures;
pub mod items;
pub mod ledger;
pub mod names;
pub mod service;

/// Units whose donation rows are the receiving institution's (the Red Cross, the charity
/// federation, the health commission): a merged donation takes its values from their row.
pub const RECEIVING_UNITS: &[&str] = &["red_cross", "charity", "health"];
