//! `viewer`: who the request's token is, so that a client (the web pages) can show only
//! what the role may use. 当前登录身份。

use async_graphql::{Context, Object, Result, SimpleObject};

use super::context::{database, principal};
use crate::auth::{Actor, Operation, Role};
use crate::error::GqlResultExt;
use crate::registry::units;

/// The caller of a request. 当前调用者。
#[derive(Debug, Clone, SimpleObject)]
pub struct Viewer {
    /// The token's name, or `cli:<user>` for the command line. 名称。
    pub name: String,
    /// Role. 角色。
    pub role: Role,
    /// Code of the member unit the token acts for (none for the command line). 单位代码。
    pub unit_code: Option<String>,
    /// Name of that member unit. 单位名称。
    pub unit_name: Option<String>,
    /// The operations of the access policy this role may perform (at least in part), by
    /// name: `ReadFigures`, `ReadPeople`, `SearchPeople`, `Upload`, `ReadMerges` … 可执行的操作。
    pub allowed: Vec<String>,
}

/// The `viewer` query. 当前身份查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// Who is asking: name, role, member unit and what the role may do
    /// (`UNAUTHENTICATED` without a token). 当前登录身份及其权限。
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        let principal = principal(ctx)?;
        let unit = match &principal.unit {
            Some(unit) => units::list(database(ctx)?)
                .await
                .gql()?
                .into_iter()
                .find(|u| u.id == unit.id),
            None => None,
        };
        Ok(Viewer {
            name: match &principal.actor {
                Actor::Token { name, .. } => name.clone(),
                Actor::Cli { user } => format!("cli:{user}"),
            },
            role: principal.role,
            unit_code: unit.as_ref().map(|u| u.code.clone()),
            unit_name: unit.map(|u| u.name),
            allowed: Operation::ALL
                .into_iter()
                .filter(|op| principal.authorize(*op).is_ok())
                .map(|op| format!("{op:?}"))
                .collect(),
        })
    }
}
