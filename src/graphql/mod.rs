//! The GraphQL API: one schema, built in one place ([`build_schema`]) and used by
//! `hub serve`, `hub query` and the tests alike.

mod error_codes;
mod query;
mod types;

use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

use crate::config::GraphqlLimits;

pub use error_codes::ErrorCodes;
pub use query::QueryRoot;
pub use types::{MemberUnit, Organization};

/// The hub's GraphQL schema type.
pub type HubSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Build the schema over `db` with the depth and complexity `limits` applied to every
/// query, and with public error codes on every error ([`ErrorCodes`]).
pub fn build_schema(db: DatabaseConnection, limits: GraphqlLimits) -> HubSchema {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription)
        .data(db)
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .extension(ErrorCodes)
        .finish()
}
