//! `store_change`: the people whose derived facts a write may have changed (a landing, an
//! accepted merge, an organisation merge), one row per person and write, in the order the
//! writes committed. Every hub instance reads the rows after the last it has seen to update
//! its city timeline for those people only, instead of rebuilding it.

use crate::ddl::{drop_tables, id};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::big_integer;

/// Creates `store_change`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("store_change")
                    .if_not_exists()
                    .col(id())
                    // No foreign key: a merged person's row outlives the person, and says
                    // the person is gone.
                    .col(big_integer("person_id"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["store_change"]).await
    }
}
