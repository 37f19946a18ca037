//! Lists of people as of T: a filter (nationality, presence, managing unit, reporting unit,
//! visa status, arrivals and departures in a period, name or document search, and/or),
//! an order, and a page; optionally read for one member unit's uploads alone
//! ([`PersonFilter::own_unit`]).

use super::conditions::Conditions;
use super::order::{Cursor, Sort, Start};
use super::overview::as_of_values;
use super::sql::derived_cte;
use super::status::PersonStatus;
use super::visa::VisaStatus;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::person;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement, Value};

/// A time range whose ends may each be open: from `from` (when given) to `to` (when
/// given), both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Between {
    /// The earliest time, included.
    pub from: Option<DateTime<Utc>>,
    /// The latest time, included.
    pub to: Option<DateTime<Utc>>,
}

impl Between {
    /// The range of these ends; `None` when both are open (no condition).
    pub fn of(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Option<Self> {
        (from.is_some() || to.is_some()).then_some(Self { from, to })
    }
}

/// Which people to list. Every field set must hold (AND); `and` and `or` nest. As JSON
/// (the people export's `where`), its fields in camelCase, an unknown one refused; the
/// unit scope and the time known are never read from JSON.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PersonFilter {
    /// Nationalities (ISO alpha-3), any of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<Vec<String>>,
    /// Present in the city at T, or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
    /// Managing organisations (ids), any of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managing_organization: Option<Vec<i64>>,
    /// Reported by one of these member units (codes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<Vec<String>>,
    /// Visa statuses, any of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visa_status: Option<Vec<VisaStatus>>,
    /// Arrived within the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrived_between: Option<Between>,
    /// Departed within the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departed_between: Option<Between>,
    /// A name in any word order (or part of the Chinese name), or part of the document
    /// number whatever its blanks, dashes and O/0, I/1 confusions ([`super::search`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// All of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub and: Vec<PersonFilter>,
    /// Any of these (when not empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub or: Vec<PersonFilter>,
    /// Typed conditions on the person's fields and facts.
    #[serde(skip_serializing_if = "Conditions::is_empty")]
    pub conditions: Conditions,
    /// Read for the uploads of this member unit (id) alone: only the people a row of its
    /// uploads names match, and every condition on facts (reporting units, arrivals and
    /// departures, names) reads only the facts its uploads gave. The derived facts
    /// (presence, managing unit, visa status) stay those of all facts. Read on the
    /// outermost filter only; nested filters share it.
    #[serde(skip)]
    pub own_unit: Option<i64>,
    /// Answer from the uploads landed by this time alone ([`super::known`]). Read on the
    /// outermost filter only.
    #[serde(skip)]
    pub known_at: Option<DateTime<Utc>>,
}

/// Orders of a people list. 排序方式。
// Ties are ordered by id; empty values come last. One enum for the store and GraphQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, async_graphql::Enum)]
pub enum PersonOrder {
    /// The order the hub learnt of them. 按登记顺序。
    #[default]
    Id,
    /// By Latin name. 按姓名。
    Name,
    /// By nationality, then name. 按国籍、姓名。
    Nationality,
    /// By Chinese name. 按中文姓名。
    ChineseName,
    /// By document number. 按证件号码。
    DocumentNumber,
    /// By sex. 按性别。
    Sex,
    /// By date of birth. 按出生日期。
    BirthDate,
    /// Without conflicts first. 按是否有来源冲突。
    HasConflicts,
    /// By when the hub first learnt of them. 按首次掌握时间。
    FirstSeen,
    // The last three are read at the time asked.
    /// Away first, then present. 按是否在庆。
    Present,
    /// By visa status. 按签证状态。
    VisaStatus,
    /// By the managing unit's name. 按具体负责管理单位。
    ManagingUnit,
}

/// The parameters of a statement being written: the values its `$n` placeholders bind.
pub(super) struct Sql {
    /// Its parameters, `$1` first.
    pub(super) values: Vec<Value>,
}

impl Sql {
    /// SQL whose first parameters are `values`.
    pub(super) fn with_values(values: Vec<Value>) -> Self {
        Self { values }
    }

    pub(super) fn param(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    pub(super) fn list<T: Into<Value> + Clone>(&mut self, items: &[T]) -> String {
        if items.is_empty() {
            return "NULL".to_owned();
        }
        let params: Vec<String> = items.iter().map(|item| self.param(item.clone())).collect();
        params.join(", ")
    }
}

impl PersonFilter {
    /// Whether the filter searches by name or document number, here or nested (a
    /// separate permission).
    pub fn searches(&self) -> bool {
        self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
            || self.conditions.searches()
            || self.and.iter().any(Self::searches)
            || self.or.iter().any(Self::searches)
    }

    /// Whether the filter names presence, here or nested.
    pub fn names_presence(&self) -> bool {
        self.present.is_some()
            || self.and.iter().any(Self::names_presence)
            || self.or.iter().any(Self::names_presence)
    }

    /// Whether the filter needs the derived facts (presence, managing unit, visa status).
    pub fn needs_derived(&self) -> bool {
        self.present.is_some()
            || self.managing_organization.is_some()
            || self.visa_status.is_some()
            || self.and.iter().any(Self::needs_derived)
            || self.or.iter().any(Self::needs_derived)
    }

    /// The condition over `p`: a person row, or when [`Self::needs_derived`] a row of the
    /// `derived` table (which has the person's searchable columns too).
    pub(super) fn condition(&self, sql: &mut Sql) -> String {
        let unit = self.own_unit;
        let condition = self.condition_for(sql, unit);
        match unit {
            Some(unit) => format!(
                "EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = p.id AND ps.member_unit_id = {}) \
                 AND ({condition})",
                sql.param(unit)
            ),
            None => condition,
        }
    }

    /// [`Self::condition`] without the restriction to the unit's people; conditions on
    /// facts read only the facts of `unit`'s uploads when given.
    fn condition_for(&self, sql: &mut Sql, unit: Option<i64>) -> String {
        let mut parts = Vec::new();
        // `AND <fact>.member_unit_id = $n`: facts of the unit's uploads only.
        let own = |sql: &mut Sql, alias: &str| match unit {
            Some(unit) => format!(" AND {alias}.member_unit_id = {}", sql.param(unit)),
            None => String::new(),
        };
        if let Some(codes) = &self.nationality {
            parts.push(format!("p.nationality IN ({})", sql.list(codes)));
        }
        // `present` is 0 or 1. Present people are written `<> 0`: PostgreSQL guesses that an
        // equality on a computed column keeps one row in two hundred, and `<>` the other
        // 199, which is right for a city where most people are present. With the guess of
        // `= 1` it derived the facts of every matching person before taking a page of them
        // (60 ms for 5,000 people of one nationality) instead of walking the people in
        // order until the page is full (1.5 ms).
        match self.present {
            Some(true) => parts.push("p.present <> 0".to_owned()),
            Some(false) => parts.push("p.present = 0".to_owned()),
            None => {}
        }
        if let Some(ids) = &self.managing_organization {
            parts.push(format!("p.organization_id IN ({})", sql.list(ids)));
        }
        if let Some(codes) = &self.reported_by {
            let own = own(sql, "ps");
            parts.push(format!(
                "EXISTS (SELECT 1 FROM person_source ps JOIN member_unit u ON u.id = ps.member_unit_id \
                 WHERE ps.person_id = p.id AND u.code IN ({}){own})",
                sql.list(codes)
            ));
        }
        if let Some(statuses) = &self.visa_status {
            let texts: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
            parts.push(format!("p.visa_status IN ({})", sql.list(&texts)));
        }
        for (between, direction) in [
            (&self.arrived_between, "arrival"),
            (&self.departed_between, "departure"),
        ] {
            if let Some(range) = between {
                // Only the ends given are bound: an open end is no condition.
                let mut bounds = String::new();
                if let Some(from) = range.from {
                    bounds.push_str(&format!(" AND m.occurred_at >= {}", sql.param(from)));
                }
                if let Some(to) = range.to {
                    bounds.push_str(&format!(" AND m.occurred_at <= {}", sql.param(to)));
                }
                let own = own(sql, "m");
                parts.push(format!(
                    "EXISTS (SELECT 1 FROM movement m WHERE m.person_id = p.id AND m.direction = '{direction}'{bounds}{own})"
                ));
            }
        }
        if let Some(search) = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            parts.push(match unit {
                // The names the unit's own rows gave (the document number is the identity
                // every row gives).
                Some(_) => {
                    let own = own(sql, "ps");
                    let found = super::search::condition(sql, search, "ps.latin_name", "ps.chinese_name");
                    format!("EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = p.id{own} AND {found})")
                }
                None => super::search::condition(sql, search, "p.latin_name", "p.chinese_name"),
            });
        }
        parts.extend(self.conditions.render(sql, unit));
        for nested in &self.and {
            parts.push(format!("({})", nested.condition_for(sql, unit)));
        }
        if !self.or.is_empty() {
            let any: Vec<String> = self
                .or
                .iter()
                .map(|nested| format!("({})", nested.condition_for(sql, unit)))
                .collect();
            parts.push(format!("({})", any.join(" OR ")));
        }
        if parts.is_empty() {
            "1 = 1".to_owned()
        } else {
            parts.join(" AND ")
        }
    }
}

/// One page of a people list.
#[derive(Debug, Clone)]
pub struct PersonPage {
    /// The people of the page with their derived facts.
    pub people: Vec<(person::Model, PersonStatus)>,
    /// How many people match the filter.
    pub total: i64,
    /// Whether more follow the page.
    pub has_next: bool,
    /// The cursor of each person of the page (to continue after them).
    pub cursors: Vec<Cursor>,
}

/// The statements of a people list: (count, page without its order and limit) and their
/// parameters. The count reads only what the filter needs; the page reads the person rows
/// in the same statement (joined back to `person` when the filter needs the derived facts).
fn list_statements(
    filter: &PersonFilter,
    as_of: DateTime<Utc>,
    tz: Tz,
    schema: Option<&str>,
) -> (String, String, Vec<Value>) {
    list_statements_for(filter, false, as_of, tz, schema)
}

/// The schema to read the tables of a statement from when `filter` asks what the hub knew
/// at a time ([`PersonFilter::known_at`]); `None` otherwise.
pub(super) async fn known_schema<C: ConnectionTrait>(
    db: &C,
    filter: &PersonFilter,
) -> Result<Option<String>, DbErr> {
    match filter.known_at {
        Some(_) => Ok(Some(super::known::schema_of(db).await?)),
        None => Ok(None),
    }
}

/// `text` read from the uploads landed by the filter's `known_at` (bound as a parameter of
/// `sql`), when it has one.
pub(super) fn known(
    text: String,
    filter: &PersonFilter,
    sql: &mut Sql,
    schema: Option<&str>,
) -> String {
    match (filter.known_at, schema) {
        (Some(at), Some(schema)) => {
            let param = sql.param(at);
            super::known::shadowed(&text, schema, &param)
        }
        _ => text,
    }
}

/// [`list_statements`], read from the derived facts also when `derived` (a sort on them).
fn list_statements_for(
    filter: &PersonFilter,
    derived: bool,
    as_of: DateTime<Utc>,
    tz: Tz,
    schema: Option<&str>,
) -> (String, String, Vec<Value>) {
    let mut sql = Sql::with_values(as_of_values(as_of, tz));
    let condition = filter.condition(&mut sql);
    let (count, page) = if filter.needs_derived() || derived {
        let ctes = derived_cte(None);
        (
            format!("{ctes} SELECT COUNT(*) AS n FROM derived p WHERE {condition}"),
            format!(
                "{ctes} SELECT q.* FROM derived p JOIN person q ON q.id = p.id WHERE {condition}"
            ),
        )
    } else {
        (
            format!("SELECT COUNT(*) AS n FROM person p WHERE {condition}"),
            format!("SELECT p.* FROM person p WHERE {condition}"),
        )
    };
    // Both statements share the parameters: the time known is bound once.
    let count = known(count, filter, &mut sql, schema);
    let page = match (filter.known_at, schema) {
        (Some(_), Some(schema)) => {
            super::known::shadowed(&page, schema, &format!("${}", sql.values.len()))
        }
        _ => page,
    };
    (count, page, sql.values)
}

/// How many people match `filter` as of `as_of`.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    filter: &PersonFilter,
    as_of: DateTime<Utc>,
    tz: Tz,
) -> Result<i64, DbErr> {
    let schema = known_schema(db, filter).await?;
    let (count_sql, _, values) = list_statements(filter, as_of, tz, schema.as_deref());
    let backend = db.get_database_backend();
    Ok(db
        .query_one_raw(Statement::from_sql_and_values(backend, count_sql, values))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Lists people matching `filter` as of `as_of`: `first` of them after skipping `offset`.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &PersonFilter,
    order: PersonOrder,
    first: u64,
    offset: u64,
    as_of: DateTime<Utc>,
    tz: Tz,
) -> Result<PersonPage, DbErr> {
    let total = count(db, filter, as_of, tz).await?;
    list_with_total(db, filter, order, (first, offset), as_of, tz, total).await
}

/// [`list`] when the caller already knows how many people match (`total`, from
/// [`count`]): the page `(first, offset)` alone is read.
pub async fn list_with_total<C: ConnectionTrait>(
    db: &C,
    filter: &PersonFilter,
    order: PersonOrder,
    (first, offset): (u64, u64),
    as_of: DateTime<Utc>,
    tz: Tz,
    total: i64,
) -> Result<PersonPage, DbErr> {
    let sort = Sort {
        order,
        descending: false,
    };
    page(
        db,
        filter,
        sort,
        (first, &Start::Offset(offset)),
        (as_of, tz),
        total,
    )
    .await
}

/// A page of `first` people matching `filter` in `sort`, from `start` (an offset, or after
/// a cursor of the same sort: `DbErr::Custom` for another one), as of `as_of`; `total` is
/// how many match ([`count`]).
pub async fn page<C: ConnectionTrait>(
    db: &C,
    filter: &PersonFilter,
    sort: Sort,
    (first, start): (u64, &Start),
    (as_of, tz): (DateTime<Utc>, Tz),
    total: i64,
) -> Result<PersonPage, DbErr> {
    let derived = filter.needs_derived() || sort.needs_derived();
    let schema = known_schema(db, filter).await?;
    let (_, page_sql, values) =
        list_statements_for(filter, sort.needs_derived(), as_of, tz, schema.as_deref());
    let person = if derived { "q" } else { "p" };
    let (order, columns) = sort.order_by(filter.own_unit, person);
    let mut sql = Sql::with_values(values);
    let (after, offset) = match start {
        Start::Offset(offset) => (String::new(), *offset),
        Start::After(cursor) => {
            let condition = sort
                .after(&mut sql, cursor, filter.own_unit, person)
                .ok_or_else(|| DbErr::Custom(BAD_CURSOR.to_owned()))?;
            (format!(" AND {condition}"), 0)
        }
    };
    // The page's statement selects the person and the sort values: `SELECT q.* …` or
    // `SELECT p.* …` gains the `sort_i` columns, and its condition the cursor's.
    let page_sql = page_sql.replacen(
        &format!("SELECT {person}.*"),
        &format!("SELECT {person}.*{columns}"),
        1,
    );
    let page_sql = format!(
        "{page_sql}{after} ORDER BY {order} LIMIT {} OFFSET {offset}",
        first.saturating_add(1),
    );
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend, page_sql, sql.values,
        ))
        .await?;
    let has_next = rows.len() as u64 > first;
    let mut people = Vec::new();
    let mut cursors = Vec::new();
    for row in rows
        .iter()
        .take(usize::try_from(first).unwrap_or(usize::MAX))
    {
        let model = person::Model::from_query_result(row, "")?;
        cursors.push(sort.cursor_of(row, filter.own_unit, model.id)?);
        people.push(model);
    }
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let statuses = super::status::statuses_known(db, &ids, as_of, filter.known_at, tz).await?;
    let people = super::status::with_statuses(people, statuses, true);
    Ok(PersonPage {
        people,
        total,
        has_next,
        cursors,
    })
}

/// The message of a cursor that is not of the list's order (`BAD_INPUT` upstream).
pub const BAD_CURSOR: &str = "after: not a cursor of this list and order";
