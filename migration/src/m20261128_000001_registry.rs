//! The registry: member units, organisations and their aliases.

use crate::ddl::{create_indexes, drop_tables, fk, id, index};
use sea_orm_migration::{prelude::*, schema::*};

/// Creates `member_unit`, `organization`, `organization_alias`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("member_unit")
                    .if_not_exists()
                    .col(id())
                    .col(string_uniq("code"))
                    .col(string("name"))
                    .col(string("kind"))
                    .col(boolean("active").default(true))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("organization")
                    .if_not_exists()
                    .col(id())
                    .col(string("name"))
                    .col(string_uniq("key"))
                    .col(string("kind"))
                    .col(boolean("verified"))
                    .col(big_integer_null("member_unit_id"))
                    .col(big_integer_null("merged_into_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "organization",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "organization",
                        "merged_into_id",
                        "organization",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("organization_alias")
                    .if_not_exists()
                    .col(id())
                    .col(big_integer("organization_id"))
                    .col(string("alias"))
                    .col(string_uniq("key"))
                    .foreign_key(&mut fk(
                        "organization_alias",
                        "organization_id",
                        "organization",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("organization", &["member_unit_id"], false),
                index("organization_alias", &["organization_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["organization_alias", "organization", "member_unit"],
        )
        .await
    }
}
