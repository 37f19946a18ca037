//! The values a source row gives for its person (name, sex, date of birth) move from
//! `person_attribute`, a row per value, to columns of `person_source`, the row that already
//! says which source row named the person. A landing then writes one row per person named
//! instead of up to five, and the value's rank comes from the source's kind, as the rank of
//! every other fact does.

use crate::ddl::{fact_table, index};
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

/// Adds `latin_name`, `chinese_name`, `sex` and `birth_date` to `person_source`, copies the
/// values of `person_attribute` into them and drops `person_attribute`.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The text attributes, named as both tables name them.
const TEXT_ATTRIBUTES: [&str; 3] = ["latin_name", "chinese_name", "sex"];

/// The authority rank `person_attribute` stored, from the source kind (lower wins).
const AUTHORITY_OF_KIND: &str = "CASE person_source.kind
    WHEN 'visa_registry' THEN 0 WHEN 'university_roster' THEN 1
    WHEN 'employment_roster' THEN 2 WHEN 'student_roster' THEN 3
    WHEN 'lodging_register' THEN 4 WHEN 'passenger_flow' THEN 5
    WHEN 'health_check' THEN 6 ELSE 7 END";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        for column in [
            string_null("latin_name"),
            string_null("chinese_name"),
            string_len_null("sex", 1),
            date_null("birth_date"),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table("person_source")
                        .add_column(&mut column)
                        .take(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let birth_date = match manager.get_database_backend() {
            DbBackend::Postgres => "CAST(pa.value AS date)",
            _ => "pa.value",
        };
        let copies = TEXT_ATTRIBUTES
            .iter()
            .map(|attribute| (*attribute, "pa.value"))
            .chain([("birth_date", birth_date)]);
        for (attribute, value) in copies {
            db.execute_unprepared(&format!(
                "UPDATE person_source SET {attribute} = (
                     SELECT {value} FROM person_attribute pa
                     WHERE pa.person_id = person_source.person_id
                       AND pa.source_row_id = person_source.source_row_id
                       AND pa.attribute = '{attribute}'
                     ORDER BY pa.id LIMIT 1)"
            ))
            .await?;
        }
        manager
            .drop_table(Table::drop().table("person_attribute").if_exists().take())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
            .create_index(index("person_attribute", &["person_id"], false))
            .await?;
        let db = manager.get_connection();
        let birth_date = match manager.get_database_backend() {
            DbBackend::Postgres => "to_char(birth_date, 'YYYY-MM-DD')",
            _ => "birth_date",
        };
        let copies = TEXT_ATTRIBUTES
            .iter()
            .map(|attribute| (*attribute, *attribute))
            .chain([("birth_date", birth_date)]);
        for (attribute, value) in copies {
            db.execute_unprepared(&format!(
                "INSERT INTO person_attribute
                     (person_id, source_row_id, attribute, value, authority)
                 SELECT person_id, source_row_id, '{attribute}', {value}, {AUTHORITY_OF_KIND}
                 FROM person_source WHERE {attribute} IS NOT NULL ORDER BY id"
            ))
            .await?;
        }
        for column in TEXT_ATTRIBUTES.iter().chain(&["birth_date"]) {
            manager
                .alter_table(
                    Table::alter()
                        .table("person_source")
                        .drop_column(*column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
