//! Column mappings a unit fixes once, and what an upload says of its own columns and date:
//! - `column_mapping`: for one member unit, kind and header set (the fingerprint of the
//!   normalised headers), the headers the uploader mapped to a field or marked as ignored;
//! - `upload.as_of`: the date the file states for its list ("截至2020年2月16日"), as the
//!   instant a roster takes effect (the upload time when the file states none);
//! - `upload.columns`: how each header was read, and the file's warnings (unmapped columns).

use crate::ddl::{drop_tables, fk, id, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, json, json_null, string, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

/// Creates `column_mapping`, adds `upload.as_of` and `upload.columns`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("column_mapping")
                    .if_not_exists()
                    .col(id())
                    .col(big_integer("member_unit_id"))
                    .col(string("kind"))
                    .col(string("fingerprint"))
                    .col(json("headers"))
                    .col(json("columns"))
                    .col(string("saved_by"))
                    .col(timestamp_with_time_zone("saved_at"))
                    .foreign_key(&mut fk(
                        "column_mapping",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "column_mapping",
                &["member_unit_id", "kind", "fingerprint"],
                true,
            ))
            .await?;
        // One column per statement: SQLite adds columns one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table("upload")
                    .add_column(timestamp_with_time_zone_null("as_of"))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("upload")
                    .add_column(json_null("columns"))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["columns", "as_of"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("upload")
                        .drop_column(column.to_owned())
                        .take(),
                )
                .await?;
        }
        drop_tables(manager, &["column_mapping"]).await
    }
}
