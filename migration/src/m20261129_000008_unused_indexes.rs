//! Drops two indexes no query reads, which every landing still wrote: documents by
//! `(kind, valid_until)` (visa validity is always asked per person, through
//! `(person_id, kind, valid_until)`; the index only tempted the planner to read every visa
//! of the city, see `derived::timeline::load`) and person sources by `source_row_id`
//! (provenance goes from a fact to its row, never back, and source rows are never
//! deleted).

use crate::ddl::index;
use sea_orm_migration::prelude::*;

/// Drops `idx_identity_document_kind_valid_until` and `idx_person_source_source_row_id`.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The indexes, as (table, columns).
const UNUSED: [(&str, &[&str]); 2] = [
    ("identity_document", &["kind", "valid_until"]),
    ("person_source", &["source_row_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in UNUSED {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_{}", columns.join("_")))
                        .table(table.to_owned())
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in UNUSED {
            manager.create_index(index(table, columns, false)).await?;
        }
        Ok(())
    }
}
