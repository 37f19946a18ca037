//! Batched inserts sized for the bind-parameter limits of SQLite and PostgreSQL.
//!
//! Two ways in: [`insert_all`] takes sea-orm active models (convenient for small tables);
//! [`insert_rows`] and [`insert_rows_returning`] write multi-row `INSERT … VALUES` statements
//! straight from the caller's data, one statement text per chunk size (so the driver's
//! prepared-statement cache reuses it), without building a model, an expression tree or a
//! JSON tree per row. Landing a large file spends most of its time here.

use std::collections::HashMap;
use std::fmt::Write as _;

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryResult, Statement, Value,
};

/// Bind parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_BIND_PARAMS: usize = 30_000;

/// Bind parameters per statement of [`insert_rows`] on SQLite: big enough that the
/// per-statement overhead vanishes, small enough that each statement is quick to prepare
/// and cache (measured: 4,000 beats both 1,000 and 30,000). PostgreSQL gets the largest
/// statements allowed: there each statement is a network round trip.
const SQLITE_ROWS_PARAMS: usize = 4_000;

/// Inserts `models` in as few statements as the parameter limit allows. `columns` is the
/// number of columns each model sets.
pub async fn insert_all<C, A>(db: &C, models: Vec<A>, columns: usize) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Clone + Send,
{
    let per_statement = (MAX_BIND_PARAMS / columns.max(1)).max(1);
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<A> = models.by_ref().take(per_statement).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Splits `items` into chunks small enough for an `IN (…)` list.
pub fn in_chunks<T>(items: &[T]) -> std::slice::Chunks<'_, T> {
    items.chunks(MAX_BIND_PARAMS / 2)
}

/// `count` comma-separated bind parameters in the backend's own style: `$1, $2, …` on
/// PostgreSQL, `?, ?, …` on SQLite (where `$n` are named parameters, which SQLite binds
/// by searching their names: slow for thousands of them).
pub fn placeholders(backend: DbBackend, count: usize) -> String {
    let mut sql = String::with_capacity(count * 4);
    for n in 1..=count {
        if n > 1 {
            sql.push_str(", ");
        }
        match backend {
            DbBackend::Postgres => {
                let _ = write!(sql, "${n}");
            }
            _ => sql.push('?'),
        }
    }
    sql
}

/// A column of a [`Table`].
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Column name.
    pub name: &'static str,
    /// The value is JSON given as text (a `String` value); PostgreSQL casts it to `jsonb`.
    pub json: bool,
}

impl Column {
    /// A plain column.
    pub const fn plain(name: &'static str) -> Self {
        Self { name, json: false }
    }

    /// A JSON column whose values are given as JSON text.
    pub const fn json(name: &'static str) -> Self {
        Self { name, json: true }
    }
}

/// A table as [`insert_rows`] writes it: its name and the columns each row sets.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Table name.
    pub name: &'static str,
    /// Columns set, in the order the row values are pushed.
    pub columns: &'static [Column],
}

impl Table {
    /// Rows per statement for this table.
    fn rows_per_statement(&self, backend: DbBackend) -> usize {
        let params = match backend {
            DbBackend::Postgres => MAX_BIND_PARAMS,
            _ => SQLITE_ROWS_PARAMS,
        };
        (params / self.columns.len().max(1)).max(1)
    }

    /// `INSERT INTO "t" ("a", "b") VALUES (?, ?), …` for `rows` rows, with `RETURNING`
    /// the given columns when any.
    fn insert_sql(&self, backend: DbBackend, rows: usize, returning: &[&str]) -> String {
        // On SQLite `OR FAIL`: a failing statement fails the whole landing anyway, and
        // without `ABORT`'s statement rollback SQLite keeps no statement journal.
        let verb = match backend {
            DbBackend::Sqlite => "INSERT OR FAIL",
            _ => "INSERT",
        };
        let mut sql = format!("{verb} INTO \"{}\" (", self.name);
        for (i, column) in self.columns.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "\"{}\"", column.name);
        }
        sql.push_str(") VALUES ");
        let mut param = 0;
        for row in 0..rows {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (i, column) in self.columns.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                param += 1;
                match backend {
                    DbBackend::Postgres if column.json => {
                        let _ = write!(sql, "CAST(${param} AS jsonb)");
                    }
                    DbBackend::Postgres => {
                        let _ = write!(sql, "${param}");
                    }
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
        }
        if !returning.is_empty() {
            sql.push_str(" RETURNING ");
            for (i, column) in returning.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let _ = write!(sql, "\"{column}\"");
            }
        }
        sql
    }
}

/// Inserts one row per item; `push` appends the item's values, one per column of `table`
/// in order. Returns the number of rows inserted.
pub async fn insert_rows<C, T, I, F>(db: &C, table: &Table, items: I, push: F) -> Result<u64, DbErr>
where
    C: ConnectionTrait,
    I: IntoIterator<Item = T>,
    I::IntoIter: Send,
    F: FnMut(T, &mut Vec<Value>) + Send,
{
    let mut inserted = 0;
    let mut chunks = Chunks::new(db.get_database_backend(), table, items, push, &[]);
    let mut next = chunks.next_statement()?;
    while let Some(statement) = next {
        // The next statement is built while the database runs this one (the first poll
        // of the execution hands the statement to the driver).
        let (done, built) =
            futures::join!(db.execute_raw(statement), async { chunks.next_statement() });
        inserted += done?.rows_affected();
        next = built?;
    }
    Ok(inserted)
}

/// [`insert_rows`], returning the `returning` columns of every inserted row. The rows come
/// back in no promised order: return what identifies them (e.g. `id` and a natural key).
pub async fn insert_rows_returning<C, T, I, F>(
    db: &C,
    table: &Table,
    items: I,
    push: F,
    returning: &[&str],
) -> Result<Vec<QueryResult>, DbErr>
where
    C: ConnectionTrait,
    I: IntoIterator<Item = T>,
    I::IntoIter: Send,
    F: FnMut(T, &mut Vec<Value>) + Send,
{
    let mut returned = Vec::new();
    let mut chunks = Chunks::new(db.get_database_backend(), table, items, push, returning);
    let mut next = chunks.next_statement()?;
    while let Some(statement) = next {
        let (done, built) = futures::join!(db.query_all_raw(statement), async {
            chunks.next_statement()
        });
        returned.extend(done?);
        next = built?;
    }
    Ok(returned)
}

/// Inserts one row per item into a table whose `id` is an auto-increment key and returns
/// the new ids in item order.
///
/// - SQLite: nothing comes back. In the caller's write transaction a multi-row insert
///   numbers its rows consecutively in `VALUES` order, the last one being
///   `last_insert_rowid()` (with `AUTOINCREMENT` each new id is one more than the largest
///   ever used, and no other writer can interleave), so the ids are computed. This saves
///   sending every row back through the driver, which costs as much as the insert.
/// - PostgreSQL: `RETURNING id` and `keys.columns`; each returned row is matched to its
///   item by key (the order of `RETURNING` rows is not promised).
pub async fn insert_rows_with_ids<C, T, K, F>(
    db: &C,
    table: &Table,
    items: &[T],
    push: F,
    keys: Keys<'_, T, K>,
) -> Result<Vec<Option<i64>>, DbErr>
where
    C: ConnectionTrait,
    T: Sync,
    K: std::hash::Hash + Eq,
    F: FnMut(&T, &mut Vec<Value>) + Send,
{
    let backend = db.get_database_backend();
    if backend != DbBackend::Sqlite {
        let mut returning = vec!["id"];
        returning.extend_from_slice(keys.columns);
        let rows = insert_rows_returning(db, table, items, push, &returning).await?;
        let position: HashMap<K, usize> = items
            .iter()
            .enumerate()
            .map(|(i, item)| ((keys.key)(item), i))
            .collect();
        let mut ids = vec![None; items.len()];
        for row in rows {
            let id: i64 = row.try_get_by_index(0)?;
            if let Some(i) = position.get(&(keys.returned_key)(&row)?) {
                ids[*i] = Some(id);
            }
        }
        return Ok(ids);
    }
    let mut ids = Vec::with_capacity(items.len());
    let mut chunks = Chunks::new(backend, table, items, push, &[]);
    let mut next = chunks.next_statement()?;
    while let Some(statement) = next {
        let rows = statement_rows(&statement, table);
        let (done, built) =
            futures::join!(db.execute_raw(statement), async { chunks.next_statement() });
        let done = done?;
        next = built?;
        if done.rows_affected() != rows {
            return Err(DbErr::Custom(format!(
                "{} rows inserted into {} where {rows} were sent",
                done.rows_affected(),
                table.name
            )));
        }
        let last = i64::try_from(done.last_insert_id())
            .map_err(|_| DbErr::Custom(format!("{} id out of range", table.name)))?;
        let first = last - i64::try_from(rows).unwrap_or(i64::MAX) + 1;
        ids.extend((first..=last).map(Some));
    }
    Ok(ids)
}

/// How [`insert_rows_with_ids`] matches rows returned by PostgreSQL to the items.
pub struct Keys<'k, T, K> {
    /// Columns returned besides `id`, together identifying a row of this insert.
    pub columns: &'k [&'k str],
    /// The key of an item.
    pub key: &'k (dyn Fn(&T) -> K + Sync),
    /// The key of a returned row (its columns after `id`, from index 1 on).
    pub returned_key: &'k (dyn Fn(&QueryResult) -> Result<K, DbErr> + Sync),
}

/// Rows in a statement built by [`Chunks`].
fn statement_rows(statement: &Statement, table: &Table) -> u64 {
    let values = statement.values.as_ref().map_or(0, |v| v.0.len());
    u64::try_from(values / table.columns.len().max(1)).unwrap_or(0)
}

/// Cuts the items into statements of at most [`Table::rows_per_statement`] rows, building
/// each statement's values only when it is its turn (memory stays at one chunk).
struct Chunks<'t, I, F> {
    backend: DbBackend,
    table: &'t Table,
    items: I,
    push: F,
    returning: &'t [&'t str],
    per_statement: usize,
    /// The text of a full chunk, built once.
    full_sql: Option<String>,
}

impl<'t, T, I, F> Chunks<'t, I, F>
where
    I: Iterator<Item = T>,
    F: FnMut(T, &mut Vec<Value>),
{
    fn new(
        backend: DbBackend,
        table: &'t Table,
        items: impl IntoIterator<IntoIter = I>,
        push: F,
        returning: &'t [&'t str],
    ) -> Self {
        Self {
            backend,
            table,
            items: items.into_iter(),
            push,
            returning,
            per_statement: table.rows_per_statement(backend),
            full_sql: None,
        }
    }

    /// The next statement, or `None` when every item is written.
    fn next_statement(&mut self) -> Result<Option<Statement>, DbErr> {
        let width = self.table.columns.len();
        let mut values = Vec::with_capacity(self.per_statement * width);
        let mut rows = 0;
        for item in self.items.by_ref().take(self.per_statement) {
            (self.push)(item, &mut values);
            rows += 1;
        }
        if rows == 0 {
            return Ok(None);
        }
        if values.len() != rows * width {
            return Err(DbErr::Custom(format!(
                "{} values for {rows} rows of {} columns in {}",
                values.len(),
                width,
                self.table.name
            )));
        }
        let sql = if rows == self.per_statement {
            self.full_sql
                .get_or_insert_with(|| {
                    self.table
                        .insert_sql(self.backend, self.per_statement, self.returning)
                })
                .clone()
        } else {
            self.table.insert_sql(self.backend, rows, self.returning)
        };
        Ok(Some(Statement::from_sql_and_values(
            self.backend,
            sql,
            values,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Table = Table {
        name: "t",
        columns: &[Column::plain("a"), Column::json("b")],
    };

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(placeholders(DbBackend::Postgres, 3), "$1, $2, $3");
        assert_eq!(placeholders(DbBackend::Sqlite, 3), "?, ?, ?");
        assert_eq!(placeholders(DbBackend::Sqlite, 0), "");
    }

    #[test]
    fn statements_use_each_backends_placeholders() {
        assert_eq!(
            T.insert_sql(DbBackend::Sqlite, 2, &[]),
            r#"INSERT OR FAIL INTO "t" ("a", "b") VALUES (?, ?), (?, ?)"#
        );
        assert_eq!(
            T.insert_sql(DbBackend::Postgres, 2, &["id"]),
            r#"INSERT INTO "t" ("a", "b") VALUES ($1, CAST($2 AS jsonb)), ($3, CAST($4 AS jsonb)) RETURNING "id""#
        );
    }

    #[test]
    fn items_are_cut_into_full_chunks_and_a_rest() {
        let per = T.rows_per_statement(DbBackend::Sqlite);
        let items = 0..(per * 2 + 3);
        let mut chunks = Chunks::new(
            DbBackend::Sqlite,
            &T,
            items,
            |i: usize, v: &mut Vec<Value>| {
                v.push(Value::from(i as i64));
                v.push(Value::from("[]"));
            },
            &[],
        );
        let mut sizes = Vec::new();
        while let Some(statement) = chunks.next_statement().expect("statement") {
            sizes.push(statement.values.map_or(0, |v| v.0.len()) / 2);
        }
        assert_eq!(sizes, [per, per, 3]);
    }

    #[test]
    fn a_row_with_the_wrong_number_of_values_is_an_error() {
        let mut chunks = Chunks::new(
            DbBackend::Sqlite,
            &T,
            [1],
            |i: i64, v: &mut Vec<Value>| v.push(Value::from(i)),
            &[],
        );
        assert!(chunks.next_statement().is_err());
    }
}
