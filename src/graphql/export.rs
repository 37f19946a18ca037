//! `exportPeople`: the address of the people workbook of a filter and an order, to
//! download with the same token (`GET /api/exports/people.xlsx?…`, where the role, the
//! unit scope, the masking and the audit apply as for the lists).

use async_graphql::MaybeUndefined;
use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::city::{PersonFilter, PersonOrder, SortDirection};
use super::context::principal;
use crate::auth::Operation;
use crate::error::{GqlResultExt, HubError};
use crate::export::ExportFilter;

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

/// The export's query parameters of a GraphQL filter: `BAD_INPUT` for what an export
/// cannot hold (`and`, `or`, arrival and departure ranges: use `movement` conditions).
fn export_filter(
    filter: PersonFilter,
    order: PersonOrder,
    direction: SortDirection,
    as_of: Option<DateTime<Utc>>,
) -> Result<ExportFilter, HubError> {
    let nested = filter.and.as_ref().is_some_and(|f| !f.is_empty())
        || filter.or.as_ref().is_some_and(|f| !f.is_empty());
    let ranges = filter.arrived_from.is_some()
        || filter.arrived_to.is_some()
        || filter.departed_from.is_some()
        || filter.departed_to.is_some();
    if nested || ranges {
        return Err(HubError::BadInput(
            "exportPeople: and, or and arrival/departure ranges cannot be exported; use movement conditions / 导出不支持 and、or 及到达/离开时间范围，请改用 movement 条件"
                .to_owned(),
        ));
    }
    let join = |items: &[String]| items.join(",");
    let conditions = (!filter.conditions.is_empty())
        .then(|| serde_json::to_string(&filter.conditions))
        .transpose()
        .map_err(|e| HubError::Internal(format!("conditions as JSON: {e}")))?;
    Ok(ExportFilter {
        as_of: as_of.map(|t| t.to_rfc3339()),
        nationality: filter.nationality.as_deref().map(join),
        present: Some(
            match &filter.present {
                MaybeUndefined::Value(true) | MaybeUndefined::Undefined => "true",
                MaybeUndefined::Value(false) => "false",
                MaybeUndefined::Null => "all",
            }
            .to_owned(),
        ),
        unit: filter.reported_by.as_deref().map(join),
        managing_unit: filter.managing_unit.as_ref().map(|ids| {
            ids.iter()
                .map(|id| id.0.clone())
                .collect::<Vec<_>>()
                .join(",")
        }),
        visa_status: filter.visa_status.as_ref().map(|statuses| {
            statuses
                .iter()
                .map(|s| crate::derived::VisaStatus::from(*s).as_str())
                .collect::<Vec<_>>()
                .join(",")
        }),
        search: filter.search,
        filter: conditions,
        order_by: Some(order.name().to_owned()),
        direction: Some(
            match direction {
                SortDirection::Asc => "asc",
                SortDirection::Desc => "desc",
            }
            .to_owned(),
        ),
    })
}

#[Object]
impl ExportQuery {
    /// The address of the people workbook of a filter and an order (as `people`; by
    /// default present people by nationality), to download with the same token. The
    /// download is checked and audited as a list. 人员名单导出地址。
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
        let export = export_filter(filter.unwrap_or_default(), order_by, direction, as_of).gql()?;
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
