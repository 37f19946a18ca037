//! People and the facts about them, each linked to the source row that gave it.

use crate::ddl::{create_indexes, drop_tables, fact_table, fk, id, index};
use sea_orm_migration::{prelude::*, schema::*};

/// Creates `person`, `person_attribute`, `person_source`, `identity_document`,
/// `affiliation`, `stay`, `movement`, `health_check` and `pending_merge`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("person")
                    .if_not_exists()
                    .col(id())
                    .col(string("document_number"))
                    .col(string_len("nationality", 3))
                    .col(string_null("latin_name"))
                    .col(string_null("chinese_name"))
                    .col(string_len_null("sex", 1))
                    .col(date_null("birth_date"))
                    .col(boolean("has_conflicts").default(false))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                fact_table("person_attribute")
                    .col(string("attribute"))
                    .col(string("value"))
                    .col(small_integer("authority"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                fact_table("person_source")
                    .col(big_integer("member_unit_id"))
                    .col(string("kind"))
                    .foreign_key(&mut fk(
                        "person_source",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                fact_table("identity_document")
                    .col(string("kind"))
                    .col(string("number"))
                    .col(string_len("issuing_nationality", 3))
                    .col(string_null("category"))
                    .col(date_null("valid_until"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                fact_table("affiliation")
                    .col(big_integer("organization_id"))
                    .col(string("role"))
                    .col(timestamp_with_time_zone_null("since"))
                    .col(timestamp_with_time_zone_null("until"))
                    .col(big_integer("member_unit_id"))
                    .col(string("kind"))
                    .col(big_integer_null("ended_by_upload_id"))
                    .foreign_key(&mut fk(
                        "affiliation",
                        "organization_id",
                        "organization",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "affiliation",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "affiliation",
                        "ended_by_upload_id",
                        "upload",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                fact_table("stay")
                    .col(big_integer("organization_id"))
                    .col(timestamp_with_time_zone_null("check_in"))
                    .col(timestamp_with_time_zone_null("check_out"))
                    .col(big_integer("member_unit_id"))
                    .col(big_integer_null("ended_by_upload_id"))
                    .foreign_key(&mut fk(
                        "stay",
                        "organization_id",
                        "organization",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "stay",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "stay",
                        "ended_by_upload_id",
                        "upload",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                fact_table("movement")
                    .col(string("direction"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_null("carrier_number"))
                    .col(string_null("origin"))
                    .col(string_null("destination"))
                    .col(big_integer("member_unit_id"))
                    .foreign_key(&mut fk(
                        "movement",
                        "member_unit_id",
                        "member_unit",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                fact_table("health_check")
                    .col(timestamp_with_time_zone("checked_at"))
                    .col(double_null("temperature"))
                    .col(string_null("status"))
                    .col(big_integer("member_unit_id"))
                    .foreign_key(&mut fk(
                        "health_check",
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
                    .table("pending_merge")
                    .if_not_exists()
                    .col(id())
                    .col(big_integer("person_id"))
                    .col(big_integer("candidate_id"))
                    .col(string("reason"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(string_null("resolved_by"))
                    .foreign_key(&mut fk(
                        "pending_merge",
                        "person_id",
                        "person",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "pending_merge",
                        "candidate_id",
                        "person",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("person", &["document_number", "nationality"], true),
                index("person", &["nationality"], false),
                index("person", &["latin_name"], false),
                index("person_attribute", &["person_id"], false),
                index("person_source", &["person_id"], false),
                index("person_source", &["member_unit_id", "person_id"], false),
                index("person_source", &["source_row_id"], false),
                index(
                    "identity_document",
                    &["person_id", "kind", "valid_until"],
                    false,
                ),
                index("identity_document", &["number"], false),
                index("identity_document", &["kind", "valid_until"], false),
                index("affiliation", &["person_id"], false),
                index("affiliation", &["organization_id"], false),
                index("affiliation", &["member_unit_id", "kind"], false),
                index("stay", &["person_id"], false),
                index("stay", &["organization_id"], false),
                index("stay", &["member_unit_id"], false),
                index("movement", &["person_id", "occurred_at"], false),
                index("movement", &["occurred_at"], false),
                index("health_check", &["person_id", "checked_at"], false),
                index("pending_merge", &["person_id", "candidate_id"], true),
                index("pending_merge", &["status"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "pending_merge",
                "health_check",
                "movement",
                "stay",
                "affiliation",
                "identity_document",
                "person_source",
                "person_attribute",
                "person",
            ],
        )
        .await
    }
}
