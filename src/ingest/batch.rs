//! Batched inserts sized for the bind-parameter limits of SQLite and PostgreSQL.
//!
//! Two ways in: [`insert_all`] takes sea-orm active models (convenient for small tables);
//! [`insert_rows`] and [`insert_rows_returning`] write multi-row `INSERT … VALUES` statements
//! straight from the caller's data, one statement text per chunk size (so the driver's
//! prepared-statement cache reuses it), without building a model, an expression tree or a
//! JSON tree per row. Landing a large file spends most of its time here.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::Datelike;

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

    /// `INSERT INTO "t" ("a", "b") VALUES (?, ?), …` for `rows` rows, with `RETURNING` the
    /// given columns when any. The columns of `shared` hold the same value in every row: on
    /// PostgreSQL it is bound once, as the first parameters (`VALUES ($2, $1), ($3, $1)`);
    /// on SQLite it is written as a literal (numbered parameters would make the driver look
    /// each name up in a list: quadratic in the parameters of a statement).
    fn insert_sql(
        &self,
        backend: DbBackend,
        rows: usize,
        shared: &Shared,
        returning: &[&str],
    ) -> String {
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
        // Per column: the shared value's literal (SQLite) or parameter number (PostgreSQL).
        let mut fixed: Vec<Option<String>> = vec![None; self.columns.len()];
        let mut param = 0;
        let mut literals = shared.literals.iter();
        for (i, slot) in fixed.iter_mut().enumerate() {
            if shared.has(i) {
                *slot = match backend {
                    DbBackend::Postgres => {
                        param += 1;
                        Some(format!("${param}"))
                    }
                    _ => literals.next().cloned(),
                };
            }
        }
        for row in 0..rows {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (i, column) in self.columns.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let placeholder = match (&fixed[i], backend) {
                    (Some(text), _) => text.clone(),
                    (None, DbBackend::Postgres) => {
                        param += 1;
                        format!("${param}")
                    }
                    (None, _) => "?".to_owned(),
                };
                if backend == DbBackend::Postgres && column.json {
                    let _ = write!(sql, "CAST({placeholder} AS jsonb)");
                } else {
                    sql.push_str(&placeholder);
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
    if db.get_database_backend() == DbBackend::Postgres
        && let Some(target) = super::copy::copy_target()
    {
        return copy_rows(db, &target, table, items, push).await;
    }
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

/// [`insert_rows`] inside [`super::copy::with_copy`] on PostgreSQL: the rows in one `COPY`
/// (or, should a value be of a kind COPY's text is not written for, as statements).
async fn copy_rows<C, T, I, F>(
    db: &C,
    target: &super::copy::CopyTarget,
    table: &Table,
    items: I,
    mut push: F,
) -> Result<u64, DbErr>
where
    C: ConnectionTrait,
    I: IntoIterator<Item = T>,
    F: FnMut(T, &mut Vec<Value>),
{
    let width = table.columns.len();
    let mut values = Vec::new();
    let mut rows = 0;
    for item in items {
        push(item, &mut values);
        rows += 1;
    }
    if values.len() != rows * width {
        return Err(DbErr::Custom(format!(
            "{} values for {rows} rows of {width} columns in {}",
            values.len(),
            table.name
        )));
    }
    if rows == 0 {
        return Ok(0);
    }
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    if let Some(text) = super::copy::rows_text(&values, width) {
        return super::copy::copy_in(target, table.name, &columns, &values, &text).await;
    }
    let mut inserted = 0;
    let mut chunks = Chunks::new(
        DbBackend::Postgres,
        table,
        values.chunks(width),
        |row: &[Value], v: &mut Vec<Value>| v.extend_from_slice(row),
        &[],
    );
    while let Some(statement) = chunks.next_statement()? {
        inserted += db.execute_raw(statement).await?.rows_affected();
    }
    Ok(inserted)
}

/// `count` new ids of `table` (its `id` sequence), in one round trip. The sequence is
/// looked up once (a materialised CTE), not once per id: `nextval(pg_get_serial_sequence(…))`
/// costs five times as much.
async fn allocate_ids<C: ConnectionTrait>(
    db: &C,
    table: &str,
    count: usize,
) -> Result<Vec<i64>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH sequence AS MATERIALIZED \
             (SELECT pg_get_serial_sequence($1, 'id')::regclass AS id) \
             SELECT nextval(sequence.id) FROM sequence, generate_series(1, $2)",
            [
                Value::from(table.to_owned()),
                Value::from(i64::try_from(count).unwrap_or(i64::MAX)),
            ],
        ))
        .await?;
    let ids = rows
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.len() != count {
        return Err(DbErr::Custom(format!(
            "{} ids allocated for {count} rows of {table}",
            ids.len()
        )));
    }
    Ok(ids)
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
    let mut push = push;
    if backend == DbBackend::Postgres
        && !items.is_empty()
        && let Some(target) = super::copy::copy_target()
    {
        // The ids first (one round trip), then the rows with them in one COPY.
        let ids = allocate_ids(db, table.name, items.len()).await?;
        let width = table.columns.len() + 1;
        let mut values = Vec::with_capacity(items.len() * width);
        for (item, id) in items.iter().zip(&ids) {
            values.push(Value::from(*id));
            push(item, &mut values);
        }
        if values.len() != items.len() * width {
            return Err(DbErr::Custom(format!(
                "{} values for {} rows of {width} columns in {}",
                values.len(),
                items.len(),
                table.name
            )));
        }
        if let Some(text) = super::copy::rows_text(&values, width) {
            let mut columns = vec!["id"];
            columns.extend(table.columns.iter().map(|c| c.name));
            super::copy::copy_in(&target, table.name, &columns, &values, &text).await?;
            target.created(table.name, &ids);
            return Ok(ids.into_iter().map(Some).collect());
        }
        // A value COPY's text is not written for: inserted as statements below (the ids
        // allocated are left unused).
    }
    if backend != DbBackend::Sqlite {
        let mut returning = vec!["id"];
        returning.extend_from_slice(keys.columns);
        let rows = insert_rows_returning(db, table, items, &mut push, &returning).await?;
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
    let mut chunks = Chunks::new(backend, table, items, &mut push, &[]);
    let mut next = chunks.next_statement()?;
    while let Some(statement) = next {
        let rows = chunks.rows_of_last;
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

/// Cuts the items into statements of at most [`Table::rows_per_statement`] rows, building
/// each statement's values only when it is its turn (memory stays at one chunk).
struct Chunks<'t, I, F> {
    backend: DbBackend,
    table: &'t Table,
    items: I,
    push: F,
    returning: &'t [&'t str],
    per_statement: usize,
    /// The text of a full chunk, built once per set of shared columns.
    full_sql: HashMap<Shared, String>,
    /// Rows in the statement built last.
    rows_of_last: u64,
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
            full_sql: HashMap::new(),
            rows_of_last: 0,
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
        let (shared, mut values) = share_constant_columns(values, width, self.backend);
        if self.backend == DbBackend::Sqlite {
            dates_as_text(&mut values);
        }
        let sql = if rows == self.per_statement {
            match self.full_sql.get(&shared) {
                Some(sql) => sql.clone(),
                None => {
                    let sql = self
                        .table
                        .insert_sql(self.backend, rows, &shared, self.returning);
                    self.full_sql.insert(shared, sql.clone());
                    sql
                }
            }
        } else {
            self.table
                .insert_sql(self.backend, rows, &shared, self.returning)
        };
        self.rows_of_last = u64::try_from(rows).unwrap_or(u64::MAX);
        Ok(Some(Statement::from_sql_and_values(
            self.backend,
            sql,
            values,
        )))
    }
}

/// The columns of a statement whose value is the same in every row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Shared {
    /// A bit per column (the first 64 columns only).
    mask: u64,
    /// SQLite: each shared column's value as a literal, in column order.
    literals: Vec<String>,
}

impl Shared {
    fn has(&self, column: usize) -> bool {
        column < 64 && self.mask & (1 << column) != 0
    }
}

/// A value as a SQLite literal, written as the driver would bind it, when it is a number,
/// a date, a time stamp, NULL, or a short text of letters, digits and `-_:.+ ` (nothing
/// that needs quoting); `None` otherwise (such a value stays a parameter).
fn sqlite_literal(value: &Value) -> Option<String> {
    fn quoted(text: &str) -> Option<String> {
        let plain = text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_:.+ ".contains(&b));
        plain.then(|| format!("'{text}'"))
    }
    fn or_null<T>(value: &Option<T>, literal: impl Fn(&T) -> Option<String>) -> Option<String> {
        match value {
            Some(v) => literal(v),
            None => Some("NULL".to_owned()),
        }
    }
    match value {
        Value::Bool(v) => or_null(v, |b| Some(i32::from(*b).to_string())),
        Value::TinyInt(v) => or_null(v, |n| Some(n.to_string())),
        Value::SmallInt(v) => or_null(v, |n| Some(n.to_string())),
        Value::Int(v) => or_null(v, |n| Some(n.to_string())),
        Value::BigInt(v) => or_null(v, |n| Some(n.to_string())),
        Value::String(v) => or_null(v, |text| quoted(text)),
        Value::ChronoDate(v) => or_null(v, |day| quoted(&day.format("%F").to_string())),
        Value::ChronoDateTimeUtc(v) => or_null(v, |at| {
            quoted(&at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
        }),
        _ => None,
    }
}

/// Calendar dates as the text SQLite stores them (`YYYY-MM-DD`, what the driver would
/// write), formatted directly: the driver's own formatting interprets a format string for
/// every date, a tenth of a landing's time outside the database.
fn dates_as_text(values: &mut [Value]) {
    for value in values {
        if let Value::ChronoDate(Some(day)) = value
            && (0..=9999).contains(&day.year())
        {
            let mut text = String::with_capacity(10);
            let _ = write!(
                text,
                "{:04}-{:02}-{:02}",
                day.year(),
                day.month(),
                day.day()
            );
            *value = Value::String(Some(text));
        }
    }
}

/// Finds the columns whose value is the same in every row of `values` (rows of `width`
/// values) and lays the values out as [`Table::insert_sql`] writes them: on PostgreSQL
/// each shared column's value once, then the other values row by row; on SQLite only the
/// other values (the shared ones are literals in the statement). A landing's rows share
/// their upload, unit, kind and time stamps: a quarter of the values, sent once.
fn share_constant_columns(
    values: Vec<Value>,
    width: usize,
    backend: DbBackend,
) -> (Shared, Vec<Value>) {
    let rows = values.len().checked_div(width).unwrap_or(0);
    let mut shared = Shared::default();
    if rows < 2 {
        return (shared, values);
    }
    for column in 0..width.min(64) {
        let first = &values[column];
        if !values
            .iter()
            .skip(column)
            .step_by(width)
            .all(|v| v == first)
        {
            continue;
        }
        if backend == DbBackend::Postgres {
            shared.mask |= 1 << column;
        } else if let Some(literal) = sqlite_literal(first) {
            shared.mask |= 1 << column;
            shared.literals.push(literal);
        }
    }
    if shared.mask == 0 {
        return (shared, values);
    }
    let mut laid_out = Vec::with_capacity(values.len());
    if backend == DbBackend::Postgres {
        laid_out.extend(
            values[..width]
                .iter()
                .enumerate()
                .filter(|(column, _)| shared.has(*column))
                .map(|(_, value)| value.clone()),
        );
    }
    laid_out.extend(
        values
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !shared.has(i % width))
            .map(|(_, value)| value),
    );
    (shared, laid_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Table = Table {
        name: "t",
        columns: &[Column::plain("a"), Column::json("b")],
    };

    #[test]
    fn dates_become_the_text_the_driver_would_store() {
        let days = [(2020, 2, 17), (1, 1, 1), (9999, 12, 31), (-5, 3, 4)]
            .map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d));
        let mut values: Vec<Value> = days.iter().map(|day| Value::from(*day)).collect();
        values.push(Value::from(None::<chrono::NaiveDate>));
        dates_as_text(&mut values);
        assert_eq!(values[0], Value::from("2020-02-17".to_owned()));
        assert_eq!(values[1], Value::from("0001-01-01".to_owned()));
        assert_eq!(values[2], Value::from("9999-12-31".to_owned()));
        // Outside four-digit years the driver's own formatting stays.
        assert_eq!(values[3], Value::from(days[3]));
        assert_eq!(values[4], Value::from(None::<chrono::NaiveDate>));
        for day in days.iter().flatten().take(3) {
            assert!(values.contains(&Value::from(day.format("%F").to_string())));
        }
    }

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(placeholders(DbBackend::Postgres, 3), "$1, $2, $3");
        assert_eq!(placeholders(DbBackend::Sqlite, 3), "?, ?, ?");
        assert_eq!(placeholders(DbBackend::Sqlite, 0), "");
    }

    #[test]
    fn statements_use_each_backends_placeholders() {
        let none = Shared::default();
        assert_eq!(
            T.insert_sql(DbBackend::Sqlite, 2, &none, &[]),
            r#"INSERT OR FAIL INTO "t" ("a", "b") VALUES (?, ?), (?, ?)"#
        );
        assert_eq!(
            T.insert_sql(DbBackend::Postgres, 2, &none, &["id"]),
            r#"INSERT INTO "t" ("a", "b") VALUES ($1, CAST($2 AS jsonb)), ($3, CAST($4 AS jsonb)) RETURNING "id""#
        );
    }

    fn values(rows: &[(i64, &str)]) -> Vec<Value> {
        rows.iter()
            .flat_map(|(a, b)| [Value::from(*a), Value::from(*b)])
            .collect()
    }

    #[test]
    fn a_column_shared_by_every_row_is_bound_once_on_postgres() {
        let rows = values(&[(1, "x y"), (2, "x y"), (3, "x y")]);
        let (shared, laid_out) = share_constant_columns(rows, 2, DbBackend::Postgres);
        assert_eq!(shared.mask, 0b10);
        assert_eq!(
            laid_out,
            [
                Value::from("x y"),
                Value::from(1i64),
                Value::from(2i64),
                Value::from(3i64)
            ]
        );
        assert_eq!(
            T.insert_sql(DbBackend::Postgres, 2, &shared, &[]),
            r#"INSERT INTO "t" ("a", "b") VALUES ($2, CAST($1 AS jsonb)), ($3, CAST($1 AS jsonb))"#
        );
    }

    #[test]
    fn a_plain_shared_value_is_a_literal_on_sqlite_and_any_other_stays_a_parameter() {
        let rows = values(&[(7, "it's"), (7, "it's")]);
        let (shared, laid_out) = share_constant_columns(rows, 2, DbBackend::Sqlite);
        assert_eq!(shared.literals, ["7"]);
        assert_eq!(laid_out, [Value::from("it's"), Value::from("it's")]);
        assert_eq!(
            T.insert_sql(DbBackend::Sqlite, 2, &shared, &[]),
            r#"INSERT OR FAIL INTO "t" ("a", "b") VALUES (7, ?), (7, ?)"#
        );
        let at = chrono::DateTime::parse_from_rfc3339("2020-02-17T04:00:00.5Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        assert_eq!(
            sqlite_literal(&Value::from(at)).as_deref(),
            Some("'2020-02-17T04:00:00.500+00:00'")
        );
        assert_eq!(
            sqlite_literal(&Value::String(None)).as_deref(),
            Some("NULL")
        );
        assert_eq!(sqlite_literal(&Value::from("a'b")), None);
        assert_eq!(sqlite_literal(&Value::from("大庆")), None);
    }

    #[test]
    fn rows_that_differ_share_nothing() {
        let distinct = values(&[(1, "x"), (2, "y")]);
        let (shared, laid_out) = share_constant_columns(distinct.clone(), 2, DbBackend::Sqlite);
        assert_eq!(shared, Shared::default());
        assert_eq!(laid_out, distinct);
        let one_row = values(&[(1, "x")]);
        let (shared, _) = share_constant_columns(one_row, 2, DbBackend::Postgres);
        assert_eq!(shared, Shared::default());
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
        while chunks.next_statement().expect("statement").is_some() {
            sizes.push(chunks.rows_of_last as usize);
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
