//! Batched inserts sized for the bind-parameter limits of SQLite and PostgreSQL.
//!
//! Two ways in: [`insert_all`] takes sea-orm active models (convenient for small tables);
//! [`insert_rows`] and [`insert_rows_returning`] write multi-row `INSERT … VALUES` statements
//! straight from the caller's data, one statement text per chunk size (so the driver's
//! prepared-statement cache reuses it), without building a model, an expression tree or a
//! JSON tree per row. Landing a large file spends most of its time here.

use std::fmt::Write as _;

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryResult, Statement, Value,
};

/// Bind parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_BIND_PARAMS: usize = 30_000;

/// Bind parameters per statement of [`insert_rows`]: big enough that the per-statement
/// overhead vanishes, small enough that each statement is quick to prepare and cache.
const ROWS_PARAMS: usize = 4_000;

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
    fn rows_per_statement(&self) -> usize {
        let params = std::env::var("HUB_ROWS_PARAMS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(ROWS_PARAMS);
        (params / self.columns.len().max(1)).max(1)
    }

    /// `INSERT INTO "t" ("a", "b") VALUES (?, ?), …` for `rows` rows, with `RETURNING`
    /// the given columns when any.
    fn insert_sql(&self, backend: DbBackend, rows: usize, returning: &[&str]) -> String {
        let mut sql = format!("INSERT INTO \"{}\" (", self.name);
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
    while let Some(statement) = chunks.next_statement()? {
        inserted += db.execute_raw(statement).await?.rows_affected();
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
    while let Some(statement) = chunks.next_statement()? {
        returned.extend(db.query_all_raw(statement).await?);
    }
    Ok(returned)
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
            per_statement: table.rows_per_statement(),
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
    fn statements_use_each_backends_placeholders() {
        assert_eq!(
            T.insert_sql(DbBackend::Sqlite, 2, &[]),
            r#"INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?)"#
        );
        assert_eq!(
            T.insert_sql(DbBackend::Postgres, 2, &["id"]),
            r#"INSERT INTO "t" ("a", "b") VALUES ($1, CAST($2 AS jsonb)), ($3, CAST($4 AS jsonb)) RETURNING "id""#
        );
    }

    #[test]
    fn items_are_cut_into_full_chunks_and_a_rest() {
        let per = T.rows_per_statement();
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
