//! `changes(from, to)`: what changed in the city between two times, each change with its
//! person and source.

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{city_cache, database, principal, timezone};
use super::person::{OrganizationRef, Person, Source, organization, source};
pub use crate::derived::changes::ChangeKind;
use crate::error::GqlResultExt;
use crate::service::people::People;
use crate::service::people::changes::MAX_CHANGES;

/// One change. 一项变化。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Change {
    /// What changed. 类别。
    pub kind: ChangeKind,
    /// When, where known (a movement, the upload, the day a visa lapsed). 时间。
    pub at: Option<DateTime<Utc>>,
    /// The person, as of `to`. 人员。
    pub person: Person,
    /// The value before: a visa status, or a managing organisation's id. 变化前。
    pub before: Option<String>,
    /// The value after. 变化后。
    pub after: Option<String>,
    /// The source row (internal).
    #[graphql(skip)]
    pub source_row_id: Option<i64>,
}

#[ComplexObject]
impl Change {
    /// The managing unit before (managing-unit changes). 变化前的管理单位。
    async fn before_unit(&self, ctx: &Context<'_>) -> Result<Option<OrganizationRef>> {
        unit(ctx, self.kind, self.before.as_deref()).await
    }

    /// The managing unit after (managing-unit changes). 变化后的管理单位。
    async fn after_unit(&self, ctx: &Context<'_>) -> Result<Option<OrganizationRef>> {
        unit(ctx, self.kind, self.after.as_deref()).await
    }

    /// The fact behind the change: the movement's or the first upload's row, the visa,
    /// the affiliation or stay now in force. 来源。
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        match self.source_row_id {
            Some(id) => source(ctx, id).await,
            None => Ok(None),
        }
    }
}

async fn unit(
    ctx: &Context<'_>,
    kind: ChangeKind,
    id: Option<&str>,
) -> Result<Option<OrganizationRef>> {
    match (kind, id.and_then(|id| id.parse::<i64>().ok())) {
        (ChangeKind::ManagingUnit, Some(id)) => organization(ctx, id).await,
        _ => Ok(None),
    }
}

/// The changes of a period. 一段时间内的变化。
#[derive(Debug, Clone, SimpleObject)]
pub struct ChangeFeed {
    /// How many changes the period holds. 变化总数。
    pub total_count: i64,
    /// The changes, oldest first (those without a time last). 变化列表。
    pub items: Vec<Change>,
}

/// The `changes` query. 变化查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct ChangesQuery;

#[Object]
impl ChangesQuery {
    /// What changed after `from` up to `to`: arrivals, departures, people first seen,
    /// visa status and managing-unit changes (as of `from` against as of `to`), each with
    /// its source; optionally only some kinds, at most `first` (up to 5000). Read as
    /// `people` is (uploaders: own people and own facts; leaders: masked).
    /// 两个时点之间的变化（到达、离开、首次掌握、签证状态、管理单位）。
    #[graphql(complexity = "super::CITY_WIDE_COST * 2 + child_complexity")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        kinds: Option<Vec<ChangeKind>>,
        #[graphql(default = 1000)] first: i32,
    ) -> Result<ChangeFeed> {
        let kinds: Vec<ChangeKind> = kinds.into_iter().flatten().collect();
        let first = usize::try_from(first).unwrap_or(MAX_CHANGES + 1);
        let people = People::new(database(ctx)?, timezone(ctx)).with_cache(city_cache(ctx)?);
        let feed = people
            .changes(principal(ctx)?, (from, to), &kinds, first)
            .await
            .gql()?;
        Ok(ChangeFeed {
            total_count: i64::try_from(feed.total).unwrap_or(i64::MAX),
            items: feed
                .changes
                .into_iter()
                .map(|c| Change {
                    kind: c.change.kind,
                    at: c.change.at,
                    before: c.change.before,
                    after: c.change.after,
                    source_row_id: c.change.source_row_id,
                    person: Person::from(c.person),
                })
                .collect(),
        })
    }
}
