//! Running a raw statement of the derived facts.

use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement, Value};

/// Every row `sql` gives with `values` bound.
pub async fn all_rows<C: ConnectionTrait>(
    db: &C,
    sql: impl Into<String>,
    values: Vec<Value>,
) -> Result<Vec<QueryResult>, DbErr> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
}
