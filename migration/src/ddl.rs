//! Small builders shared by the migrations: primary keys, foreign keys and indexes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::big_integer;

/// A 64-bit auto-increment primary key named `id`.
pub fn id() -> ColumnDef {
    big_integer("id").auto_increment().primary_key().take()
}

/// A foreign key from `table.column` to `target.id`.
pub fn fk(
    table: &str,
    column: &str,
    target: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table.to_owned(), column.to_owned())
        .to(target.to_owned(), "id")
        .on_delete(on_delete)
        .take()
}

/// Starts a fact table: `id`, `person_id` (cascading) and `source_row_id`.
pub fn fact_table(table: &str) -> TableCreateStatement {
    Table::create()
        .table(table.to_owned())
        .if_not_exists()
        .col(id())
        .col(big_integer("person_id"))
        .col(big_integer("source_row_id"))
        .foreign_key(&mut fk(
            table,
            "person_id",
            "person",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            table,
            "source_row_id",
            "source_row",
            ForeignKeyAction::Restrict,
        ))
        .take()
}

/// An index named `idx_<table>_<columns>` (unique when asked).
pub fn index(table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("idx_{table}_{}", columns.join("_")))
        .table(table.to_owned())
        .if_not_exists();
    for column in columns {
        stmt.col(String::from(*column));
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}

/// Creates each index in turn.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for stmt in indexes {
        manager.create_index(stmt).await?;
    }
    Ok(())
}

/// Drops the tables, in the order given.
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(String::from(*table)).if_exists().take())
            .await?;
    }
    Ok(())
}
