//! The GraphQL API: one schema, built in one place ([`build_schema`]) and used by
//! `hub serve`, `hub query` and the tests alike.

pub mod audit;
pub mod changes;
pub mod city;
pub mod context;
pub mod daily;
mod error_codes;
pub mod export;
pub mod loaders;
pub mod mappings;
pub mod mutation;
pub mod person;
mod query;
pub mod registry_edits;
pub mod search;
pub mod size;
pub mod subscription;
pub mod supplies;
pub mod tokens;
mod types;
pub mod upload;
pub mod uploads;
pub mod view;
pub mod viewer;
pub mod warnings;

use async_graphql::{MergedObject, Request, Response, Schema};
use sea_orm::DatabaseConnection;

use crate::config::{GraphqlLimits, Settings, UploadLimits};

pub use context::{Caller, DefaultAsOf, SchemaSettings};
pub use error_codes::public_codes;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use types::{MemberUnit, Organization};

/// Most queries [`HubSchema::execute_off_workers`] runs at once: far more than the office
/// sends, far fewer than the blocking pool's 512 threads, which the uploads' file reading
/// also needs.
pub const MAX_RUNNING_QUERIES: usize = 64;

/// What a field that computes over the whole city as of a time (`overview`, `people`,
/// `countsBy`, `presentTrend`) adds to a query's complexity: such a field can take tens of
/// milliseconds for an `asOf` not computed before, so the complexity limit (1000 by
/// default) admits about twenty of them per query, not hundreds.
pub const CITY_WIDE_COST: usize = 50;

/// Every query field: the registry, the city as of a time, uploads, daily reports, the
/// viewer, tokens and the audit log. 全部查询。
#[derive(MergedObject, Default)]
pub struct Query(
    QueryRoot,
    city::CityQuery,
    city::CrossCountQuery,
    search::SearchQuery,
    export::ExportQuery,
    changes::ChangesQuery,
    uploads::UploadsQuery,
    viewer::ViewerQuery,
    daily::DailyReportQuery,
    tokens::TokenQuery,
    audit::AuditQuery,
    mappings::MappingQuery,
    supplies::SuppliesQuery,
);

/// Every change: merges, uploads, daily reports, tokens, the registry. 全部修改操作。
#[derive(MergedObject, Default)]
pub struct Mutation(
    MutationRoot,
    upload::UploadMutation,
    daily::DailyReportMutation,
    tokens::TokenMutation,
    registry_edits::RegistryMutation,
    mappings::MappingMutation,
    supplies::SuppliesMutation,
);

/// The hub's GraphQL schema: async-graphql's schema over the store, run with fresh
/// DataLoaders per request and public error codes on every error.
///
/// The loaders and the codes are added around the execution rather than as schema
/// extensions: any extension wraps the resolution of every field, which cost about 3 ms
/// on a 100-person page (a quarter of it) without either extension needing a field hook.
#[derive(Clone)]
pub struct HubSchema {
    schema: Schema<Query, Mutation, subscription::Subscription>,
    db: DatabaseConnection,
    city: std::sync::Arc<crate::derived::CityCache>,
    importer: std::sync::Arc<crate::service::uploads::Importer>,
    reads: crate::auth::audit::ReadAudit,
    max_fields: usize,
    suggestions: bool,
    running: std::sync::Arc<tokio::sync::Semaphore>,
}

impl HubSchema {
    /// The city-wide figures and timeline the schema answers from.
    pub fn city_cache(&self) -> &std::sync::Arc<crate::derived::CityCache> {
        &self.city
    }

    /// The importer the `upload` mutation lands files through (the application shares it
    /// with `POST /api/uploads`).
    pub fn importer(&self) -> &std::sync::Arc<crate::service::uploads::Importer> {
        &self.importer
    }

    /// Where the audit entries of reads are written (the store's journal on SQLite).
    pub fn read_audit(&self) -> &crate::auth::audit::ReadAudit {
        &self.reads
    }

    /// Runs one request: refuses it with `QUERY_TOO_LARGE` when it selects more fields
    /// than `graphql.max_fields` once its fragments are expanded ([`size`]), else gives it
    /// its own cached loaders over the store ([`loaders::with_loaders`]), executes it, and
    /// gives every error a public `extensions.code` ([`public_codes`]).
    ///
    /// Parsing, validating and running a query is CPU work of the calling thread; the
    /// server runs it with [`HubSchema::execute_off_workers`].
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        let mut request = request.into();
        if let Some(refused) = self.refuse_oversized(&mut request) {
            return refused;
        }
        let request = loaders::with_loaders(request, &self.db);
        let mut response = public_codes(self.schema.execute(request).await);
        if !self.suggestions {
            for error in &mut response.errors {
                strip_suggestion(&mut error.message);
            }
        }
        response
    }

    /// The refusal of a request whose query selects more than `max_fields` fields once
    /// expanded; none for one within the limit or one that does not parse (execution
    /// reports the syntax error).
    fn refuse_oversized(&self, request: &mut Request) -> Option<Response> {
        let operation = request.operation_name.clone();
        let document = request.parsed_query().ok()?;
        let fields = size::expanded_fields(document, operation.as_deref());
        if fields <= self.max_fields {
            return None;
        }
        tracing::debug!(
            fields,
            limit = self.max_fields,
            "GraphQL query refused: too large"
        );
        let code = crate::error::ErrorCode::QueryTooLarge;
        let mut error = async_graphql::ServerError::new(
            format!(
                "查询展开后的字段过多（上限 {}）/ the query selects too many fields once its fragments are expanded (at most {})",
                self.max_fields, self.max_fields
            ),
            None,
        );
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
        Some(Response::from_errors(vec![error]))
    }

    /// [`HubSchema::execute`] on a thread of the blocking pool, so that a query that takes
    /// long to parse, validate or run never holds one of the threads that serve other
    /// requests (`/healthz` among them). When the caller stops waiting (the request
    /// timeout answered 408, the client left), the query is dropped at its next await.
    /// At most [`MAX_RUNNING_QUERIES`] run at once (a query dropped while validating holds
    /// its place until the validation ends); others wait for a place, within the timeout.
    pub async fn execute_off_workers(&self, request: Request) -> Response {
        let Ok(place) = std::sync::Arc::clone(&self.running).acquire_owned().await else {
            return Response::from_errors(vec![internal_error("the query semaphore is closed")]);
        };
        let schema = self.clone();
        let runtime = tokio::runtime::Handle::current();
        let span = tracing::Span::current();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::task::spawn_blocking(move || {
            let _place = place;
            let run = async move {
                tokio::select! {
                    biased;
                    _ = stopped => None,
                    response = schema.execute(request) => Some(response),
                }
            };
            runtime.block_on(tracing::Instrument::instrument(run, span))
        });
        let outcome = task.await;
        drop(stop);
        match outcome {
            Ok(Some(response)) => response,
            Ok(None) => Response::from_errors(vec![internal_error("the query was stopped")]),
            Err(e) => Response::from_errors(vec![internal_error(&e.to_string())]),
        }
    }

    /// The async-graphql schema, for the websocket protocol of subscriptions (queries go
    /// through [`HubSchema::execute`]).
    pub fn subscriptions(&self) -> Schema<Query, Mutation, subscription::Subscription> {
        self.schema.clone()
    }

    /// The schema in SDL (what `schema.graphql` holds).
    pub fn sdl(&self) -> String {
        self.schema.sdl()
    }
}

/// Cuts a " Did you mean …?" suggestion off an error message. async-graphql leaves them
/// out of field and field-argument errors once suggestions are disabled, but not out of
/// directive-argument errors.
fn strip_suggestion(message: &mut String) {
    if let Some(at) = message.find(" Did you mean") {
        message.truncate(at);
    }
}

/// An `INTERNAL` error whose detail goes to the log only.
fn internal_error(detail: &str) -> async_graphql::ServerError {
    tracing::error!(detail, "GraphQL execution task failed");
    let mut error = async_graphql::ServerError::new(crate::error::INTERNAL_MESSAGE, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", crate::error::ErrorCode::Internal.as_str());
    error
}

/// What the schema is built with besides the database.
#[derive(Debug, Clone)]
pub struct SchemaConfig {
    /// Depth and complexity limits applied to every query.
    pub limits: GraphqlLimits,
    /// The hub's time zone.
    pub timezone: chrono_tz::Tz,
    /// Row, cell and expansion limits of uploaded files.
    pub uploads: UploadLimits,
    /// Largest uploaded file in bytes.
    pub max_file_bytes: u64,
    /// Whether errors about unknown fields and arguments suggest the names meant ("Did you
    /// mean …"): on in dev mode, off in production mode.
    pub suggestions: bool,
    /// Where the audit entries of reads go: the store's journal on SQLite when the server
    /// builds the schema ([`crate::auth::audit::ReadAudit::for_store`]), else the store.
    pub read_audit: crate::auth::audit::ReadAudit,
}

impl Default for SchemaConfig {
    fn default() -> Self {
        Self {
            limits: GraphqlLimits::default(),
            timezone: chrono_tz::Asia::Shanghai,
            // A schema built without settings (tests, tools) reads files in-process.
            uploads: UploadLimits {
                isolate_reader: false,
                ..UploadLimits::default()
            },
            max_file_bytes: importers::ReadOptions::default().max_file_bytes,
            suggestions: true,
            read_audit: crate::auth::audit::ReadAudit::default(),
        }
    }
}

impl From<&Settings> for SchemaConfig {
    fn from(settings: &Settings) -> Self {
        Self {
            limits: settings.graphql,
            timezone: settings.time_zone(),
            uploads: settings.upload_limits(),
            max_file_bytes: settings.read_options().max_file_bytes,
            suggestions: settings.mode == crate::config::Mode::Dev,
            read_audit: crate::auth::audit::ReadAudit::default(),
        }
    }
}

/// Build the schema over `db` with the limits applied to every query; [`HubSchema::execute`]
/// adds DataLoaders for nested lists and public error codes on every error.
pub fn build_schema(db: DatabaseConnection, config: SchemaConfig) -> HubSchema {
    let city = std::sync::Arc::new(crate::derived::CityCache::default());
    let importer = std::sync::Arc::new(
        crate::service::uploads::Importer::new(
            config
                .uploads
                .read_options(config.max_file_bytes, config.timezone),
        )
        .with_city(std::sync::Arc::clone(&city))
        .with_queue_wait(config.uploads.queue_wait())
        .with_isolation(config.uploads.reader_isolation().unwrap_or_else(|e| {
            tracing::error!(error = %e, "uploads are read in the server only: no reader program");
            None
        })),
    );
    let reads = config.read_audit;
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::Subscription,
    )
    .data(SchemaSettings {
        timezone: config.timezone,
        uploads: config.uploads,
        max_file_bytes: config.max_file_bytes,
    })
    .data(std::sync::Arc::clone(&city))
    .data(std::sync::Arc::clone(&importer))
    .data(reads.clone())
    .data(db.clone())
    .limit_depth(config.limits.depth)
    .limit_complexity(config.limits.complexity);
    if !config.suggestions {
        builder = builder.disable_suggestions();
    }
    HubSchema {
        schema: builder.finish(),
        db,
        city,
        importer,
        reads,
        max_fields: config.limits.max_fields,
        suggestions: config.suggestions,
        running: std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_RUNNING_QUERIES)),
    }
}

#[cfg(test)]
mod tests {
    use super::strip_suggestion;

    #[test]
    fn suggestions_are_cut_off_messages() {
        let mut message =
            "Unknown argument \"fi\" on directive \"include\". Did you mean \"if\"?".to_owned();
        strip_suggestion(&mut message);
        assert_eq!(message, "Unknown argument \"fi\" on directive \"include\".");
        let mut plain = "Unknown field.".to_owned();
        strip_suggestion(&mut plain);
        assert_eq!(plain, "Unknown field.");
    }
}
