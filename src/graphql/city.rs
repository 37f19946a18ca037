//! The city as of a time: headline figures, people lists, one person, group-by counts and
//! the present trend.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::context::{as_of as resolve_as_of, authorize, database, principal, timezone};
use super::person::{Person, VisaStatus};
use crate::auth::Operation;
use crate::derived::{self, Between, Conditions, PersonFilter as Filter};
pub use crate::derived::{
    Cell as CrossCount, Count as CountEntry, Dimension as CountDimension, PersonOrder, TrendPoint,
};
use crate::error::{GqlResultExt, HubError};
use crate::service::people::{Page, People, PersonLookup, PersonQuery, Presence};

/// Headline figures. 总体情况。
#[derive(Debug, Clone, SimpleObject)]
pub struct Overview {
    /// The time the figures are for. 统计时间。
    pub as_of: DateTime<Utc>,
    /// The figures (their fields stand in this object).
    #[graphql(flatten)]
    pub figures: derived::Overview,
}

/// Which people to list or count; fields combine with AND, `and`/`or` nest. Lists,
/// counts and exports cover present people unless `present` says otherwise: `false` for
/// people away, `null` for everyone (or when a nested filter names `present`, as it says).
/// 人员筛选条件（列表、统计、导出默认仅含在庆人员；present: false 为不在庆，null 为全部）。
#[derive(Debug, Clone, Default, InputObject)]
pub struct PersonFilter {
    /// Nationalities (ISO alpha-3), any of. 国籍（三位代码，任一）。
    pub nationality: Option<Vec<String>>,
    /// Present in the city (`true`, the default), away (`false`), or everyone (`null`).
    /// 是否在庆（默认 true；false 不在庆；null 全部）。
    pub present: MaybeUndefined<bool>,
    /// Managing organisations (ids), any of. 具体负责管理单位编号。
    pub managing_unit: Option<Vec<ID>>,
    /// Reported by member units (codes), any of. 报送成员单位代码。
    pub reported_by: Option<Vec<String>>,
    /// Visa statuses, any of. 签证状态。
    pub visa_status: Option<Vec<VisaStatus>>,
    /// Arrived at or after. 到达时间起。
    pub arrived_from: Option<DateTime<Utc>>,
    /// Arrived at or before. 到达时间止。
    pub arrived_to: Option<DateTime<Utc>>,
    /// Departed at or after. 离开时间起。
    pub departed_from: Option<DateTime<Utc>>,
    /// Departed at or before. 离开时间止。
    pub departed_to: Option<DateTime<Utc>>,
    /// Part of a name or document number. 姓名或证件号码关键字。
    pub search: Option<String>,
    /// All of these. 同时满足。
    pub and: Option<Vec<PersonFilter>>,
    /// Any of these. 满足其一。
    pub or: Option<Vec<PersonFilter>>,
    /// Typed conditions on the person's fields and facts. 字段与记录条件。
    #[graphql(flatten)]
    pub conditions: Conditions,
}

impl PersonFilter {
    /// Which people by presence: as `present` says, present people when it is not given
    /// (unless a nested filter names presence: then as the nested filters say).
    pub fn presence(&self) -> Presence {
        match &self.present {
            MaybeUndefined::Value(present) => Presence::of(Some(*present)),
            MaybeUndefined::Null => Presence::Any,
            MaybeUndefined::Undefined => {
                let nested = self
                    .and
                    .iter()
                    .chain(self.or.iter())
                    .flatten()
                    .any(|f| !f.present.is_undefined());
                if nested {
                    Presence::Any
                } else {
                    Presence::Present
                }
            }
        }
    }

    /// The filter and presence of an optional filter argument, answered from the uploads
    /// landed by `known_at` when given.
    pub fn of(filter: Option<Self>, known_at: Option<DateTime<Utc>>) -> Result<(Filter, Presence)> {
        let filter = filter.unwrap_or_default();
        let top = Filter {
            known_at,
            ..filter.top_filter()?
        };
        Ok((top, filter.presence()))
    }

    /// The registry's filter of a top-level filter: its `present` is the presence
    /// ([`Self::presence`]), not a condition.
    pub fn top_filter(&self) -> Result<Filter> {
        Ok(Filter {
            present: None,
            ..self.to_filter()?
        })
    }

    /// The registry's filter.
    pub fn to_filter(&self) -> Result<Filter> {
        let organisations = self
            .managing_unit
            .as_ref()
            .map(|ids| {
                ids.iter()
                    .map(|id| {
                        id.parse::<i64>().map_err(|_| {
                            HubError::BadInput(format!("managingUnit: not an id: {}", id.0))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .gql()?;
        Ok(Filter {
            nationality: self
                .nationality
                .as_ref()
                .map(|codes| codes.iter().map(|c| c.trim().to_uppercase()).collect()),
            present: self.present.value().copied(),
            managing_organization: organisations,
            reported_by: self.reported_by.clone(),
            visa_status: self
                .visa_status
                .as_ref()
                .map(|s| s.iter().map(|v| (*v).into()).collect()),
            arrived_between: Between::of(self.arrived_from, self.arrived_to),
            departed_between: Between::of(self.departed_from, self.departed_to),
            search: self.search.clone(),
            and: self
                .and
                .iter()
                .flatten()
                .map(Self::to_filter)
                .collect::<Result<_>>()?,
            or: self
                .or
                .iter()
                .flatten()
                .map(Self::to_filter)
                .collect::<Result<_>>()?,
            conditions: self.conditions.clone(),
            own_unit: None,
            known_at: None,
        })
    }
}

/// Direction of an order. 排序方向。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
pub enum SortDirection {
    /// Smallest first (empty values last). 升序（空值在后）。
    #[default]
    Asc,
    /// Largest first (empty values last). 降序（空值在后）。
    Desc,
}

/// Page information of a connection. 分页信息。
#[derive(Debug, Clone, SimpleObject)]
pub struct PageInfo {
    /// More people follow. 是否还有下一页。
    pub has_next_page: bool,
    /// Cursor of the last person of the page. 本页最后一条的游标。
    pub end_cursor: Option<String>,
}

/// One person of a page with their cursor. 列表项。
#[derive(Debug, Clone, SimpleObject)]
pub struct PersonEdge {
    /// Cursor to continue after this person. 游标。
    pub cursor: String,
    /// The person. 人员。
    pub node: Person,
}

/// A page of people (Relay connection). 人员分页列表。
#[derive(Debug, Clone, SimpleObject)]
pub struct PersonConnection {
    /// People matching the filter. 符合条件的总人数。
    pub total_count: i64,
    /// The presence the list is limited to: `true` present people (the default), `false`
    /// people away, `null` everyone. 列表范围：true 仅在庆，false 仅不在庆，null 全部。
    pub present: Option<bool>,
    /// Page information. 分页信息。
    pub page_info: PageInfo,
    /// The page. 本页。
    pub edges: Vec<PersonEdge>,
}

/// Time unit of a trend. 时间粒度。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum TrendInterval {
    /// One point per day. 按天。
    Day,
}

/// Where a page starts: after a keyset cursor (`k:…`, what lists give), or after an
/// offset (`o:N`, the cursors of earlier versions).
fn decode_cursor(after: Option<&str>) -> Result<derived::Start> {
    match after {
        None => Ok(derived::Start::Offset(0)),
        Some(cursor) => cursor
            .strip_prefix("o:")
            .and_then(|n| n.parse::<u64>().ok())
            .map(derived::Start::Offset)
            .or_else(|| derived::Cursor::decode(cursor).map(derived::Start::After))
            .ok_or_else(|| {
                HubError::BadInput(format!("after: not a cursor of this list: {cursor}"))
            })
            .gql(),
    }
}

/// The city queries. 全市情况查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct CityQuery;

#[Object]
impl CityQuery {
    /// Headline figures as of a time (default now). Countries and managing units count
    /// present people only. 总体情况（默认当前时间）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn overview(
        &self,
        ctx: &Context<'_>,
        as_of: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Answer from the uploads landed by this time (what the hub knew then). 按该时点已入库的数据回答。"
        )]
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Overview> {
        let at = resolve_as_of(ctx, as_of);
        let figures = match known_at {
            Some(known) => {
                authorize(ctx, Operation::ReadFigures)?;
                derived::overview::overview_known(database(ctx)?, at, Some(known), timezone(ctx))
                    .await
                    .map_err(HubError::from)
                    .gql()?
            }
            // The dashboard's and the daily brief's figures, from the same service.
            None => people(ctx)?.overview(principal(ctx)?, at).await.gql()?,
        };
        Ok(Overview { as_of: at, figures })
    }

    /// People matching a filter as of a time, a page at a time (at most 500 for analysts
    /// and admins, 100 for others); present people unless the filter's `present` says
    /// otherwise. 人员列表（分页；分析员每页最多500人，其他角色100人；默认仅在庆人员）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    // Each argument is one of the query's GraphQL arguments.
    #[allow(clippy::too_many_arguments)]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        #[graphql(default)] order_by: PersonOrder,
        #[graphql(default)] direction: SortDirection,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        as_of: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Answer from the uploads landed by this time (what the hub knew then). 按该时点已入库的数据回答。"
        )]
        known_at: Option<DateTime<Utc>>,
    ) -> Result<PersonConnection> {
        let start = decode_cursor(after.as_deref())?;
        let page = Page::new(i64::from(first), 0).gql()?;
        let (filter, presence) = PersonFilter::of(filter, known_at)?;
        let query = PersonQuery {
            filter,
            order: order_by,
            descending: direction == SortDirection::Desc,
            page,
            start,
            as_of: resolve_as_of(ctx, as_of),
            presence,
        };
        let found = people(ctx)?.list(principal(ctx)?, query).await.gql()?;
        let people: Vec<Person> = found.people.into_iter().map(Person::from).collect();
        super::person::prime_page(ctx, ctx.look_ahead().field("edges").field("node"), &people)
            .await?;
        let edges: Vec<PersonEdge> = people
            .into_iter()
            .zip(found.cursors)
            .map(|(node, cursor)| PersonEdge {
                cursor: cursor.encode(),
                node,
            })
            .collect();
        Ok(PersonConnection {
            total_count: found.total,
            present: found.present,
            page_info: PageInfo {
                has_next_page: found.has_next,
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
        })
    }

    /// One person, by id or by document number and nationality. 查询单个人员（按编号，或按证件号码和国籍）。
    async fn person(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        document_number: Option<String>,
        nationality: Option<String>,
        as_of: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Answer from the uploads landed by this time (what the hub knew then); null when none of them named the person. 按该时点已入库的数据回答。"
        )]
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Option<Person>> {
        let lookup = PersonLookup::from_args(
            id.as_ref().map(|id| id.as_str()),
            document_number,
            nationality,
        );
        // The policy first: a refused role learns nothing of its arguments.
        authorize(ctx, Operation::ReadPeople)?;
        let found = people(ctx)?
            .find(
                principal(ctx)?,
                lookup.gql()?,
                resolve_as_of(ctx, as_of),
                known_at,
            )
            .await
            .gql()?;
        Ok(found.map(Person::from))
    }

    /// People grouped by a dimension, largest group first: present people unless the
    /// filter's `present` says otherwise. 按维度分组统计（默认仅在庆人员）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn counts_by(
        &self,
        ctx: &Context<'_>,
        dimension: CountDimension,
        as_of: Option<DateTime<Utc>>,
        filter: Option<PersonFilter>,
        #[graphql(
            desc = "Answer from the uploads landed by this time (what the hub knew then). 按该时点已入库的数据回答。"
        )]
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<CountEntry>> {
        let (filter, presence) = PersonFilter::of(filter, known_at)?;
        people(ctx)?
            .counts(
                principal(ctx)?,
                dimension,
                filter,
                presence,
                resolve_as_of(ctx, as_of),
            )
            .await
            .gql()
    }

    /// People present at the end of each day from `from` to `to` (at most 366 days),
    /// optionally only those matching a filter (its `present` is ignored: the trend counts
    /// present people). 每日在庆人数趋势（可加筛选条件）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn present_trend(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
        #[graphql(default_with = "TrendInterval::Day")] interval: TrendInterval,
        filter: Option<PersonFilter>,
        #[graphql(
            desc = "Answer from the uploads landed by this time (what the hub knew then). 按该时点已入库的数据回答。"
        )]
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<TrendPoint>> {
        authorize(ctx, Operation::ReadFigures)?;
        let TrendInterval::Day = interval;
        let days = (to - from).num_days();
        if !(0..derived::trend::MAX_TREND_DAYS).contains(&days) {
            return Err(HubError::BadInput(format!(
                "from..to must span 1 to {} days / 时间范围须为1至{}天",
                derived::trend::MAX_TREND_DAYS,
                derived::trend::MAX_TREND_DAYS
            )))
            .gql();
        }
        let until = resolve_as_of(ctx, None);
        let (filter, _) = PersonFilter::of(filter, known_at)?;
        people(ctx)?
            .present_trend(principal(ctx)?, filter, (from, to), until)
            .await
            .gql()
    }
}

#[Object]
impl CrossCountQuery {
    /// People counted by two dimensions at once, one cell per pair of keys holding
    /// anyone (keys as `countsBy` gives them); present people unless the filter's
    /// `present` says otherwise. The cells of NATIONALITY × MANAGING_UNIT sum to the
    /// present count. 交叉统计（如国籍 × 具体负责管理单位；默认仅在庆人员）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn cross_counts(
        &self,
        ctx: &Context<'_>,
        rows: CountDimension,
        columns: CountDimension,
        as_of: Option<DateTime<Utc>>,
        filter: Option<PersonFilter>,
        #[graphql(
            desc = "Answer from the uploads landed by this time (what the hub knew then). 按该时点已入库的数据回答。"
        )]
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<CrossCount>> {
        let (filter, presence) = PersonFilter::of(filter, known_at)?;
        people(ctx)?
            .cross_counts(
                principal(ctx)?,
                (rows, columns),
                filter,
                presence,
                resolve_as_of(ctx, as_of),
            )
            .await
            .gql()
    }
}

/// Cross counts (a query of its own so the city queries stay one screen). 交叉统计查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct CrossCountQuery;

/// The people reader of the request: its store, time zone and the schema's city cache.
fn people<'a>(ctx: &Context<'a>) -> Result<People<'a>> {
    Ok(People::new(database(ctx)?, timezone(ctx))
        .with_cache(super::context::city_cache(ctx)?)
        .with_read_audit(super::context::read_audit(ctx)))
}
