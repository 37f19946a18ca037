//! What goes into the audit log: every upload, every read of personal data with a token,
//! every merge and every admin action, with actor, unit, time and target.
//!
//! Reads by the command line are not logged (it runs on the machine that holds the store);
//! its changes are. A failed audit write fails the request: personal data is not served
//! unrecorded.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::Value;

use super::principal::Principal;
use crate::error::HubError;
use crate::registry::audit::{self, NewEntry};
use crate::registry::audit_journal::AuditJournal;

/// An audited action; [`Action::as_str`] is what `audit_log.action` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// A file uploaded (also a dry run or a refused file).
    Upload,
    /// A page of people read.
    ReadPeople,
    /// One person read.
    ReadPerson,
    /// Rejected rows of an upload read (they hold the rows as written).
    ReadRejections,
    /// Candidate merges read (they show both people).
    ReadMerges,
    /// A candidate merge accepted or rejected.
    ResolveMerge,
    /// An accepted merge of two people undone.
    UndoMerge,
    /// Two organisations merged.
    MergeOrganizations,
    /// A daily report submitted through the API.
    SubmitDailyReport,
    /// An API token created.
    TokenCreate,
    /// An API token revoked.
    TokenRevoke,
    /// A member unit added.
    UnitAdd,
    /// A member unit renamed, re-kinded, deactivated or reactivated.
    UnitUpdate,
    /// An organisation added.
    OrganizationAdd,
    /// An organisation renamed, re-kinded or (un)verified.
    OrganizationUpdate,
    /// An alias added to an organisation.
    OrganizationAlias,
    /// A column mapping saved (or replaced).
    ColumnMappingSave,
    /// A column mapping deleted.
    ColumnMappingDelete,
    /// Donations (with their donors' names) read or exported.
    ReadDonations,
    /// The supplies catalogue or a reference rate edited.
    SuppliesCatalogueEdit,
}

impl Action {
    /// As stored, e.g. `read_person`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upload => "upload",
            Self::ReadPeople => "read_people",
            Self::ReadPerson => "read_person",
            Self::ReadRejections => "read_rejections",
            Self::ReadMerges => "read_merges",
            Self::ResolveMerge => "resolve_merge",
            Self::UndoMerge => "undo_merge",
            Self::MergeOrganizations => "merge_organizations",
            Self::SubmitDailyReport => "submit_daily_report",
            Self::TokenCreate => "token_create",
            Self::TokenRevoke => "token_revoke",
            Self::UnitAdd => "unit_add",
            Self::UnitUpdate => "unit_update",
            Self::OrganizationAdd => "organization_add",
            Self::OrganizationUpdate => "organization_update",
            Self::OrganizationAlias => "organization_alias",
            Self::ColumnMappingSave => "column_mapping_save",
            Self::ColumnMappingDelete => "column_mapping_delete",
            Self::ReadDonations => "read_donations",
            Self::SuppliesCatalogueEdit => "supplies_catalogue_edit",
        }
    }

    /// Whether the action only reads (logged for tokens only).
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Self::ReadPeople
                | Self::ReadPerson
                | Self::ReadRejections
                | Self::ReadMerges
                | Self::ReadDonations
        )
    }
}

/// The entry `principal` doing `action` on `target` makes, or `None` when nothing is
/// logged (a read by the command line).
fn entry(principal: &Principal, action: Action, target: String, detail: Value) -> Option<NewEntry> {
    if action.is_read() && principal.token_id().is_none() {
        return None;
    }
    let entry = NewEntry {
        at: Utc::now(),
        actor: principal.actor_id(),
        member_unit_id: principal.unit_id(),
        action: action.as_str().to_owned(),
        target,
        detail,
    };
    tracing::info!(
        actor = %entry.actor,
        action = %entry.action,
        target = %entry.target,
        "audit"
    );
    Some(entry)
}

/// Writes one entry into the store through `db` (a transaction, for a change recorded with
/// the change): `principal` did `action` on `target` (e.g. `person:40`), with `detail`
/// (never secrets, never document numbers). Reads by the command line are skipped; reads
/// served to a request go through [`ReadAudit::record`] instead.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    action: Action,
    target: impl Into<String>,
    detail: Value,
) -> Result<(), HubError> {
    if let Some(entry) = entry(principal, action, target.into(), detail) {
        audit::insert(db, entry).await?;
    }
    Ok(())
}

/// Where the audit entries of reads are written: on a SQLite file store, its journal
/// ([`AuditJournal`]), so that a read never waits behind a landing; on PostgreSQL (and an
/// in-memory store) the store itself. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct ReadAudit {
    journal: Option<Arc<AuditJournal>>,
}

/// Reads audited straight into the store (no journal).
static DIRECT: ReadAudit = ReadAudit { journal: None };

impl ReadAudit {
    /// Reads audited straight into the store: what a caller without a journal uses.
    pub fn direct() -> &'static Self {
        &DIRECT
    }

    /// The read audit of `db`: its journal when it is a SQLite file store.
    pub fn for_store(db: &DatabaseConnection) -> Self {
        Self {
            journal: AuditJournal::beside(db).map(Arc::new),
        }
    }

    /// The journal, when reads are journalled.
    pub fn journal(&self) -> Option<&Arc<AuditJournal>> {
        self.journal.as_ref()
    }

    /// Records that `principal` read `target` (see [`record`]); the entry is durable when
    /// this returns, in the store or in its journal.
    pub async fn record(
        &self,
        db: &DatabaseConnection,
        principal: &Principal,
        action: Action,
        target: impl Into<String>,
        detail: Value,
    ) -> Result<(), HubError> {
        let Some(entry) = entry(principal, action, target.into(), detail) else {
            return Ok(());
        };
        match &self.journal {
            Some(journal) if action.is_read() => {
                journal.write(&entry).await?;
                journal.schedule_move(db);
            }
            _ => audit::insert(db, entry).await?,
        }
        Ok(())
    }

    /// Brings journalled entries into the store's `audit_log` (before the log is read).
    /// Waits for the store's write lock; when it cannot get it the entries stay in the
    /// journal, the log is read without them and a warning is logged.
    pub async fn flush(&self, db: &DatabaseConnection) {
        if let Some(journal) = &self.journal
            && let Err(e) = journal.move_pending(db).await
        {
            tracing::warn!(error = %e, "audit log read before the journal's last entries were moved");
        }
    }

    /// Moves what an earlier run left in the journal, in the background (at start-up).
    pub fn move_leftovers(&self, db: &DatabaseConnection) {
        if let Some(journal) = &self.journal {
            journal.schedule_move(db);
        }
    }
}
