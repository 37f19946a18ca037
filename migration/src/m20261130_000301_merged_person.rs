//! `merged_person`: the record an accepted merge absorbed, kept so that it stays visible as
//! merged into the survivor and the merge can be undone: the person row as it was, the ids
//! of the facts that moved to the survivor, and the second passport the merge added.

use crate::ddl::{fk, id, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, json, string, string_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

/// Creates `merged_person`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("merged_person")
                    .if_not_exists()
                    .col(id())
                    .col(big_integer("pending_merge_id"))
                    .col(big_integer("survivor_id"))
                    .col(big_integer("person_id"))
                    .col(string("document_number"))
                    .col(string("nationality"))
                    .col(json("record"))
                    .col(json("moved"))
                    .col(big_integer_null("added_document_id"))
                    .col(string("merged_by"))
                    .col(timestamp_with_time_zone("merged_at"))
                    .col(string_null("undone_by"))
                    .col(timestamp_with_time_zone_null("undone_at"))
                    .foreign_key(&mut fk(
                        "merged_person",
                        "pending_merge_id",
                        "pending_merge",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("merged_person", &["survivor_id"], false))
            .await?;
        manager
            .create_index(index(
                "merged_person",
                &["document_number", "nationality"],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("merged_person").if_exists().take())
            .await
    }
}
