//! `/graphql`: queries, mutations and GraphQL multipart uploads over POST; GraphiQL over GET.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::GraphQLResponse;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::auth::Authenticated;
use super::graphql_body::GraphqlBody;
use crate::error::HubError;

/// `POST /graphql`: run one query against the schema as the token's principal. Without a
/// live token the answer is 401 before the body is read; a body that is not a GraphQL
/// request is a `BAD_INPUT` JSON error; errors inside the query are in the GraphQL
/// response's `errors` with `extensions.code`. Introspection follows the
/// `graphql.introspection` setting. The query runs off the threads that serve requests
/// ([`crate::graphql::HubSchema::execute_off_workers`]), so the request timeout answers
/// 408 in time however long it takes.
pub async fn graphql_post(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    GraphqlBody(request): GraphqlBody,
) -> GraphQLResponse {
    let mut request = request.data(principal);
    if !state.settings.introspection() {
        request = request.disable_introspection();
    }
    state.schema.execute_off_workers(request).await.into()
}

/// `GET /graphql`: the GraphiQL page when introspection is on (dev mode by default);
/// otherwise a `NOT_FOUND` error. The page itself holds no data: queries from it need a
/// token in its headers tab (`{"Authorization": "Bearer hub_…"}`).
pub async fn graphiql(State(state): State<AppState>) -> Response {
    if state.settings.introspection() {
        Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response()
    } else {
        HubError::NotFound("GraphiQL is off on this server; POST queries to /graphql".to_owned())
            .into_response()
    }
}
