//! The GraphQL API: one schema, built in one place ([`build_schema`]) and used by
//! `hub serve`, `hub query` and the tests alike.

pub mod audit;
pub mod city;
pub mod context;
pub mod daily;
mod error_codes;
pub mod loaders;
pub mod mappings;
pub mod mutation;
pub mod person;
mod query;
pub mod registry_edits;
pub mod tokens;
mod types;
pub mod upload;
pub mod uploads;
pub mod view;
pub mod viewer;

use async_graphql::{EmptySubscription, MergedObject, Request, Response, Schema};
use sea_orm::DatabaseConnection;

use crate::config::{GraphqlLimits, Settings, UploadLimits};

pub use context::{Caller, DefaultAsOf, SchemaSettings};
pub use error_codes::public_codes;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use types::{MemberUnit, Organization};

/// Every query field: the registry, the city as of a time, uploads, daily reports, the
/// viewer, tokens and the audit log. 全部查询。
#[derive(MergedObject, Default)]
pub struct Query(
    QueryRoot,
    city::CityQuery,
    uploads::UploadsQuery,
    viewer::ViewerQuery,
    daily::DailyReportQuery,
    tokens::TokenQuery,
    audit::AuditQuery,
    mappings::MappingQuery,
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
);

/// The hub's GraphQL schema: async-graphql's schema over the store, run with fresh
/// DataLoaders per request and public error codes on every error.
///
/// The loaders and the codes are added around the execution rather than as schema
/// extensions: any extension wraps the resolution of every field, which cost about 3 ms
/// on a 100-person page (a quarter of it) without either extension needing a field hook.
#[derive(Clone)]
pub struct HubSchema {
    schema: Schema<Query, Mutation, EmptySubscription>,
    db: DatabaseConnection,
    city: std::sync::Arc<crate::derived::CityCache>,
    importer: std::sync::Arc<crate::ingest::Importer>,
}

impl HubSchema {
    /// The city-wide figures and timeline the schema answers from.
    pub fn city_cache(&self) -> &std::sync::Arc<crate::derived::CityCache> {
        &self.city
    }

    /// The importer the `upload` mutation lands files through (the application shares it
    /// with `POST /api/uploads`).
    pub fn importer(&self) -> &std::sync::Arc<crate::ingest::Importer> {
        &self.importer
    }

    /// Runs one request: gives it its own cached loaders over the store
    /// ([`loaders::with_loaders`]), executes it, and gives every error a public
    /// `extensions.code` ([`public_codes`]).
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        let request = loaders::with_loaders(request.into(), &self.db);
        public_codes(self.schema.execute(request).await)
    }

    /// The schema in SDL (what `schema.graphql` holds).
    pub fn sdl(&self) -> String {
        self.schema.sdl()
    }
}

/// What the schema is built with besides the database.
#[derive(Debug, Clone, Copy)]
pub struct SchemaConfig {
    /// Depth and complexity limits applied to every query.
    pub limits: GraphqlLimits,
    /// The hub's time zone.
    pub timezone: chrono_tz::Tz,
    /// Row, cell and expansion limits of uploaded files.
    pub uploads: UploadLimits,
    /// Largest uploaded file in bytes.
    pub max_file_bytes: u64,
}

impl Default for SchemaConfig {
    fn default() -> Self {
        Self {
            limits: GraphqlLimits::default(),
            timezone: chrono_tz::Asia::Shanghai,
            uploads: UploadLimits::default(),
            max_file_bytes: importers::ReadOptions::default().max_file_bytes,
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
        }
    }
}

/// Build the schema over `db` with the limits applied to every query; [`HubSchema::execute`]
/// adds DataLoaders for nested lists and public error codes on every error.
pub fn build_schema(db: DatabaseConnection, config: SchemaConfig) -> HubSchema {
    let city = std::sync::Arc::new(crate::derived::CityCache::default());
    let importer = std::sync::Arc::new(
        crate::ingest::Importer::new(
            config
                .uploads
                .read_options(config.max_file_bytes, config.timezone),
        )
        .with_queue_wait(config.uploads.queue_wait()),
    );
    let schema = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .data(SchemaSettings {
            timezone: config.timezone,
            uploads: config.uploads,
            max_file_bytes: config.max_file_bytes,
        })
        .data(std::sync::Arc::clone(&city))
        .data(std::sync::Arc::clone(&importer))
        .data(db.clone())
        .limit_depth(config.limits.depth)
        .limit_complexity(config.limits.complexity)
        .finish();
    HubSchema {
        schema,
        db,
        city,
        importer,
    }
}
