//! Daily reports, API tokens and the audit log.

use crate::ddl::{create_indexes, drop_tables, fk, id, index};
use sea_orm_migration::{prelude::*, schema::*};

/// Creates `daily_report`, `api_token` and `audit_log`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("daily_report")
                    .if_not_exists()
                    .col(id())
                    .col(big_integer("member_unit_id"))
                    .col(date("report_date"))
                    .col(boolean("is_zero"))
                    .col(integer_null("arrivals"))
                    .col(integer_null("departures"))
                    .col(text_null("anomalies"))
                    .col(text_null("note"))
                    .col(string("submitted_by"))
                    .col(timestamp_with_time_zone("submitted_at"))
                    .col(big_integer_null("source_row_id"))
                    .foreign_key(&mut fk(
                        "daily_report",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "daily_report",
                        "source_row_id",
                        "source_row",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("api_token")
                    .if_not_exists()
                    .col(id())
                    .col(string("name"))
                    .col(big_integer("member_unit_id"))
                    .col(string("role"))
                    .col(string_uniq("token_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .foreign_key(&mut fk(
                        "api_token",
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
                    .table("audit_log")
                    .if_not_exists()
                    .col(id())
                    .col(timestamp_with_time_zone("at"))
                    .col(string("actor"))
                    .col(big_integer_null("member_unit_id"))
                    .col(string("action"))
                    .col(string("target"))
                    .col(json_binary("detail"))
                    .foreign_key(&mut fk(
                        "audit_log",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("daily_report", &["report_date", "member_unit_id"], false),
                index("api_token", &["member_unit_id"], false),
                index("audit_log", &["at"], false),
                index("audit_log", &["action", "at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["audit_log", "api_token", "daily_report"]).await
    }
}
