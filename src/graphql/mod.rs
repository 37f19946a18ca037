//! The GraphQL API: one schema, built in one place ([`build_schema`]) and used by
//! `hub serve`, `hub query` and the tests alike.

pub mod city;
pub mod context;
mod error_codes;
pub mod loaders;
pub mod mutation;
pub mod person;
mod query;
mod types;
pub mod uploads;

use async_graphql::{EmptySubscription, MergedObject, Schema};
use sea_orm::DatabaseConnection;

use crate::config::{GraphqlLimits, Settings};

pub use context::{Caller, DefaultAsOf, SchemaSettings};
pub use error_codes::ErrorCodes;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use types::{MemberUnit, Organization};

/// Every query field: the registry, the city as of a time, uploads. 全部查询。
#[derive(MergedObject, Default)]
pub struct Query(QueryRoot, city::CityQuery, uploads::UploadsQuery);

/// The hub's GraphQL schema type.
pub type HubSchema = Schema<Query, MutationRoot, EmptySubscription>;

/// What the schema is built with besides the database.
#[derive(Debug, Clone, Copy)]
pub struct SchemaConfig {
    /// Depth and complexity limits applied to every query.
    pub limits: GraphqlLimits,
    /// The hub's time zone.
    pub timezone: chrono_tz::Tz,
}

impl Default for SchemaConfig {
    fn default() -> Self {
        Self {
            limits: GraphqlLimits::default(),
            timezone: chrono_tz::Asia::Shanghai,
        }
    }
}

impl From<&Settings> for SchemaConfig {
    fn from(settings: &Settings) -> Self {
        Self {
            limits: settings.graphql,
            timezone: settings.time_zone(),
        }
    }
}

/// Build the schema over `db` with the limits applied to every query, DataLoaders for
/// nested lists, and public error codes on every error ([`ErrorCodes`]).
pub fn build_schema(db: DatabaseConnection, config: SchemaConfig) -> HubSchema {
    Schema::build(Query::default(), MutationRoot, EmptySubscription)
        .data(SchemaSettings {
            timezone: config.timezone,
        })
        .extension(loaders::RequestLoaders(db.clone()))
        .data(db)
        .limit_depth(config.limits.depth)
        .limit_complexity(config.limits.complexity)
        .extension(ErrorCodes)
        .finish()
}
