//! `exportPeople`: the address of the people workbook of a filter and an order, to
//! download with the same token (`GET /api/exports/people.xlsx?…`, where the role, the
//! unit scope, the masking and the audit apply as for the lists).

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::city::{PersonFilter, PersonOrder, SortDirection};
use super::context::principal;
use crate::auth::Operation;
use crate::error::GqlResultExt;
use crate::export::ExportFilter;
use crate::export::filter::where_json;
use crate::service::people::Presence;

/// Where to download an export. 导出文件下载地址。
#[derive(Debug, Clone, SimpleObject)]
pub struct ExportLink {
    /// The address, relative to the hub (`/api/exports/people.xlsx?…`); send the same
    /// `Authorization` header. 下载地址（需携带同一令牌）。
    pub url: String,
}

/// The `exportPeople` query. 导出查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct ExportQuery;

/// The export's query parameters of a GraphQL filter: the whole filter (nested `and` and
/// `or`, ranges and conditions included) as the JSON of `where`, presence and order apart.
fn export_filter(
    filter: &PersonFilter,
    order: PersonOrder,
    direction: SortDirection,
    as_of: Option<DateTime<Utc>>,
) -> Result<ExportFilter> {
    let presence = match filter.presence() {
        Presence::Present => "true",
        Presence::Absent => "false",
        Presence::Any => "all",
    };
    let filter = filter.top_filter()?;
    Ok(ExportFilter {
        as_of: as_of.map(|t| t.to_rfc3339()),
        present: Some(presence.to_owned()),
        where_filter: (filter != crate::derived::PersonFilter::default())
            .then(|| where_json(&filter))
            .transpose()
            .gql()?,
        order_by: Some(order.name().to_owned()),
        direction: Some(
            match direction {
                SortDirection::Asc => "asc",
                SortDirection::Desc => "desc",
            }
            .to_owned(),
        ),
        ..ExportFilter::default()
    })
}

#[Object]
impl ExportQuery {
    /// The address of the people workbook of a filter and an order (as `people`; by
    /// default present people by nationality), to download with the same token. Any
    /// filter `people` takes, `and`/`or` included, up to 8,000 characters as JSON (a
    /// longer one is `BAD_INPUT`). The download is checked and audited as a list.
    /// 人员名单导出地址（支持 and/or 等全部筛选条件）。
    async fn export_people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        #[graphql(default_with = "PersonOrder::Nationality")] order_by: PersonOrder,
        #[graphql(default)] direction: SortDirection,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<ExportLink> {
        let principal = principal(ctx)?;
        principal.authorize(Operation::ReadPeople).gql()?;
        let export = export_filter(&filter.unwrap_or_default(), order_by, direction, as_of)?;
        if export.searches() {
            principal.authorize(Operation::SearchPeople).gql()?;
        }
        // Checked now as the download will check it: a bad filter fails here.
        export.to_filter().gql()?;
        export.sort().gql()?;
        Ok(ExportLink {
            url: format!("/api/exports/people.xlsx?{}", export.query_string()),
        })
    }
}
