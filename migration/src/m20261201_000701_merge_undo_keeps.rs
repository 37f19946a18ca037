//! What undoing a merge needs beyond the facts that moved: the document number each row
//! named its person by (`person_source.document_number`, so the rows that landed after a
//! merge under the absorbed record's number can go back to it), and the other candidate
//! matches of the absorbed record the merge removed (`merged_person.candidates`, restored
//! when the merge is undone).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{json_null, string_null};

/// Adds `person_source.document_number` and `merged_person.candidates`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("person_source")
                    .add_column(string_null("document_number"))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("merged_person")
                    .add_column(json_null("candidates"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("merged_person")
                    .drop_column("candidates")
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("person_source")
                    .drop_column("document_number")
                    .take(),
            )
            .await
    }
}
