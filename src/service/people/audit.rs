//! What the audit log records of a people read: who was shown (ids), how many matched,
//! whether masked, and the conditions in words — never a searched name or document
//! number in the clear (the log is read by admins who may not search people).

use serde_json::json;

use super::People;
use crate::auth::Principal;
use crate::auth::audit::Action;
use crate::error::HubError;

/// What a people read showed.
#[derive(Debug, Clone, Copy)]
pub enum Read<'a> {
    /// A page of people: their ids, and how many matched.
    Page {
        /// The people shown.
        ids: &'a [i64],
        /// How many matched.
        total: i64,
    },
    /// One person.
    Person(i64),
    /// An export, under conditions in words (any searched text already masked:
    /// [`crate::export::ExportFilter::describe_masked`]).
    Export(&'a str),
}

impl People<'_> {
    /// Records that `principal` read people as `read` says, masked or not.
    pub(super) async fn audit(
        &self,
        principal: &Principal,
        read: Read<'_>,
        masked: bool,
    ) -> Result<(), HubError> {
        let (action, target, detail) = match read {
            Read::Page { ids, total } => (
                Action::ReadPeople,
                "people".to_owned(),
                json!({ "people": ids, "total": total, "masked": masked }),
            ),
            Read::Person(id) => (
                Action::ReadPerson,
                format!("person:{id}"),
                json!({ "masked": masked }),
            ),
            Read::Export(conditions) => (
                Action::ReadPeople,
                "export:people".to_owned(),
                json!({ "conditions": conditions, "masked": masked }),
            ),
        };
        self.read_audit()
            .record(self.db, principal, action, target, detail)
            .await
    }
}
