//! The city as of a time: headline figures, people lists, one person, group-by counts and
//! the present trend.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::person;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::context::{as_of as resolve_as_of, authorize, database, principal, timezone};
use super::person::{Person, VisaStatus};
use super::view::PersonView;
use crate::auth::audit::{self, Action};
use crate::auth::{Grant, Operation};
use crate::derived::{self, Dimension, PersonFilter as Filter, PersonOrder as Order};
use crate::error::{GqlResultExt, HubError};

/// Most people one page may hold.
pub const MAX_PAGE: i32 = 100;

/// Headline figures. 总体情况。
#[derive(Debug, Clone, SimpleObject)]
pub struct Overview {
    /// The time the figures are for. 统计时间。
    pub as_of: DateTime<Utc>,
    /// People the hub knows of. 掌握人数。
    pub known_people: i64,
    /// People present in the city. 在庆人数。
    pub present_people: i64,
    /// Countries and regions of present people. 国家和地区数。
    pub countries: i64,
    /// Managing units of present people. 具体负责管理单位数。
    pub managing_units: i64,
    /// Arrivals on the day. 当日入境（到达）人数。
    pub arrivals: i64,
    /// Departures on the day. 当日离开人数。
    pub departures: i64,
    /// Present people whose visa expires within 30 days. 签证30天内到期人数。
    pub expiring_visas: i64,
    /// Present people whose visa has expired. 签证过期（逾期滞留）人数。
    pub expired_visas: i64,
}

/// Which people to list; fields combine with AND, `and`/`or` nest. 人员筛选条件。
#[derive(Debug, Clone, Default, InputObject)]
pub struct PersonFilter {
    /// Nationalities (ISO alpha-3), any of. 国籍（三位代码，任一）。
    pub nationality: Option<Vec<String>>,
    /// Present in the city, or not. 是否在庆。
    pub present: Option<bool>,
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
}

fn between(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    match (from, to) {
        (None, None) => None,
        (from, to) => Some((
            from.unwrap_or(DateTime::<Utc>::MIN_UTC),
            to.unwrap_or(DateTime::<Utc>::MAX_UTC),
        )),
    }
}

impl PersonFilter {
    /// Whether the filter searches by name or document number, here or nested.
    pub fn has_search(&self) -> bool {
        self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
            || self.and.iter().flatten().any(Self::has_search)
            || self.or.iter().flatten().any(Self::has_search)
    }

    /// The registry's filter for a request with `grant` (of `ReadPeople` or `ReadCounts`):
    /// searching needs `SearchPeople`, and a grant restricted to a unit sees only the
    /// people that unit reported.
    fn to_scoped_filter(&self, ctx: &Context<'_>, grant: &Grant) -> Result<Filter> {
        if self.has_search() {
            authorize(ctx, Operation::SearchPeople)?;
        }
        let filter = self.to_filter()?;
        Ok(match grant.restricted_to() {
            Some(unit) => Filter {
                reported_by: Some(vec![unit.code.clone()]),
                and: vec![filter],
                ..Filter::default()
            },
            None => filter,
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
            present: self.present,
            managing_organization: organisations,
            reported_by: self.reported_by.clone(),
            visa_status: self
                .visa_status
                .as_ref()
                .map(|s| s.iter().map(|v| v.as_str().to_owned()).collect()),
            arrived_between: between(self.arrived_from, self.arrived_to),
            departed_between: between(self.departed_from, self.departed_to),
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
        })
    }
}

/// Orders of a people list. 排序方式。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
pub enum PersonOrder {
    /// The order the hub learnt of them. 按登记顺序。
    #[default]
    Id,
    /// By Latin name. 按姓名。
    Name,
    /// By nationality, then name. 按国籍、姓名。
    Nationality,
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
    /// Page information. 分页信息。
    pub page_info: PageInfo,
    /// The page. 本页。
    pub edges: Vec<PersonEdge>,
}

/// What to count people by. 分组维度。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum CountDimension {
    /// Nationality. 国籍。
    Nationality,
    /// Managing unit. 具体负责管理单位。
    ManagingUnit,
    /// Reporting member unit. 报送成员单位。
    ReportingUnit,
    /// Visa status. 签证状态。
    VisaStatus,
    /// Kind of managing organisation. 管理单位类别。
    OrganizationKind,
}

impl From<CountDimension> for Dimension {
    fn from(d: CountDimension) -> Self {
        match d {
            CountDimension::Nationality => Self::Nationality,
            CountDimension::ManagingUnit => Self::ManagingUnit,
            CountDimension::ReportingUnit => Self::ReportingUnit,
            CountDimension::VisaStatus => Self::VisaStatus,
            CountDimension::OrganizationKind => Self::OrganizationKind,
        }
    }
}

/// One group of a count. 分组计数。
#[derive(Debug, Clone, SimpleObject)]
pub struct CountEntry {
    /// Stable key (ISO code, organisation id, unit code, status, kind). 键。
    pub key: String,
    /// Label for people (Chinese name of a country, name of a unit). 名称。
    pub label: String,
    /// People in the group. 人数。
    pub count: i64,
}

/// Time unit of a trend. 时间粒度。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum TrendInterval {
    /// One point per day. 按天。
    Day,
}

/// Present people at the end of one day. 每日在庆人数。
#[derive(Debug, Clone, SimpleObject)]
pub struct TrendPoint {
    /// The day. 日期。
    pub day: NaiveDate,
    /// People present at the end of the day. 在庆人数。
    pub present: i64,
}

fn decode_cursor(after: Option<&str>) -> Result<u64> {
    match after {
        None => Ok(0),
        Some(cursor) => cursor
            .strip_prefix("o:")
            .and_then(|n| n.parse::<u64>().ok())
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
    async fn overview(&self, ctx: &Context<'_>, as_of: Option<DateTime<Utc>>) -> Result<Overview> {
        authorize(ctx, Operation::ReadFigures)?;
        let at = resolve_as_of(ctx, as_of);
        let o = super::context::city_cache(ctx)?
            .overview(database(ctx)?, at, timezone(ctx))
            .await
            .gql()?;
        Ok(Overview {
            as_of: at,
            known_people: o.known_people,
            present_people: o.present_people,
            countries: o.countries,
            managing_units: o.managing_units,
            arrivals: o.arrivals,
            departures: o.departures,
            expiring_visas: o.expiring_visas,
            expired_visas: o.expired_visas,
        })
    }

    /// People matching a filter as of a time, a page at a time (at most 100). 人员列表（分页，每页最多100人）。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        #[graphql(default)] order_by: PersonOrder,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<PersonConnection> {
        if !(0..=MAX_PAGE).contains(&first) {
            return Err(HubError::BadInput(format!("first: give 0 to {MAX_PAGE}"))).gql();
        }
        let grant = authorize(ctx, Operation::ReadPeople)?;
        let view = PersonView::of(&grant);
        let at = resolve_as_of(ctx, as_of);
        let filter = filter.unwrap_or_default().to_scoped_filter(ctx, &grant)?;
        let offset = decode_cursor(after.as_deref())?;
        let order = match order_by {
            PersonOrder::Id => Order::Id,
            PersonOrder::Name => Order::Name,
            PersonOrder::Nationality => Order::Nationality,
        };
        let db = database(ctx)?;
        let total = super::context::city_cache(ctx)?
            .total(db, &filter, at, timezone(ctx))
            .await
            .gql()?;
        let page = derived::people::list_with_total(
            db,
            &filter,
            order,
            (u64::try_from(first).unwrap_or(0), offset),
            at,
            timezone(ctx),
            total,
        )
        .await
        .gql()?;
        let people: Vec<Person> = page
            .people
            .into_iter()
            .map(|(model, status)| Person {
                model,
                status,
                as_of: at,
                view,
            })
            .collect();
        let ids: Vec<i64> = people.iter().map(|p| p.model.id).collect();
        audit::record(
            database(ctx)?,
            principal(ctx)?,
            Action::ReadPeople,
            "people",
            serde_json::json!({ "people": ids, "total": page.total, "masked": view.masked() }),
        )
        .await
        .gql()?;
        super::person::prime_page(ctx, ctx.look_ahead().field("edges").field("node"), &people)
            .await?;
        let edges: Vec<PersonEdge> = people
            .into_iter()
            .enumerate()
            .map(|(i, node)| PersonEdge {
                cursor: format!("o:{}", offset + i as u64 + 1),
                node,
            })
            .collect();
        Ok(PersonConnection {
            total_count: page.total,
            page_info: PageInfo {
                has_next_page: page.has_next,
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
    ) -> Result<Option<Person>> {
        let grant = authorize(ctx, Operation::ReadPeople)?;
        let view = PersonView::of(&grant);
        let db = database(ctx)?;
        let query = match (id, document_number, nationality) {
            (Some(id), None, None) => {
                let id: i64 = id
                    .parse()
                    .map_err(|_| HubError::BadInput("id: not a person id".to_owned()))
                    .gql()?;
                person::Entity::find_by_id(id)
            }
            (None, Some(number), Some(nationality)) => {
                authorize(ctx, Operation::SearchPeople)?;
                person::Entity::find()
                    .filter(
                        person::Column::DocumentNumber
                            .eq(importers::normalize::document_number(&number)),
                    )
                    .filter(
                        person::Column::Nationality.eq(importers::normalize::nationality(
                            &nationality,
                        )
                        .map(|c| c.alpha3.to_owned())
                        .unwrap_or_else(|| nationality.trim().to_uppercase())),
                    )
            }
            _ => {
                return Err(HubError::BadInput(
                    "give either id, or documentNumber and nationality / 请提供编号，或证件号码和国籍".to_owned(),
                ))
                .gql();
            }
        };
        let Some(model) = query.one(db).await.gql()? else {
            return Ok(None);
        };
        if let Some(unit) = grant.restricted_to()
            && !reported_by(db, model.id, unit.id).await?
        {
            // Another unit's person: as if unknown.
            return Ok(None);
        }
        audit::record(
            db,
            principal(ctx)?,
            Action::ReadPerson,
            format!("person:{}", model.id),
            serde_json::json!({ "masked": view.masked() }),
        )
        .await
        .gql()?;
        let at = resolve_as_of(ctx, as_of);
        let mut statuses = derived::statuses(db, &[model.id], at, timezone(ctx))
            .await
            .gql()?;
        let status = statuses
            .remove(&model.id)
            .ok_or_else(|| HubError::Internal(format!("no derived facts for person {}", model.id)))
            .gql()?;
        Ok(Some(Person {
            model,
            status,
            as_of: at,
            view,
        }))
    }

    /// Present people grouped by a dimension, largest group first. 按维度分组统计在庆人数。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn counts_by(
        &self,
        ctx: &Context<'_>,
        dimension: CountDimension,
        as_of: Option<DateTime<Utc>>,
        filter: Option<PersonFilter>,
    ) -> Result<Vec<CountEntry>> {
        let grant = authorize(ctx, Operation::ReadCounts)?;
        let at = resolve_as_of(ctx, as_of);
        let filter = filter.unwrap_or_default().to_scoped_filter(ctx, &grant)?;
        let counts = super::context::city_cache(ctx)?
            .counts_by(database(ctx)?, dimension.into(), &filter, at, timezone(ctx))
            .await
            .gql()?;
        Ok(counts
            .into_iter()
            .map(|c| CountEntry {
                label: match dimension {
                    CountDimension::Nationality => super::person::Nationality::of(&c.key).name_zh,
                    _ => c.label,
                },
                key: c.key,
                count: c.count,
            })
            .collect())
    }

    /// Present people at the end of each day from `from` to `to` (at most 366 days). 每日在庆人数趋势。
    #[graphql(complexity = "super::CITY_WIDE_COST + child_complexity")]
    async fn present_trend(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
        #[graphql(default_with = "TrendInterval::Day")] interval: TrendInterval,
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
        let points = super::context::city_cache(ctx)?
            .present_trend(database(ctx)?, from, to, until, timezone(ctx))
            .await
            .gql()?;
        Ok(points
            .into_iter()
            .map(|p| TrendPoint {
                day: p.day,
                present: p.present,
            })
            .collect())
    }
}

/// Whether member unit `unit_id` reported person `person_id` (a row of its uploads names them).
async fn reported_by(
    db: &sea_orm::DatabaseConnection,
    person_id: i64,
    unit_id: i64,
) -> Result<bool> {
    use entity::person_source;
    use sea_orm::PaginatorTrait;
    let n = person_source::Entity::find()
        .filter(person_source::Column::PersonId.eq(person_id))
        .filter(person_source::Column::MemberUnitId.eq(unit_id))
        .count(db)
        .await
        .gql()?;
    Ok(n > 0)
}
