//! Who is asking and what they may do.
//!
//! - [`role`] — the four roles a token carries;
//! - [`principal`] — the caller of a request: a token of a member unit, or the command line;
//! - [`policy`] — the one role × operation table every resolver and handler consults;
//! - [`masking`] — personal data as a leader sees it (`M12****78`);
//! - [`token`] — making, hashing and reading bearer tokens (only hashes are stored);
//! - [`rate_limit`] — requests per minute per token;
//! - [`audit`] — what is written to the audit log, and by whom.

pub mod audit;
pub mod masking;
pub mod policy;
pub mod principal;
pub mod rate_limit;
pub mod role;
pub mod token;

pub use policy::{Access, Grant, Operation};
pub use principal::{Actor, Principal, UnitRef};
pub use role::Role;
