//! What goes into the audit log: every upload, every read of personal data with a token,
//! every merge and every admin action, with actor, unit, time and target.
//!
//! Reads by the command line are not logged (it runs on the machine that holds the store);
//! its changes are. A failed audit write fails the request: personal data is not served
//! unrecorded.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use super::principal::Principal;
use crate::error::HubError;
use crate::registry::audit::{self, NewEntry};

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
        }
    }

    /// Whether the action only reads (logged for tokens only).
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Self::ReadPeople | Self::ReadPerson | Self::ReadRejections | Self::ReadMerges
        )
    }
}

/// Writes one entry: `principal` did `action` on `target` (e.g. `person:40`), with
/// `detail` (never secrets, never document numbers). Reads by the command line are skipped.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    action: Action,
    target: impl Into<String>,
    detail: Value,
) -> Result<(), HubError> {
    if action.is_read() && principal.token_id().is_none() {
        return Ok(());
    }
    let entry = NewEntry {
        at: Utc::now(),
        actor: principal.actor_id(),
        member_unit_id: principal.unit_id(),
        action: action.as_str().to_owned(),
        target: target.into(),
        detail,
    };
    tracing::info!(
        actor = %entry.actor,
        action = %entry.action,
        target = %entry.target,
        "audit"
    );
    audit::insert(db, entry).await?;
    Ok(())
}
