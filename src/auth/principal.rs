//! The caller of a request: an API token of a member unit with a role, or the command line
//! on the machine that holds the store (a local admin).

use super::policy::{Access, Grant, Operation};
use super::role::Role;
use crate::error::HubError;

/// A member unit as a principal refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitRef {
    /// Row id of the member unit.
    pub id: i64,
    /// Its stable code, e.g. `police`.
    pub code: String,
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An API token (never the token itself: its id and name).
    Token {
        /// `api_token.id`.
        id: i64,
        /// The token's name, for people.
        name: String,
    },
    /// The `hub` command line, run by a local user.
    Cli {
        /// The local user name (`$USER`).
        user: String,
    },
}

/// The caller of a request: who, with which role, for which member unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Who acts.
    pub actor: Actor,
    /// The role the policy is consulted with.
    pub role: Role,
    /// The member unit a token acts for (none for the command line).
    pub unit: Option<UnitRef>,
}

impl Principal {
    /// The command line run by `user`: an admin of no particular unit.
    pub fn cli(user: impl Into<String>) -> Self {
        Self {
            actor: Actor::Cli { user: user.into() },
            role: Role::Admin,
            unit: None,
        }
    }

    /// The command line run by the current local user (`$USER`, `unknown` when unset).
    pub fn local() -> Self {
        let user = std::env::var("USER")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        Self::cli(user)
    }

    /// A token of `unit` with `role`.
    pub fn token(id: i64, name: impl Into<String>, role: Role, unit: UnitRef) -> Self {
        Self {
            actor: Actor::Token {
                id,
                name: name.into(),
            },
            role,
            unit: Some(unit),
        }
    }

    /// The actor as the audit log writes it: `token:<id>` or `cli:<user>`.
    pub fn actor_id(&self) -> String {
        match &self.actor {
            Actor::Token { id, .. } => format!("token:{id}"),
            Actor::Cli { user } => format!("cli:{user}"),
        }
    }

    /// Who an upload or a report is recorded as submitted by: `token:<id> <name>` or
    /// `cli:<user>`.
    pub fn submitted_by(&self) -> String {
        match &self.actor {
            Actor::Token { id, name } => format!("token:{id} {name}"),
            Actor::Cli { user } => format!("cli:{user}"),
        }
    }

    /// The token's id, when the principal is a token.
    pub fn token_id(&self) -> Option<i64> {
        match &self.actor {
            Actor::Token { id, .. } => Some(*id),
            Actor::Cli { .. } => None,
        }
    }

    /// The member unit id, when the principal has one.
    pub fn unit_id(&self) -> Option<i64> {
        self.unit.as_ref().map(|u| u.id)
    }

    /// Consults the policy: the grant for `operation`, or `FORBIDDEN`.
    pub fn authorize(&self, operation: Operation) -> Result<Grant, HubError> {
        let access = operation.access(self.role);
        let refused = || {
            HubError::Forbidden(format!(
                "role {} may not {} / 当前角色无此权限",
                self.role,
                operation.describe()
            ))
        };
        match access {
            Access::Denied => Err(refused()),
            Access::OwnUnit if self.unit.is_none() => Err(refused()),
            access => Ok(Grant::new(access, self.unit.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_an_admin_of_no_unit() {
        let cli = Principal::cli("alice");
        assert_eq!(cli.actor_id(), "cli:alice");
        assert_eq!(cli.role, Role::Admin);
        assert!(cli.authorize(Operation::ManageTokens).is_ok());
        assert!(cli.unit.is_none());
    }

    #[test]
    fn tokens_are_refused_what_their_role_lacks() {
        let unit = UnitRef {
            id: 1,
            code: "police".to_owned(),
        };
        let uploader = Principal::token(7, "police uploads", Role::Uploader, unit);
        assert_eq!(uploader.actor_id(), "token:7");
        assert!(matches!(
            uploader.authorize(Operation::ReadAuditLog),
            Err(HubError::Forbidden(_))
        ));
        let grant = uploader
            .authorize(Operation::Upload)
            .expect("uploader uploads");
        assert_eq!(grant.restricted_to().map(|u| u.id), Some(1));
    }
}
