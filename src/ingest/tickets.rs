//! Upload tickets: an upload that could not start landing within the importer's queue wait
//! is answered `queued` with a ticket, and lands in the background; its uploader follows it
//! with the ticket (`GET /api/uploads/tickets/{id}`, the `uploadTicket` query).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::ImportReport;
use crate::auth::Principal;
use crate::error::HubError;

/// How long a finished ticket is kept for its uploader to read.
const KEEP_FINISHED: Duration = Duration::from_secs(3600);

/// Where a ticketed upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Read or waiting for its turn to land.
    Queued,
    /// Its rows are landing.
    Landing,
    /// Done: the report says what became of the file (imported, duplicate or failed).
    Landed,
    /// The landing failed; nothing was stored.
    Failed,
}

/// What an uploader sees of its ticket.
#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    /// The ticket's id.
    pub ticket: String,
    /// Where the upload is.
    pub status: TicketStatus,
    /// The report, once landed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ImportReport>,
    /// Why the landing failed (status `failed`): a stable code and a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<super::FileError>,
}

/// One ticket and who may read it.
#[derive(Debug)]
struct Ticket {
    owner: String,
    view: TicketView,
    finished: Option<Instant>,
}

/// The tickets of one importer.
#[derive(Debug, Default)]
pub struct Tickets {
    next: AtomicU64,
    open: Mutex<HashMap<String, Ticket>>,
}

impl Tickets {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Ticket>) -> T) -> T {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut open)
    }

    /// Opens a `queued` ticket for `principal`'s upload; forgets tickets finished long ago.
    pub fn open(&self, principal: &Principal) -> String {
        let id = (self.next.fetch_add(1, Ordering::Relaxed) + 1).to_string();
        let ticket = Ticket {
            owner: principal.actor_id(),
            view: TicketView {
                ticket: id.clone(),
                status: TicketStatus::Queued,
                report: None,
                error: None,
            },
            finished: None,
        };
        self.with(|open| {
            open.retain(|_, t| t.finished.is_none_or(|at| at.elapsed() < KEEP_FINISHED));
            open.insert(id.clone(), ticket);
        });
        id
    }

    /// Marks the ticket `landing`.
    pub fn landing(&self, id: &str) {
        self.with(|open| {
            if let Some(t) = open.get_mut(id)
                && t.view.status == TicketStatus::Queued
            {
                t.view.status = TicketStatus::Landing;
            }
        });
    }

    /// Records how the upload ended.
    pub fn finish(&self, id: &str, result: &Result<ImportReport, HubError>) {
        self.with(|open| {
            if let Some(t) = open.get_mut(id) {
                match result {
                    Ok(report) => {
                        t.view.status = TicketStatus::Landed;
                        t.view.report = Some(report.clone());
                    }
                    Err(error) => {
                        error.log();
                        t.view.status = TicketStatus::Failed;
                        t.view.error = Some(super::FileError {
                            code: error.public_code().as_str().to_owned(),
                            message: error.public_message(),
                        });
                    }
                }
                t.finished = Some(Instant::now());
            }
        });
    }

    /// Forgets a ticket whose uploader got the report directly.
    pub fn forget(&self, id: &str) {
        self.with(|open| open.remove(id));
    }

    /// The ticket as `principal` may see it: its own tickets, or any for an admin;
    /// `NOT_FOUND` otherwise (an unknown id and another's ticket look the same).
    pub fn view(&self, id: &str, principal: &Principal) -> Result<TicketView, HubError> {
        let admin = principal.role == crate::auth::Role::Admin;
        let actor = principal.actor_id();
        self.with(|open| {
            open.get(id)
                .filter(|t| admin || t.owner == actor)
                .map(|t| t.view.clone())
        })
        .ok_or_else(|| HubError::NotFound(format!("no upload ticket {id} / 无此上传凭据")))
    }
}
