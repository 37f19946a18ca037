//! Group-by counts of the people present at T, for dashboards.

use super::overview::as_of_values;
use super::people::{PersonFilter, Sql};
use super::rows::all_rows;
use super::sql::derived_ctes;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

/// What to count people by. 分组维度。
// One enum for the store and GraphQL (`CountDimension`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
#[graphql(name = "CountDimension")]
pub enum Dimension {
    /// Nationality. 国籍。
    Nationality,
    /// Managing unit. 具体负责管理单位。
    ManagingUnit,
    /// Reporting member unit. 报送成员单位。
    // A person reported by two units counts for both.
    ReportingUnit,
    /// Visa status. 签证状态。
    VisaStatus,
    /// Kind of managing organisation. 管理单位类别。
    OrganizationKind,
}

/// One group of a count. 分组计数。
// A stable key, a label for people, and how many people (present ones unless the filter
// names presence) it holds; the GraphQL `CountEntry`.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult, async_graphql::SimpleObject)]
#[graphql(name = "CountEntry")]
pub struct Count {
    /// Stable key (ISO code, organisation id, unit code, status, kind). 键。
    pub key: String,
    /// Label for people (Chinese name of a country, name of a unit). 名称。
    // The key itself where the caller labels it (nationalities).
    pub label: String,
    /// People in the group. 人数。
    #[sea_orm(from_alias = "n")]
    pub count: i64,
}

/// `(label, count, group by)` of a dimension, over `p` (a `derived` row) and the joins
/// [`keyed`] gives it with no suffix.
fn grouping(dimension: Dimension) -> (&'static str, &'static str, &'static str) {
    match dimension {
        Dimension::Nationality => ("p.nationality", "COUNT(*)", "p.nationality"),
        Dimension::ManagingUnit => ("o.name", "COUNT(*)", "o.id, o.name"),
        Dimension::ReportingUnit => ("u.name", "COUNT(DISTINCT p.person_id)", "u.code, u.name"),
        Dimension::VisaStatus => ("p.visa_status", "COUNT(*)", "p.visa_status"),
        Dimension::OrganizationKind => (
            "COALESCE(o.kind, 'unknown')",
            "COUNT(*)",
            "COALESCE(o.kind, 'unknown')",
        ),
    }
}

/// The condition that limits a count to present people, unless the filter names presence
/// itself.
fn presence(filter: &PersonFilter) -> &'static str {
    if filter.names_presence() {
        ""
    } else {
        "p.present = 1 AND "
    }
}

/// People matching `filter` as of `as_of` in groups, as `write` groups them: given the
/// statement (its parameters so far those of the filter's condition) and that condition
/// (present people only, unless the filter names presence), it writes the grouping `SELECT`
/// over `derived p`, one row per group. Answered from the uploads landed by the filter's
/// `known_at`, when it names one.
async fn grouped<C: ConnectionTrait, T: FromQueryResult>(
    db: &C,
    filter: &PersonFilter,
    (as_of, tz): (DateTime<Utc>, Tz),
    write: impl FnOnce(&mut Sql, &str) -> String,
) -> Result<Vec<T>, DbErr> {
    let mut sql = Sql::with_values(as_of_values(as_of, tz));
    let condition = filter.condition(&mut sql);
    let matching = format!("{}({condition})", presence(filter));
    let select = write(&mut sql, &matching);
    let Sql { mut values } = sql;
    let text = format!("{} {select}", derived_ctes());
    let text = super::known::as_known(db, text, &mut values, filter.known_at).await?;
    all_rows(db, text, values)
        .await?
        .iter()
        .map(|row| T::from_query_result(row, ""))
        .collect()
}

/// `(key, joins)` of a dimension: its joins use aliases ending in `suffix`, so two
/// dimensions can be grouped in one statement (a cross count).
fn keyed(dimension: Dimension, suffix: &str) -> (String, String) {
    let (o, ps, u) = (
        format!("o{suffix}"),
        format!("ps{suffix}"),
        format!("u{suffix}"),
    );
    match dimension {
        Dimension::Nationality => ("p.nationality".to_owned(), String::new()),
        Dimension::ManagingUnit => (
            format!("CAST({o}.id AS TEXT)"),
            format!("JOIN organization {o} ON {o}.id = p.organization_id"),
        ),
        Dimension::ReportingUnit => (
            format!("{u}.code"),
            format!(
                "JOIN person_source {ps} ON {ps}.person_id = p.person_id JOIN member_unit {u} ON {u}.id = {ps}.member_unit_id"
            ),
        ),
        Dimension::VisaStatus => ("p.visa_status".to_owned(), String::new()),
        Dimension::OrganizationKind => (
            format!("COALESCE({o}.kind, 'unknown')"),
            format!("LEFT JOIN organization {o} ON {o}.id = p.organization_id"),
        ),
    }
}

/// One cell of a cross count. 交叉统计单元格。
// The GraphQL `CrossCount`.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult, async_graphql::SimpleObject)]
#[graphql(name = "CrossCount")]
pub struct Cell {
    /// Key of the row dimension (as `countsBy` gives it). 行键。
    #[sea_orm(from_alias = "row_key")]
    pub row: String,
    /// Key of the column dimension. 列键。
    #[sea_orm(from_alias = "column_key")]
    pub column: String,
    /// People in both groups. 人数。
    #[sea_orm(from_alias = "n")]
    pub count: i64,
}

/// Counts people matching `filter` as of `as_of` (present people unless the filter names
/// presence, as [`counts_by`]) by two dimensions at once: one cell per pair of keys that
/// holds anyone, largest first (ties by row, then column). A person reported by two units
/// counts once in each of their units' cells.
pub async fn cross_counts<C: ConnectionTrait>(
    db: &C,
    (rows, columns): (Dimension, Dimension),
    filter: &PersonFilter,
    as_of: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<Cell>, DbErr> {
    grouped(db, filter, (as_of, tz), |sql, matching| {
        let (row_key, row_joins) = keyed(rows, "r");
        let (column_key, column_joins) = keyed(columns, "c");
        let mut joins = format!("{row_joins} {column_joins}");
        if let Some(unit) = filter.own_unit {
            // Counted for one unit's uploads: a person's reporting units are that unit alone.
            for (dimension, suffix) in [(rows, "r"), (columns, "c")] {
                if dimension == Dimension::ReportingUnit {
                    joins = joins.replace(
                        &format!("ps{suffix}.person_id = p.person_id"),
                        &format!(
                            "ps{suffix}.person_id = p.person_id AND ps{suffix}.member_unit_id = {}",
                            sql.param(unit)
                        ),
                    );
                }
            }
        }
        format!(
            "SELECT row_key, column_key, n FROM (
                SELECT {row_key} AS row_key, {column_key} AS column_key, COUNT(DISTINCT p.person_id) AS n
                FROM derived p {joins}
                WHERE {matching}
                GROUP BY {row_key}, {column_key}
            ) g ORDER BY n DESC, row_key, column_key"
        )
    })
    .await
}

/// Counts present people matching `filter` as of `as_of` grouped by `dimension`, largest
/// group first (ties by key). A filter that names presence (`present`, here or nested)
/// decides presence itself: then people away count too when it lets them.
pub async fn counts_by<C: ConnectionTrait>(
    db: &C,
    dimension: Dimension,
    filter: &PersonFilter,
    as_of: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<Count>, DbErr> {
    grouped(db, filter, (as_of, tz), |sql, matching| {
        let (label, count, group) = grouping(dimension);
        let (key, joins) = keyed(dimension, "");
        // Counted for one unit's uploads: a person's reporting units are that unit alone.
        let joins = match (dimension, filter.own_unit) {
            (Dimension::ReportingUnit, Some(unit)) => {
                format!("{joins} AND ps.member_unit_id = {}", sql.param(unit))
            }
            _ => joins,
        };
        format!(
            "SELECT key, label, n FROM (
                SELECT {key} AS key, {label} AS label, {count} AS n
                FROM derived p {joins}
                WHERE {matching}
                GROUP BY {group}
            ) g ORDER BY n DESC, key"
        )
    })
    .await
}
