//! GraphQL object types. Descriptions are in English and Chinese; the Chinese one is what
//! the office reads in GraphiQL.

use async_graphql::{ComplexObject, Context, ID, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::member_unit;

use crate::registry::organizations::OrganizationEntry;

/// A member unit of the municipal foreign-affairs committee, the units that upload and
/// report. 市委外事工作委员会成员单位。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct MemberUnit {
    /// Row id (internal).
    #[graphql(skip)]
    pub id: i64,
    /// Stable code used by the API, tokens and the CLI, e.g. `police`. 单位代码。
    pub code: String,
    /// Official name, e.g. 大庆市公安局出入境管理局. 单位名称。
    pub name: String,
    /// Kind: coordinator, police, education, government, health, tourism, transport,
    /// enterprise, university, ngo, district. 单位类别。
    pub kind: String,
    /// Whether the unit is still expected to report daily. 是否在用（需每日报告）。
    pub active: bool,
}

impl From<member_unit::Model> for MemberUnit {
    fn from(m: member_unit::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            name: m.name,
            kind: m.kind,
            active: m.active,
        }
    }
}

/// An organisation responsible for foreign nationals: employer, school, hotel or the
/// police. 负责管理外籍人员的单位（用人单位、学校、酒店、公安等）。
#[derive(Debug, Clone, SimpleObject)]
pub struct Organization {
    /// Id (for merging and editing). 编号。
    pub id: ID,
    /// Canonical name. 规范名称。
    pub name: String,
    /// Other spellings seen in uploaded lists. 别名（各单位名单中的其他写法）。
    pub aliases: Vec<String>,
    /// Kind: university, enterprise, hotel, police, government, … or `unknown`. 类别。
    pub kind: String,
    /// False when the hub created the organisation from an unknown name in an upload and
    /// nobody has confirmed it yet. 是否已核实（上传中出现的新名称为未核实）。
    pub verified: bool,
}

impl From<OrganizationEntry> for Organization {
    fn from(e: OrganizationEntry) -> Self {
        Self {
            id: ID(e.organization.id.to_string()),
            name: e.organization.name,
            aliases: e.aliases,
            kind: e.organization.kind,
            verified: e.organization.verified,
        }
    }
}

#[ComplexObject]
impl MemberUnit {
    /// When the unit's last upload landed. 最近上传时间。
    async fn last_upload_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        Ok(activity(ctx, self.id).await?.last_upload_at)
    }

    /// Uploads stored. 上传次数。
    async fn uploads(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(activity(ctx, self.id).await?.uploads)
    }

    /// Distinct people the unit's rows named. 报送人数。
    async fn people_reported(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(activity(ctx, self.id).await?.people_reported)
    }

    /// When the unit last submitted a daily report. 最近一次日报告时间。
    async fn last_report_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        Ok(activity(ctx, self.id).await?.last_report_at)
    }

    /// The latest day the unit has reported on. 最近一次日报告的报告日期。
    async fn last_report_date(&self, ctx: &Context<'_>) -> Result<Option<chrono::NaiveDate>> {
        Ok(activity(ctx, self.id).await?.last_report_date)
    }

    /// Whom to call at the unit (set by an admin). 联系人及电话。
    async fn contact(&self, ctx: &Context<'_>) -> Result<Option<UnitContact>> {
        Ok(activity(ctx, self.id).await?.contact.map(|c| UnitContact {
            name: c.contact_name,
            phone: c.contact_phone,
        }))
    }
}

/// Whom to call at a member unit. 成员单位联系人。
#[derive(Debug, Clone, SimpleObject)]
pub struct UnitContact {
    /// Contact person. 联系人。
    pub name: Option<String>,
    /// Phone. 联系电话。
    pub phone: Option<String>,
}

async fn activity(ctx: &Context<'_>, unit_id: i64) -> Result<crate::registry::units::UnitActivity> {
    let activity = super::loaders::load_one::<super::loaders::UnitActivityLoader>(ctx, unit_id);
    Ok(activity.await?.unwrap_or_default())
}
