//! Whom to call at each member unit: `member_unit_contact` holds a unit's contact person and
//! phone (one row per unit, set by an admin), shown beside a unit that has not reported.

use crate::ddl::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string_null, timestamp_with_time_zone};

/// Creates `member_unit_contact`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("member_unit_contact")
                    .if_not_exists()
                    .col(big_integer("member_unit_id").primary_key())
                    .col(string_null("contact_name"))
                    .col(string_null("contact_phone"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "member_unit_contact",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("member_unit_contact").to_owned())
            .await
    }
}
