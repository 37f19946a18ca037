//! A visa's own number apart from its passport's: `identity_document.number` may be empty
//! (a visa list gives no visa number) and `passport_number` names the passport a visa is in.
//!
//! Visas stored before held the passport number as their number: no source the hub reads
//! gives a visa number, so every stored visa's number is its passport's. They are moved to
//! `passport_number`, leaving the visa's own number empty.
//!
//! SQLite cannot drop a column's NOT NULL: there the table is rebuilt (nothing references
//! a document, so the copy keeps every id); PostgreSQL alters the column in place.

use crate::ddl::{fk, id, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, date_null, string, string_len, string_null};

/// Makes `identity_document.number` nullable, adds `passport_number` and moves the visas'
/// passport numbers there.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table's indexes after the earlier migrations, as columns.
const INDEXES: [&[&str]; 2] = [&["person_id", "kind", "valid_until"], &["number"]];

/// The table as rebuilt on SQLite (under `name`): the columns of `fact_table` and the
/// document's, `number` nullable, `passport_number` added.
fn rebuilt(name: &str) -> TableCreateStatement {
    Table::create()
        .table(name.to_owned())
        .col(id())
        .col(big_integer("person_id"))
        .col(big_integer("source_row_id"))
        .col(string("kind"))
        .col(string_null("number"))
        .col(string_len("issuing_nationality", 3))
        .col(string_null("category"))
        .col(date_null("valid_until"))
        .col(string_null("passport_number"))
        .foreign_key(&mut fk(
            name,
            "person_id",
            "person",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            name,
            "source_row_id",
            "source_row",
            ForeignKeyAction::Restrict,
        ))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on both backends: on SQLite the rebuild's statements then run on
    /// one connection, and a failure leaves the table as it was.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            sea_orm::DbBackend::Sqlite => {
                manager
                    .create_table(rebuilt("identity_document_rebuilt"))
                    .await?;
                db.execute_unprepared(
                    "INSERT INTO identity_document_rebuilt \
                     (id, person_id, source_row_id, kind, number, issuing_nationality, category, valid_until, passport_number) \
                     SELECT id, person_id, source_row_id, kind, number, issuing_nationality, category, valid_until, NULL \
                     FROM identity_document",
                )
                .await?;
                db.execute_unprepared("DROP TABLE identity_document")
                    .await?;
                db.execute_unprepared(
                    "ALTER TABLE identity_document_rebuilt RENAME TO identity_document",
                )
                .await?;
                for columns in INDEXES {
                    manager
                        .create_index(index("identity_document", columns, false))
                        .await?;
                }
            }
            _ => {
                manager
                    .alter_table(
                        Table::alter()
                            .table("identity_document")
                            .add_column(string_null("passport_number"))
                            .take(),
                    )
                    .await?;
                db.execute_unprepared(
                    "ALTER TABLE identity_document ALTER COLUMN number DROP NOT NULL",
                )
                .await?;
            }
        }
        db.execute_unprepared(
            "UPDATE identity_document SET passport_number = number, number = NULL \
             WHERE kind = 'visa'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE identity_document SET number = COALESCE(number, passport_number, '') \
             WHERE number IS NULL",
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("identity_document")
                    .drop_column("passport_number")
                    .take(),
            )
            .await
    }
}
