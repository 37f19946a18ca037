//! Reading people, written once for every surface: the GraphQL `people`, `person` and
//! `countsBy` resolvers, `GET /api/exports/people.xlsx` and `hub export people` are thin
//! callers of this module.
//!
//! Each function takes the request's [`crate::auth::Principal`] and a typed question
//! ([`PersonQuery`], [`PersonLookup`], a count or an export), consults the policy
//! (reading people, searching them), scopes the question to the unit's own uploads for an
//! uploader, decides what of each person the caller sees ([`PersonView`]: masked for a
//! leader, the unit's own facts for an uploader), answers it and writes the audit entry.
//!
//! - [`query`] — the typed question: filter, order, page, as-of;
//! - [`view`] — what of a person a caller sees, and masking;
//! - [`shown`] — a person's values as one unit's uploads gave them;
//! - [`read`] — lists, one person, group-by counts;
//! - [`figures`] — cross counts and the present trend of a filtered set;
//! - [`suggest`] — near matches of a searched document number;
//! - [`changes`] — what changed between two times;
//! - [`export`] — the people workbook;
//! - [`figures`] — the headline figures (overview) as of a time;
//! - [`audit`] — what the audit log records of a read (never a searched number).

pub mod audit;
pub mod changes;
pub mod export;
pub mod figures;
pub mod query;
pub mod read;
pub mod shown;
pub mod suggest;
pub mod view;

use chrono_tz::Tz;
use sea_orm::DatabaseConnection;

use crate::auth::audit::ReadAudit;
use crate::derived::CityCache;

pub use export::{ExportFile, ExportRequest};
pub use query::{MAX_ANALYST_PAGE, MAX_PAGE, Page, PersonLookup, PersonQuery, Presence};
pub use read::{PeoplePage, PersonRecord};
pub use view::PersonView;

/// Where people are read from: the store, the hub's time zone, and the cache of city-wide
/// answers when the caller keeps one (the server does; a command does not).
#[derive(Debug, Clone, Copy)]
pub struct People<'a> {
    db: &'a DatabaseConnection,
    tz: Tz,
    cache: Option<&'a CityCache>,
    reads: Option<&'a ReadAudit>,
}

impl<'a> People<'a> {
    /// Reads `db` in time zone `tz`, without a cache.
    pub fn new(db: &'a DatabaseConnection, tz: Tz) -> Self {
        Self {
            db,
            tz,
            cache: None,
            reads: None,
        }
    }

    /// Where the audit entries of reads go.
    fn read_audit(&self) -> &ReadAudit {
        self.reads.unwrap_or(ReadAudit::direct())
    }

    /// The same, writing the audit entries of reads through `reads` (the server's journal on
    /// SQLite) instead of into the store directly.
    pub fn with_read_audit(self, reads: &'a ReadAudit) -> Self {
        Self {
            reads: Some(reads),
            ..self
        }
    }

    /// The same, answering city-wide questions (list totals, counts) through `cache`.
    pub fn with_cache(self, cache: &'a CityCache) -> Self {
        Self {
            cache: Some(cache),
            ..self
        }
    }
}
