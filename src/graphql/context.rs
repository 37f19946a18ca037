//! What a resolver knows of its request: the database, the hub's time zone, the default
//! "as of" time, and who is asking.

use async_graphql::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;

use crate::error::{GqlResultExt, HubError};

/// Schema-wide settings resolvers read (added with `Schema::build(..).data(..)`).
#[derive(Debug, Clone, Copy)]
pub struct SchemaSettings {
    /// Time zone of dates written without one and of calendar days.
    pub timezone: Tz,
}

/// The "as of" time of a request when a field is not given one (`hub query --as-of`).
#[derive(Debug, Clone, Copy)]
pub struct DefaultAsOf(pub DateTime<Utc>);

/// Who sends a request, until API tokens and roles exist: the command line (trusted) or a
/// network client (read-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// `hub query` on the machine that holds the store.
    Cli,
    /// A client of `hub serve`.
    Network,
}

/// The database connection the schema was built with.
pub fn database<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|e| HubError::Internal(format!("schema has no database: {}", e.message)))
        .gql()
}

/// The hub's time zone.
pub fn timezone(ctx: &Context<'_>) -> Tz {
    ctx.data::<SchemaSettings>()
        .map(|s| s.timezone)
        .unwrap_or(chrono_tz::Asia::Shanghai)
}

/// The time a field is computed at: its `asOf` argument, else the request's default, else now.
pub fn as_of(ctx: &Context<'_>, given: Option<DateTime<Utc>>) -> DateTime<Utc> {
    given
        .or_else(|| ctx.data_opt::<DefaultAsOf>().map(|d| d.0))
        .unwrap_or_else(Utc::now)
}

/// Refuses a change unless it comes from the command line (roles arrive with API tokens).
pub fn require_cli(ctx: &Context<'_>) -> Result<()> {
    match ctx.data_opt::<Caller>() {
        Some(Caller::Cli) => Ok(()),
        _ => Err(HubError::Forbidden(
            "changes are only accepted from the command line for now / 目前仅允许通过命令行修改"
                .to_owned(),
        ))
        .gql(),
    }
}
