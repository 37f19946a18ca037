//! `audit_journal_cursor`: how far the read-audit journal beside an embedded store has been
//! moved into `audit_log`.
//!
//! On SQLite the audit entries of reads are first written to a journal file beside the
//! store (its own write lock, so a read never waits behind a landing), then moved into
//! `audit_log` in batches. The cursor is written in the same transaction as the moved
//! entries: a crash between that commit and the journal's clean-up never moves an entry
//! twice. PostgreSQL stores write their read entries directly and leave this table empty.

use crate::ddl::drop_tables;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string};

/// Creates `audit_journal_cursor`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_journal_cursor")
                    .if_not_exists()
                    .col(string("journal").primary_key())
                    .col(big_integer("last_id"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["audit_journal_cursor"]).await
    }
}
