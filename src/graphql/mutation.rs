//! Changes to the registry: deciding candidate merges and merging organisations.

use async_graphql::{Context, ID, Object, Result};

use super::context::{database, require_cli};
use super::person::OrganizationRef;
use super::uploads::PendingMerge;
use crate::error::{GqlResultExt, HubError};
use crate::registry::merges::{self, Decision};
use crate::registry::organizations::{self, OrganizationMerge};

fn parse_id(id: &ID, what: &str) -> Result<i64> {
    id.parse::<i64>()
        .map_err(|_| HubError::BadInput(format!("{what}: not an id: {}", id.0)))
        .gql()
}

/// Changes. 修改操作。
#[derive(Debug, Default, Clone, Copy)]
pub struct MutationRoot;

#[Object]
impl MutationRoot {
    /// Accepts (the two records are one person) or rejects a candidate match. 确认或否决人员合并。
    async fn resolve_merge(&self, ctx: &Context<'_>, id: ID, accept: bool) -> Result<PendingMerge> {
        require_cli(ctx)?;
        let id = parse_id(&id, "id")?;
        match merges::resolve(database(ctx)?, id, accept, "cli")
            .await
            .gql()?
        {
            Decision::Done(model) => Ok(PendingMerge { model }),
            Decision::NotFound => Err(HubError::NotFound(format!("pending merge {id}"))).gql(),
            Decision::AlreadyDecided(model) => Err(HubError::BadInput(format!(
                "pending merge {id} was already {} / 该合并已处理",
                model.status
            )))
            .gql(),
        }
    }

    /// Merges organisation `merge` into `keep`: aliases move, facts follow. 合并两个单位。
    async fn merge_organizations(
        &self,
        ctx: &Context<'_>,
        keep: ID,
        merge: ID,
    ) -> Result<OrganizationRef> {
        require_cli(ctx)?;
        let (keep, merge) = (parse_id(&keep, "keep")?, parse_id(&merge, "merge")?);
        match organizations::merge(database(ctx)?, keep, merge)
            .await
            .gql()?
        {
            OrganizationMerge::Merged(kept) => Ok(OrganizationRef::from(kept)),
            OrganizationMerge::NotFound(id) => {
                Err(HubError::NotFound(format!("organisation {id}"))).gql()
            }
            OrganizationMerge::SameOrganization => Err(HubError::BadInput(
                "an organisation cannot be merged into itself".to_owned(),
            ))
            .gql(),
        }
    }
}
