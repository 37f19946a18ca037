//! Near matches of a searched document number, offered as suggestions.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};

use super::context::{as_of as resolve_as_of, city_cache, database, principal, timezone};
use super::person::Person;
use crate::error::GqlResultExt;
use crate::service::people::People;

/// The `searchSuggestions` query. 相近证件号码查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// People whose document number is one edit (a character added, dropped or changed)
    /// from `number`, blanks, dashes and O/0, I/1 confusions aside: suggestions to look
    /// at, never the same person (at most 20). Needs the search permission; an uploader
    /// sees its own people only. 证件号码相差一个字符的人员（仅供核对，不作合并）。
    async fn search_suggestions(
        &self,
        ctx: &Context<'_>,
        number: String,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Vec<Person>> {
        let people = People::new(database(ctx)?, timezone(ctx)).with_cache(city_cache(ctx)?);
        let found = people
            .suggestions(principal(ctx)?, &number, resolve_as_of(ctx, as_of))
            .await
            .gql()?;
        Ok(found.into_iter().map(Person::from).collect())
    }
}
