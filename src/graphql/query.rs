//! The query root: thin resolvers over the registry functions.

use async_graphql::{Context, Object, Result};

use super::context::{authorize, database};
use super::types::{MemberUnit, Organization};
use crate::auth::Operation;
use crate::error::GqlResultExt;
use crate::registry::{organizations, units};

/// Read access to the hub. 查询入口。
#[derive(Debug, Default, Clone, Copy)]
pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// All member units, in registry order. 全部成员单位（按登记顺序）。
    async fn member_units(&self, ctx: &Context<'_>) -> Result<Vec<MemberUnit>> {
        authorize(ctx, Operation::ReadRegistry)?;
        let db = database(ctx)?;
        let rows = units::list(db).await.gql()?;
        Ok(rows.into_iter().map(MemberUnit::from).collect())
    }

    /// Organisations, optionally only those whose name or an alias contains `search`
    /// (case-insensitive). 单位名录；`search` 按名称或别名模糊查找（不区分大小写）。
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Part of a name or alias, e.g. 哈医大 or nepu. 名称或别名的一部分。")]
        search: Option<String>,
    ) -> Result<Vec<Organization>> {
        authorize(ctx, Operation::ReadRegistry)?;
        let db = database(ctx)?;
        let rows = organizations::search(db, search.as_deref()).await.gql()?;
        Ok(rows.into_iter().map(Organization::from).collect())
    }
}
