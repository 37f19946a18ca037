//! Admin changes to the registry through GraphQL: member units and organisations. Every
//! change is audited.

use async_graphql::{Context, ID, Object, Result};
use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use super::context::{audited, authorize, database};
use super::mutation::parse_id;
use super::person::OrganizationRef;
use super::types::MemberUnit;
use crate::auth::Operation;
use crate::auth::audit::Action;
use crate::error::GqlResultExt;
use crate::registry::organization_edits::{self, OrganizationChange};
use crate::registry::unit_edits::{self, UnitChange};

/// Registry changes (admins). 名录管理（管理员）。
#[derive(Debug, Default, Clone, Copy)]
pub struct RegistryMutation;

/// How an admin change is audited: what was done, to what, with what detail.
type Entry = (Action, String, Value);

/// Makes an admin change: checks that the request's principal may perform `operation`
/// (before anything else), makes the `change`, which answers its audit entry and the
/// changed record, audits it and answers the record as the API shows it.
async fn admin_change<T, R: From<T>>(
    ctx: &Context<'_>,
    operation: Operation,
    change: impl AsyncFnOnce(&DatabaseConnection) -> Result<(Entry, T)>,
) -> Result<R> {
    authorize(ctx, operation)?;
    let ((action, target, detail), changed) = change(database(ctx)?).await?;
    audited(ctx, action, target, detail).await?;
    Ok(R::from(changed))
}

#[Object]
impl RegistryMutation {
    /// Adds a member unit (and the organisation it is). Kinds: coordinator, police,
    /// education, government, health, tourism, transport, enterprise, university, ngo,
    /// district. 新增成员单位。
    async fn add_member_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Stable code, e.g. harbin_it. 单位代码。")] code: String,
        #[graphql(desc = "Official name. 单位名称。")] name: String,
        #[graphql(desc = "Kind. 单位类别。")] kind: String,
    ) -> Result<MemberUnit> {
        admin_change(ctx, Operation::ManageUnits, async |db| {
            let unit = unit_edits::add(db, &code, &name, &kind, Utc::now())
                .await
                .gql()?;
            let detail = json!({ "name": unit.name, "kind": unit.kind });
            Ok((
                (Action::UnitAdd, format!("unit:{}", unit.code), detail),
                unit,
            ))
        })
        .await
    }

    /// Renames, re-kinds, deactivates or reactivates a member unit, or sets whom to call
    /// there; its code never changes. 修改成员单位（名称、类别、是否在用、联系人）。
    #[allow(clippy::too_many_arguments)]
    async fn update_member_unit(
        &self,
        ctx: &Context<'_>,
        code: String,
        name: Option<String>,
        kind: Option<String>,
        active: Option<bool>,
        #[graphql(desc = "Contact person (blank clears). 联系人（留空则清除）。")]
        contact_name: Option<String>,
        #[graphql(desc = "Contact phone (blank clears). 联系电话（留空则清除）。")]
        contact_phone: Option<String>,
    ) -> Result<MemberUnit> {
        admin_change(ctx, Operation::ManageUnits, async |db| {
            let change = UnitChange { name, kind, active };
            let contact = contact_name.is_some() || contact_phone.is_some();
            let detail = json!({
                "name": change.name, "kind": change.kind, "active": change.active,
                "contactChanged": contact,
            });
            let unit = if change.name.is_none() && change.kind.is_none() && change.active.is_none()
            {
                crate::registry::units::find_unit(db, &code).await.gql()?
            } else {
                unit_edits::update(db, &code, change).await.gql()?
            };
            if contact {
                let (name, phone) = (contact_name.as_deref(), contact_phone.as_deref());
                unit_edits::set_contact(db, &unit.code, name, phone, Utc::now())
                    .await
                    .gql()?;
            }
            Ok((
                (Action::UnitUpdate, format!("unit:{}", unit.code), detail),
                unit,
            ))
        })
        .await
    }

    /// Registers a verified organisation. 登记单位。
    async fn add_organization(
        &self,
        ctx: &Context<'_>,
        name: String,
        #[graphql(desc = "university, enterprise, hotel, police, government … 类别。")]
        kind: String,
    ) -> Result<OrganizationRef> {
        admin_change(ctx, Operation::ManageOrganizations, async |db| {
            let org = organization_edits::add(db, &name, &kind, Utc::now())
                .await
                .gql()?;
            let detail = json!({ "name": org.name, "kind": org.kind });
            Ok((
                (
                    Action::OrganizationAdd,
                    format!("organization:{}", org.id),
                    detail,
                ),
                org,
            ))
        })
        .await
    }

    /// Renames (the old name stays an alias), re-kinds or (un)verifies an organisation.
    /// 修改单位（改名后原名称保留为别名）。
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: Option<String>,
        kind: Option<String>,
        verified: Option<bool>,
    ) -> Result<OrganizationRef> {
        admin_change(ctx, Operation::ManageOrganizations, async |db| {
            let id = parse_id(&id, "id")?;
            let change = OrganizationChange {
                name,
                kind,
                verified,
            };
            let detail = json!({
                "name": change.name, "kind": change.kind, "verified": change.verified,
            });
            let org = organization_edits::update(db, id, change).await.gql()?;
            Ok((
                (
                    Action::OrganizationUpdate,
                    format!("organization:{id}"),
                    detail,
                ),
                org,
            ))
        })
        .await
    }

    /// Adds another spelling of an organisation's name, so that uploads writing it find the
    /// organisation. 为单位添加别名。
    async fn add_organization_alias(
        &self,
        ctx: &Context<'_>,
        id: ID,
        alias: String,
    ) -> Result<OrganizationRef> {
        admin_change(ctx, Operation::ManageOrganizations, async |db| {
            let id = parse_id(&id, "id")?;
            let org = organization_edits::add_alias(db, id, &alias).await.gql()?;
            let detail = json!({ "alias": alias.trim() });
            Ok((
                (
                    Action::OrganizationAlias,
                    format!("organization:{id}"),
                    detail,
                ),
                org,
            ))
        })
        .await
    }
}
