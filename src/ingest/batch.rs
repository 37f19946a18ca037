//! Batched inserts sized for the bind-parameter limits of SQLite and PostgreSQL.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait};

/// Bind parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_BIND_PARAMS: usize = 30_000;

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
