//! Admin changes to the registry through GraphQL: member units and organisations. Every
//! change is audited.

use async_graphql::{Context, ID, Object, Result};
use chrono::Utc;

use super::context::{authorize, database, principal};
use super::mutation::parse_id;
use super::person::OrganizationRef;
use super::types::MemberUnit;
use crate::auth::Operation;
use crate::auth::audit::{self, Action};
use crate::error::GqlResultExt;
use crate::registry::organization_edits::{self, OrganizationChange};
use crate::registry::unit_edits::{self, UnitChange};

/// Registry changes (admins). 名录管理（管理员）。
#[derive(Debug, Default, Clone, Copy)]
pub struct RegistryMutation;

/// Audits an admin change of the request's principal.
async fn audited(
    ctx: &Context<'_>,
    action: Action,
    target: String,
    detail: serde_json::Value,
) -> Result<()> {
    audit::record(database(ctx)?, principal(ctx)?, action, target, detail)
        .await
        .gql()
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
        authorize(ctx, Operation::ManageUnits)?;
        let unit = unit_edits::add(database(ctx)?, &code, &name, &kind, Utc::now())
            .await
            .gql()?;
        audited(
            ctx,
            Action::UnitAdd,
            format!("unit:{}", unit.code),
            serde_json::json!({ "name": unit.name, "kind": unit.kind }),
        )
        .await?;
        Ok(MemberUnit::from(unit))
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
        authorize(ctx, Operation::ManageUnits)?;
        let change = UnitChange { name, kind, active };
        let detail = serde_json::json!({
            "name": change.name, "kind": change.kind, "active": change.active,
            "contactChanged": contact_name.is_some() || contact_phone.is_some(),
        });
        let unit = if change.name.is_none() && change.kind.is_none() && change.active.is_none() {
            crate::registry::units::find_unit(database(ctx)?, &code)
                .await
                .gql()?
        } else {
            unit_edits::update(database(ctx)?, &code, change)
                .await
                .gql()?
        };
        if contact_name.is_some() || contact_phone.is_some() {
            unit_edits::set_contact(
                database(ctx)?,
                &unit.code,
                contact_name.as_deref(),
                contact_phone.as_deref(),
                Utc::now(),
            )
            .await
            .gql()?;
        }
        audited(
            ctx,
            Action::UnitUpdate,
            format!("unit:{}", unit.code),
            detail,
        )
        .await?;
        Ok(MemberUnit::from(unit))
    }

    /// Registers a verified organisation. 登记单位。
    async fn add_organization(
        &self,
        ctx: &Context<'_>,
        name: String,
        #[graphql(desc = "university, enterprise, hotel, police, government … 类别。")]
        kind: String,
    ) -> Result<OrganizationRef> {
        authorize(ctx, Operation::ManageOrganizations)?;
        let org = organization_edits::add(database(ctx)?, &name, &kind, Utc::now())
            .await
            .gql()?;
        audited(
            ctx,
            Action::OrganizationAdd,
            format!("organization:{}", org.id),
            serde_json::json!({ "name": org.name, "kind": org.kind }),
        )
        .await?;
        Ok(OrganizationRef::from(org))
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
        authorize(ctx, Operation::ManageOrganizations)?;
        let id = parse_id(&id, "id")?;
        let change = OrganizationChange {
            name,
            kind,
            verified,
        };
        let detail = serde_json::json!({
            "name": change.name, "kind": change.kind, "verified": change.verified,
        });
        let org = organization_edits::update(database(ctx)?, id, change)
            .await
            .gql()?;
        audited(
            ctx,
            Action::OrganizationUpdate,
            format!("organization:{id}"),
            detail,
        )
        .await?;
        Ok(OrganizationRef::from(org))
    }

    /// Adds another spelling of an organisation's name, so that uploads writing it find the
    /// organisation. 为单位添加别名。
    async fn add_organization_alias(
        &self,
        ctx: &Context<'_>,
        id: ID,
        alias: String,
    ) -> Result<OrganizationRef> {
        authorize(ctx, Operation::ManageOrganizations)?;
        let id = parse_id(&id, "id")?;
        let org = organization_edits::add_alias(database(ctx)?, id, &alias)
            .await
            .gql()?;
        audited(
            ctx,
            Action::OrganizationAlias,
            format!("organization:{id}"),
            serde_json::json!({ "alias": alias.trim() }),
        )
        .await?;
        Ok(OrganizationRef::from(org))
    }
}
