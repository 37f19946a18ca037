//! The foreign keys of the rows a landing copies into PostgreSQL, checked set by set
//! instead of row by row.
//!
//! PostgreSQL checks a foreign key with one lookup per inserted row (a trigger runs a query
//! that finds the parent and locks it `FOR KEY SHARE`). A landing of 100,000 rows makes
//! about a million of them, which took half of PostgreSQL's landing time (measured: the
//! COPYs of a 100,000-row visa list took 20 s with the checks and 6 s without, on a loaded
//! machine). The landing knows every parent its rows name, so before each COPY it checks
//! them in one statement per key and copies with the per-row triggers off
//! (`session_replication_role = replica`, for the COPY only):
//!
//! - a parent this landing created (rows copied with ids it allocated, see
//!   [`ParentChecks::created`]) exists: it was inserted by this transaction, which nobody
//!   else sees and which deletes none of them;
//! - every other parent is found and locked `FOR KEY SHARE` in one statement, as the
//!   per-row check would lock it, so that no other transaction deletes it before the
//!   landing commits; one not found fails the landing, naming the table and key.
//!
//! The triggers are only turned off where the role may set `session_replication_role`
//! (a superuser, or on PostgreSQL 15 and later a role granted
//! `GRANT SET ON PARAMETER session_replication_role`), and never for a table with a
//! trigger of its own or a foreign key this module does not check (several columns, or a
//! key to the table itself): there the rows are copied with the usual checks.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use sea_orm::sqlx::{self, PgPool, Row};
use sea_orm::{DbErr, Value};

/// A single-column foreign key: `column` of the child table names `parent_column` of
/// `parent`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ForeignKey {
    column: String,
    parent: String,
    parent_column: String,
}

/// What a landing needs to check the parents of the rows it copies: the foreign keys of
/// the tables, and the ids the landing created so far.
#[derive(Debug, Default)]
pub struct ParentChecks {
    /// The single-column foreign keys of each table (by the table's name as `regclass`
    /// writes it, which is how the landing names tables in the public schema).
    keys: HashMap<String, Vec<ForeignKey>>,
    /// Tables always copied with the per-row checks.
    checked_by_triggers: HashSet<String>,
    /// The ids of rows this landing copied, by table.
    created: Mutex<HashMap<String, HashSet<i64>>>,
}

fn sql_error(what: &str) -> impl Fn(sqlx::Error) -> DbErr + '_ {
    move |e| DbErr::Custom(format!("{what}: {e}"))
}

/// Whether the connection's role may set `session_replication_role`.
async fn may_skip_triggers(pool: &PgPool) -> Result<bool, DbErr> {
    let row = sqlx::query(
        "SELECT rolsuper, current_setting('server_version_num')::int AS version
         FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_optional(pool)
    .await
    .map_err(sql_error("reading the role"))?;
    let Some(row) = row else {
        return Ok(false);
    };
    let superuser: bool = row.try_get("rolsuper").unwrap_or(false);
    let version: i32 = row.try_get("version").unwrap_or(0);
    if superuser {
        return Ok(true);
    }
    if version < 150_000 {
        return Ok(false);
    }
    // PostgreSQL 15 and later: the privilege may be granted to the role.
    sqlx::query_scalar("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        .fetch_one(pool)
        .await
        .map_err(sql_error("reading the role's privileges"))
}

impl ParentChecks {
    /// The checks of a landing on `pool`'s connection (in its transaction), or `None` when
    /// the role may not turn the per-row checks off (the rows are then copied with them).
    pub async fn load(pool: &PgPool) -> Result<Option<Self>, DbErr> {
        if !may_skip_triggers(pool).await? {
            return Ok(None);
        }
        let mut checks = Self::default();
        let keys = sqlx::query(
            "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
                    array_length(c.conkey, 1) AS width,
                    quote_ident(a.attname) AS column_name,
                    quote_ident(p.attname) AS parent_column
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             JOIN pg_attribute p ON p.attrelid = c.confrelid AND p.attnum = c.confkey[1]
             WHERE c.contype = 'f'",
        )
        .fetch_all(pool)
        .await
        .map_err(sql_error("reading the foreign keys"))?;
        for row in keys {
            let get = |name: &str| -> Result<String, DbErr> {
                row.try_get(name)
                    .map_err(sql_error("reading a foreign key"))
            };
            let (child, parent) = (get("child")?, get("parent")?);
            let width: i32 = row
                .try_get("width")
                .map_err(sql_error("reading a foreign key"))?;
            if width != 1 || child == parent {
                checks.checked_by_triggers.insert(child);
                continue;
            }
            checks.keys.entry(child).or_default().push(ForeignKey {
                column: get("column_name")?,
                parent,
                parent_column: get("parent_column")?,
            });
        }
        let triggered: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal",
        )
        .fetch_all(pool)
        .await
        .map_err(sql_error("reading the triggers"))?;
        checks.checked_by_triggers.extend(triggered);
        Ok(Some(checks))
    }

    /// Notes that this landing copied rows with these ids into `table`.
    pub fn created(&self, table: &str, ids: &[i64]) {
        if let Ok(mut created) = self.created.lock() {
            created
                .entry(table.to_owned())
                .or_default()
                .extend(ids.iter().copied());
        }
    }

    /// Checks and locks the parents named by rows about to be copied into `table`
    /// (`values`, `columns.len()` per row). `Ok(true)` when the rows may be copied
    /// without the per-row checks; `Ok(false)` when they must keep them (a table this
    /// module does not check, a key given as a value that is not a whole number).
    pub async fn check(
        &self,
        pool: &PgPool,
        table: &str,
        columns: &[&str],
        values: &[Value],
    ) -> Result<bool, DbErr> {
        if self.checked_by_triggers.contains(table) {
            return Ok(false);
        }
        let Some(keys) = self.keys.get(table) else {
            // No foreign key: nothing to check, and no trigger to turn off.
            return Ok(false);
        };
        let width = columns.len().max(1);
        let mut wanted = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(at) = columns.iter().position(|c| quoted(c) == key.column) else {
                // The column is not copied: left to its default, which the triggers check.
                return Ok(false);
            };
            let Some(ids) = self.parents_to_check(key, values.iter().skip(at).step_by(width))
            else {
                return Ok(false);
            };
            wanted.push((key, ids));
        }
        for (key, ids) in wanted {
            if ids.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} = ANY($1) FOR KEY SHARE) found",
                key.parent, key.parent_column
            );
            // The names come from the catalogue, quoted by `regclass` and `quote_ident`.
            let found: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(&ids)
                .fetch_one(pool)
                .await
                .map_err(sql_error("checking the parents of a COPY"))?;
            if usize::try_from(found).ok() != Some(ids.len()) {
                return Err(DbErr::Custom(format!(
                    "COPY into {table}: {} of the {} rows of {} named by {table}.{} do not exist",
                    ids.len()
                        .saturating_sub(usize::try_from(found).unwrap_or(0)),
                    ids.len(),
                    key.parent,
                    key.column
                )));
            }
        }
        Ok(true)
    }

    /// The distinct non-null values of a key column that this landing did not create;
    /// `None` when a value is not a whole number.
    fn parents_to_check<'v>(
        &self,
        key: &ForeignKey,
        column: impl Iterator<Item = &'v Value>,
    ) -> Option<Vec<i64>> {
        let created = self.created.lock().ok()?;
        let ours = created.get(&key.parent);
        let mut ids = HashSet::new();
        for value in column {
            if let Some(id) = whole_number(value)?
                && !ours.is_some_and(|ours| ours.contains(&id))
            {
                ids.insert(id);
            }
        }
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        Some(ids)
    }
}

/// A column name as `quote_ident` writes it (the landing's columns are plain lower-case
/// names, written as they are).
fn quoted(column: &str) -> String {
    let plain = column
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !column.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        column.to_owned()
    } else {
        format!("\"{}\"", column.replace('"', "\"\""))
    }
}

/// A key value: `Some(None)` for NULL, `None` for a value that is not a whole number.
fn whole_number(value: &Value) -> Option<Option<i64>> {
    match value {
        Value::BigInt(v) => Some(*v),
        Value::Int(v) => Some(v.map(i64::from)),
        Value::SmallInt(v) => Some(v.map(i64::from)),
        Value::TinyInt(v) => Some(v.map(i64::from)),
        Value::Unsigned(v) => Some(v.map(i64::from)),
        Value::BigUnsigned(Some(v)) => i64::try_from(*v).ok().map(Some),
        Value::BigUnsigned(None) => Some(None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(column: &str, parent: &str) -> ForeignKey {
        ForeignKey {
            column: column.to_owned(),
            parent: parent.to_owned(),
            parent_column: "id".to_owned(),
        }
    }

    #[test]
    fn parents_created_by_the_landing_and_nulls_are_not_checked_again() {
        let checks = ParentChecks::default();
        checks.created("person", &[1, 2]);
        let values = [
            Value::from(1i64),
            Value::from(7i64),
            Value::from(2i64),
            Value::from(7i64),
            Value::BigInt(None),
            Value::from(9i32),
        ];
        let ids = checks.parents_to_check(&key("person_id", "person"), values.iter());
        assert_eq!(ids, Some(vec![7, 9]));
        let other = checks.parents_to_check(&key("source_row_id", "source_row"), values.iter());
        assert_eq!(other, Some(vec![1, 2, 7, 9]));
    }

    #[test]
    fn a_key_that_is_not_a_whole_number_keeps_the_row_by_row_checks() {
        let checks = ParentChecks::default();
        let values = [Value::from("1".to_owned())];
        assert_eq!(
            checks.parents_to_check(&key("person_id", "person"), values.iter()),
            None
        );
    }

    #[test]
    fn column_names_are_compared_as_quote_ident_writes_them() {
        assert_eq!(quoted("person_id"), "person_id");
        assert_eq!(quoted("Person"), "\"Person\"");
        assert_eq!(quoted("1st"), "\"1st\"");
    }
}
