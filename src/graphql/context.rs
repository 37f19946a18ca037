//! What a resolver knows of its request: the database, the hub's time zone and upload
//! limits, the default "as of" time, and who is asking ([`Principal`]).

use std::sync::LazyLock;

use async_graphql::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;

use crate::auth::{Grant, Operation, Principal};
use crate::config::UploadLimits;
use crate::error::{GqlResultExt, HubError};

/// Schema-wide settings resolvers read (added with `Schema::build(..).data(..)`).
#[derive(Debug, Clone)]
pub struct SchemaSettings {
    /// Time zone of dates written without one and of calendar days.
    pub timezone: Tz,
    /// Row, cell and expansion limits of uploaded files.
    pub uploads: UploadLimits,
    /// Largest uploaded file in bytes.
    pub max_file_bytes: u64,
}

/// The "as of" time of a request when a field is not given one (`hub query --as-of`).
#[derive(Debug, Clone, Copy)]
pub struct DefaultAsOf(pub DateTime<Utc>);

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

/// The application's importer: how uploaded files are read and landed.
pub fn importer<'a>(
    ctx: &Context<'a>,
) -> Result<&'a std::sync::Arc<crate::service::uploads::Importer>> {
    ctx.data::<std::sync::Arc<crate::service::uploads::Importer>>()
        .map_err(|e| HubError::Internal(format!("schema has no importer: {}", e.message)))
        .gql()
}

/// Where the audit entries of reads go (a schema built without one audits into the store).
pub fn read_audit<'a>(ctx: &Context<'a>) -> &'a crate::auth::audit::ReadAudit {
    ctx.data_opt::<crate::auth::audit::ReadAudit>()
        .unwrap_or(crate::auth::audit::ReadAudit::direct())
}

/// The time a field is computed at: its `asOf` argument, else the request's default, else now.
pub fn as_of(ctx: &Context<'_>, given: Option<DateTime<Utc>>) -> DateTime<Utc> {
    given
        .or_else(|| ctx.data_opt::<DefaultAsOf>().map(|d| d.0))
        .unwrap_or_else(Utc::now)
}

/// The command line as the request's caller, for code written before principals existed
/// (`request.data(Caller::Cli)` is the same as `request.data(Principal::local())`). New
/// code puts a [`Principal`] in the request's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A `hub` command on the machine that holds the store.
    Cli,
}

/// The principal of [`Caller::Cli`].
static LOCAL: LazyLock<Principal> = LazyLock::new(Principal::local);

/// Who sends the request: the principal the HTTP handler (a token) or a command (the
/// command line) put in the request's data. A request without one is `UNAUTHENTICATED`.
pub fn principal<'a>(ctx: &Context<'a>) -> Result<&'a Principal> {
    if let Some(principal) = ctx.data_opt::<Principal>() {
        return Ok(principal);
    }
    match ctx.data_opt::<Caller>() {
        Some(Caller::Cli) => Ok(&LOCAL),
        None => Err(HubError::Unauthenticated).gql(),
    }
}

/// Consults the policy for `operation` on behalf of the request's principal.
pub fn authorize(ctx: &Context<'_>, operation: Operation) -> Result<Grant> {
    principal(ctx)?.authorize(operation).gql()
}

/// Records in the audit log a change the request's principal made: what was done
/// (`action`), to what (`target`) and with what `detail`.
pub async fn audited(
    ctx: &Context<'_>,
    action: crate::auth::audit::Action,
    target: String,
    detail: serde_json::Value,
) -> Result<()> {
    crate::auth::audit::record(database(ctx)?, principal(ctx)?, action, target, detail)
        .await
        .gql()
}

/// The schema's cache of city-wide figures.
pub fn city_cache<'a>(ctx: &Context<'a>) -> Result<&'a crate::derived::CityCache> {
    ctx.data::<std::sync::Arc<crate::derived::CityCache>>()
        .map(|cache| cache.as_ref())
        .map_err(|e| HubError::Internal(format!("schema has no city cache: {}", e.message)))
        .gql()
}

/// Brings the schema's city timeline up to date after a write the request committed (a
/// merge), so that the next dashboard question does not pay for it.
pub async fn catch_up(ctx: &Context<'_>) {
    if let (Ok(city), Ok(db)) = (
        ctx.data::<std::sync::Arc<crate::derived::CityCache>>(),
        database(ctx),
    ) {
        city.catch_up(db, timezone(ctx)).await;
    }
}
