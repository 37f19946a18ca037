//! The audit entry of an upload: written by the landing's own transaction for a file that
//! lands (an upload is never stored without it), after the attempt for any other outcome
//! (dry run, duplicate, a file that could not be read).

use sea_orm::ConnectionTrait;

use super::{ImportReport, ImportStatus};
use crate::auth::Principal;
use crate::auth::audit::{self, Action};
use crate::error::HubError;

/// Who an import is audited for, and the size of the file as it arrived.
#[derive(Debug, Clone)]
pub struct UploadAudit {
    /// The principal that uploads.
    pub principal: Principal,
    /// The file's size in bytes, as uploaded.
    pub bytes: usize,
}

impl UploadAudit {
    /// Writes the entry of `report` through `db` (the landing's transaction for a landed
    /// upload): target `upload:<id>` for a stored upload (or the earlier one of a
    /// duplicate), `unit:<code>` otherwise.
    pub async fn record<C: ConnectionTrait>(
        &self,
        db: &C,
        report: &ImportReport,
    ) -> Result<(), HubError> {
        let target = match report.upload_id {
            Some(id) if report.status != ImportStatus::DryRun => format!("upload:{id}"),
            _ => format!("unit:{}", report.unit),
        };
        audit::record(
            db,
            &self.principal,
            Action::Upload,
            target,
            serde_json::json!({
                "unit": report.unit,
                "file": report.file,
                "bytes": self.bytes,
                "kind": report.kind,
                "status": report.status,
                "accepted": report.rows.accepted,
                "rejected": report.rows.rejected,
                "error": report.error.as_ref().map(|e| e.code.clone()),
            }),
        )
        .await
    }

    /// Whether the entry of `report` was already written by its landing's transaction.
    pub fn written_by_landing(report: &ImportReport) -> bool {
        report.status == ImportStatus::Imported
    }
}
