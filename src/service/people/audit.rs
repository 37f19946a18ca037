//! What the audit log records of a people read: who was shown (ids), how many matched,
//! whether masked, and the conditions in words — never a searched name or document
//! number in the clear (the log is read by admins who may not search people).

use serde_json::{Value, json};

use crate::auth::Principal;
use crate::auth::audit::{Action, ReadAudit};
use crate::error::HubError;
use sea_orm::DatabaseConnection;

/// Records that `principal` read a page of people: their ids, the total and the view.
pub async fn page(
    reads: &ReadAudit,
    db: &DatabaseConnection,
    principal: &Principal,
    ids: &[i64],
    total: i64,
    masked: bool,
) -> Result<(), HubError> {
    reads
        .record(
            db,
            principal,
            Action::ReadPeople,
            "people",
            json!({ "people": ids, "total": total, "masked": masked }),
        )
        .await
}

/// Records that `principal` read one person.
pub async fn person(
    reads: &ReadAudit,
    db: &DatabaseConnection,
    principal: &Principal,
    id: i64,
    masked: bool,
) -> Result<(), HubError> {
    reads
        .record(
            db,
            principal,
            Action::ReadPerson,
            format!("person:{id}"),
            json!({ "masked": masked }),
        )
        .await
}

/// Records that `principal` exported people under `conditions` (in words, any searched
/// text already masked: [`crate::export::ExportFilter::describe_masked`]).
pub async fn export(
    reads: &ReadAudit,
    db: &DatabaseConnection,
    principal: &Principal,
    conditions: String,
    masked: bool,
) -> Result<(), HubError> {
    let detail: Value = json!({ "conditions": conditions, "masked": masked });
    reads
        .record(db, principal, Action::ReadPeople, "export:people", detail)
        .await
}
