//! Uploads and the rows read from them (the provenance of every fact).

use crate::ddl::{create_indexes, drop_tables, fk, id, index};
use sea_orm_migration::{prelude::*, schema::*};

/// Creates `upload` and `source_row`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("upload")
                    .if_not_exists()
                    .col(id())
                    .col(big_integer("member_unit_id"))
                    .col(string("kind"))
                    .col(string("file_name"))
                    .col(string("sha256"))
                    .col(big_integer("size_bytes"))
                    .col(string("format"))
                    .col(string("uploaded_by"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .col(string("status"))
                    .col(string("sheet"))
                    .col(integer("header_row"))
                    .col(json_binary("headers"))
                    .col(integer("data_rows"))
                    .col(integer("accepted_rows"))
                    .col(integer("rejected_rows"))
                    .col(integer("warning_rows"))
                    .foreign_key(&mut fk(
                        "upload",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("source_row")
                    .if_not_exists()
                    .col(id())
                    .col(big_integer("upload_id"))
                    .col(string("sheet"))
                    .col(integer("row_number"))
                    .col(json_binary("raw"))
                    .col(string("status"))
                    .col(json_binary("issues"))
                    .foreign_key(&mut fk(
                        "source_row",
                        "upload_id",
                        "upload",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("upload", &["member_unit_id", "kind", "sha256"], true),
                index("upload", &["uploaded_at"], false),
                index("source_row", &["upload_id", "status"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["source_row", "upload"]).await
    }
}
