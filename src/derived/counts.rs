//! Group-by counts of the people present at T, for dashboards.

use super::overview::as_of_values;
use super::sql::derived_ctes;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// What to group present people by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// ISO alpha-3 nationality.
    Nationality,
    /// Managing organisation (具体负责管理单位).
    ManagingUnit,
    /// Member unit that reported the person (a person reported by two units counts for both).
    ReportingUnit,
    /// Visa status.
    VisaStatus,
    /// Kind of the managing organisation (university, enterprise, hotel …).
    OrganizationKind,
}

/// One group: a stable key, a label for people, and how many present people it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// Stable key (ISO code, organisation id, unit code, status, kind).
    pub key: String,
    /// Label (the key itself where the caller labels it, e.g. nationalities).
    pub label: String,
    /// Present people in the group.
    pub count: i64,
}

fn grouping(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Nationality => {
            "SELECT p.nationality AS key, p.nationality AS label, COUNT(*) AS n
             FROM derived d JOIN person p ON p.id = d.person_id
             WHERE d.present = 1 GROUP BY p.nationality"
        }
        Dimension::ManagingUnit => {
            "SELECT CAST(o.id AS TEXT) AS key, o.name AS label, COUNT(*) AS n
             FROM derived d JOIN organization o ON o.id = d.organization_id
             WHERE d.present = 1 GROUP BY o.id, o.name"
        }
        Dimension::ReportingUnit => {
            "SELECT u.code AS key, u.name AS label, COUNT(DISTINCT d.person_id) AS n
             FROM derived d JOIN person_source ps ON ps.person_id = d.person_id
             JOIN member_unit u ON u.id = ps.member_unit_id
             WHERE d.present = 1 GROUP BY u.code, u.name"
        }
        Dimension::VisaStatus => {
            "SELECT d.visa_status AS key, d.visa_status AS label, COUNT(*) AS n
             FROM derived d WHERE d.present = 1 GROUP BY d.visa_status"
        }
        Dimension::OrganizationKind => {
            "SELECT COALESCE(o.kind, 'unknown') AS key, COALESCE(o.kind, 'unknown') AS label, COUNT(*) AS n
             FROM derived d LEFT JOIN organization o ON o.id = d.organization_id
             WHERE d.present = 1 GROUP BY COALESCE(o.kind, 'unknown')"
        }
    }
}

/// Counts present people as of `as_of` grouped by `dimension`, largest group first (ties by
/// key).
pub async fn counts_by<C: ConnectionTrait>(
    db: &C,
    dimension: Dimension,
    as_of: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<Count>, DbErr> {
    let sql = format!(
        "{ctes} SELECT key, label, n FROM ({grouping}) g ORDER BY n DESC, key",
        ctes = derived_ctes(),
        grouping = grouping(dimension)
    );
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            as_of_values(as_of, tz),
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Count {
                key: row.try_get("", "key")?,
                label: row.try_get("", "label")?,
                count: row.try_get("", "n")?,
            })
        })
        .collect()
}
