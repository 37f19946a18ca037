//! The audit log through GraphQL (admins).

use async_graphql::{Context, ID, Json, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

use super::context::{authorize, database};
use super::mutation::parse_id;
use crate::auth::Operation;
use crate::error::{GqlResultExt, HubError};
use crate::registry::{audit, units};

/// Most entries one call returns.
const MAX_ENTRIES: i32 = 500;

/// One audited action. 审计记录。
#[derive(Debug, Clone, SimpleObject)]
pub struct AuditEntry {
    /// Id. 编号。
    pub id: ID,
    /// When. 时间。
    pub at: DateTime<Utc>,
    /// Who: `token:<id>` or `cli:<user>`. 操作者。
    pub actor: String,
    /// The actor's member unit. 操作者所属单位。
    pub unit_code: Option<String>,
    /// What: upload, read_people, read_person, read_rejections, read_merges,
    /// resolve_merge, undo_merge, merge_organizations, submit_daily_report, token_create,
    /// token_revoke, unit_add, unit_update, organization_add, organization_update,
    /// organization_alias. 操作。
    pub action: String,
    /// On what, e.g. `upload:12`, `person:40`. 对象。
    pub target: String,
    /// Further detail. 详情。
    pub detail: Json<serde_json::Value>,
}

/// The audit-log query. 审计日志查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Audited actions, newest first (admins). Page with `before`: the id of the last
    /// entry of the previous page. 审计日志（管理员，最新在前）。
    #[allow(clippy::too_many_arguments)]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        action: Option<String>,
        actor: Option<String>,
        #[graphql(desc = "Member unit code of the actor. 操作者单位代码。")] unit: Option<String>,
        target: Option<String>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        before: Option<ID>,
        #[graphql(default = 100)] first: i32,
    ) -> Result<Vec<AuditEntry>> {
        authorize(ctx, Operation::ReadAuditLog)?;
        if !(0..=MAX_ENTRIES).contains(&first) {
            return Err(HubError::BadInput(format!(
                "first: give 0 to {MAX_ENTRIES}"
            )))
            .gql();
        }
        let db = database(ctx)?;
        let codes: HashMap<i64, String> = units::list(db)
            .await
            .gql()?
            .into_iter()
            .map(|u| (u.id, u.code))
            .collect();
        let member_unit_id = match unit {
            Some(code) => Some(
                codes
                    .iter()
                    .find(|(_, c)| **c == code)
                    .map(|(id, _)| *id)
                    .ok_or_else(|| HubError::NotFound(format!("member unit {code}")))
                    .gql()?,
            ),
            None => None,
        };
        let query = audit::AuditQuery {
            action,
            actor,
            member_unit_id,
            target,
            from,
            to,
            before_id: before.as_ref().map(|b| parse_id(b, "before")).transpose()?,
            limit: u64::try_from(first).unwrap_or(0),
        };
        // Reads journalled beside a SQLite store are brought in first.
        super::context::read_audit(ctx).flush(db).await;
        let rows = audit::list(db, &query).await.gql()?;
        Ok(rows
            .into_iter()
            .map(|e| AuditEntry {
                id: ID(e.id.to_string()),
                at: e.at,
                actor: e.actor,
                unit_code: e.member_unit_id.and_then(|id| codes.get(&id).cloned()),
                action: e.action,
                target: e.target,
                detail: Json(e.detail),
            })
            .collect())
    }
}
