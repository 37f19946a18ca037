//! Changes to the registry: deciding candidate merges and merging organisations.

use async_graphql::{Context, ID, Object, Result};

use super::context::{audited, authorize, catch_up, database, principal};
use super::person::OrganizationRef;
use super::uploads::PendingMerge;
use crate::auth::Operation;
use crate::auth::audit::Action;
use crate::error::{GqlResultExt, HubError};
use crate::registry::merge_undo::{self, Undo};
use crate::registry::merges::{self, Decision};
use crate::registry::organizations::{self, OrganizationMerge};

/// An `ID` argument as a row id; `BAD_INPUT` when it is not one.
pub fn parse_id(id: &ID, what: &str) -> Result<i64> {
    id.parse::<i64>()
        .map_err(|_| HubError::BadInput(format!("{what}: not an id: {}", id.0)))
        .gql()
}

/// Changes. 修改操作。
#[derive(Debug, Default, Clone, Copy)]
pub struct MutationRoot;

#[Object]
impl MutationRoot {
    /// Accepts (the two records are one person) or rejects a candidate match (analysts,
    /// admins). 确认或否决人员合并（分析员、管理员）。
    async fn resolve_merge(&self, ctx: &Context<'_>, id: ID, accept: bool) -> Result<PendingMerge> {
        authorize(ctx, Operation::ResolveMerge)?;
        let principal = principal(ctx)?;
        let id = parse_id(&id, "id")?;
        let db = database(ctx)?;
        match merges::resolve(db, id, accept, &principal.actor_id())
            .await
            .gql()?
        {
            Decision::Done(model) => {
                audited(
                    ctx,
                    Action::ResolveMerge,
                    format!("pending_merge:{id}"),
                    serde_json::json!({
                        "accept": accept,
                        "person": model.person_id,
                        "candidate": model.candidate_id,
                    }),
                )
                .await?;
                catch_up(ctx).await;
                Ok(PendingMerge { model })
            }
            Decision::NotFound => Err(HubError::NotFound(format!("pending merge {id}"))).gql(),
            Decision::AlreadyDecided(model) => Err(HubError::BadInput(format!(
                "pending merge {id} was already {} / 该合并已处理",
                model.status
            )))
            .gql(),
        }
    }

    /// Undoes an accepted merge (analysts, admins): the absorbed record comes back with
    /// its id, values and the facts that moved, the facts landed since from rows naming its
    /// document numbers and its other candidate matches; the merge is marked `undone` and
    /// audited (with what was given back).
    /// 撤销人员合并（分析员、管理员）。
    async fn undo_merge(&self, ctx: &Context<'_>, id: ID) -> Result<PendingMerge> {
        authorize(ctx, Operation::ResolveMerge)?;
        let principal = principal(ctx)?;
        let id = parse_id(&id, "id")?;
        let db = database(ctx)?;
        match merge_undo::undo(db, id, &principal.actor_id())
            .await
            .gql()?
        {
            Undo::Done(undone) => {
                catch_up(ctx).await;
                // Both decisions of the undo in the log: the facts given back (landed
                // after the merge under the restored record's numbers) and the candidate
                // pairs put back.
                audited(
                    ctx,
                    Action::UndoMerge,
                    format!("pending_merge:{id}"),
                    serde_json::json!({
                        "person": undone.survivor,
                        "candidate": undone.restored,
                        "returned_facts": undone.returned,
                        "returned_by_numbers": undone.identifiers.len(),
                        "candidates_restored": undone.candidates.restored,
                        "candidates_not_restored": undone.candidates.skipped,
                    }),
                )
                .await?;
                let model = crate::registry::merges::find(db, id)
                    .await
                    .gql()?
                    .ok_or_else(|| HubError::NotFound(format!("pending merge {id}")))
                    .gql()?;
                Ok(PendingMerge { model })
            }
            Undo::NotFound => Err(HubError::NotFound(format!("pending merge {id}"))).gql(),
            Undo::NotUndoable(message) => Err(HubError::BadInput(message)).gql(),
        }
    }

    /// Merges organisation `merge` into `keep`: aliases move, facts follow (analysts,
    /// admins). 合并两个单位（分析员、管理员）。
    async fn merge_organizations(
        &self,
        ctx: &Context<'_>,
        keep: ID,
        merge: ID,
    ) -> Result<OrganizationRef> {
        authorize(ctx, Operation::MergeOrganizations)?;
        let (keep, merge) = (parse_id(&keep, "keep")?, parse_id(&merge, "merge")?);
        let db = database(ctx)?;
        match organizations::merge(db, keep, merge).await.gql()? {
            OrganizationMerge::Merged(kept) => {
                let detail = serde_json::json!({ "merged": merge });
                audited(
                    ctx,
                    Action::MergeOrganizations,
                    format!("organization:{keep}"),
                    detail,
                )
                .await?;
                catch_up(ctx).await;
                Ok(OrganizationRef::from(kept))
            }
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
