//! `/graphql`: queries over POST, GraphiQL over GET.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use crate::config::Mode;
use crate::error::HubError;
use crate::graphql::Caller;

/// `POST /graphql`: run one query against the schema. A body that is not a
/// GraphQL request is a `BAD_INPUT` JSON error; errors inside the query are in the GraphQL
/// response's `errors` with `extensions.code`.
pub async fn graphql_post(
    State(state): State<AppState>,
    request: GraphQLRequest<HubError>,
) -> GraphQLResponse {
    state
        .schema
        .execute(request.into_inner().data(Caller::Network))
        .await
        .into()
}

/// `GET /graphql`: the GraphiQL page in dev mode; in production mode a `NOT_FOUND` error.
pub async fn graphiql(State(state): State<AppState>) -> Response {
    match state.settings.mode {
        Mode::Dev => Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response(),
        Mode::Production => HubError::NotFound(
            "GraphiQL is off in production mode; POST queries to /graphql".to_owned(),
        )
        .into_response(),
    }
}
