//! Candidate matches (same nationality, Latin name and date of birth) are looked up by the
//! exact key of each person landed: an index on `(latin_name, birth_date, nationality)`
//! answers each lookup with one seek, where the index on the name alone read every person
//! sharing a common name.

use crate::ddl::index;
use sea_orm_migration::prelude::*;

/// Replaces `idx_person_latin_name` with `idx_person_latin_name_birth_date_nationality`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                "person",
                &["latin_name", "birth_date", "nationality"],
                false,
            ))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_person_latin_name")
                    .table("person")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index("person", &["latin_name"], false))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_person_latin_name_birth_date_nationality")
                    .table("person")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
