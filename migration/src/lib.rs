//! Schema migrations and seed data of the hub.
//!
//! Migrations are plain sea-orm-migration files named `mYYYYMMDD_NNNNNN_what.rs`; the same
//! migrations run on SQLite and PostgreSQL. The default registry (31 member units,
//! organisations and their aliases) is seeded from the data files in `seed/`.

pub use sea_orm_migration::prelude::*;

mod ddl;
mod m20261128_000001_registry;
mod m20261128_000002_uploads;
mod m20261128_000003_people;
mod m20261128_000004_reports_and_access;
mod m20261128_000005_seed_registry;
mod m20261128_000006_candidate_index;
mod m20261129_000007_person_source_values;
mod m20261129_000008_unused_indexes;
mod m20261129_000009_column_mappings;
mod m20261129_000010_audit_journal_cursor;
mod m20261130_000101_supplies;
mod m20261130_000201_store_change;
mod m20261130_000301_merged_person;
mod m20261130_000401_member_unit_contact;
pub mod m20261201_000601_visa_number;
mod m20261201_000701_merge_undo_keeps;
pub mod seed;

/// The hub's migrator: every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_registry::Migration),
            Box::new(m20261128_000002_uploads::Migration),
            Box::new(m20261128_000003_people::Migration),
            Box::new(m20261128_000004_reports_and_access::Migration),
            Box::new(m20261128_000005_seed_registry::Migration),
            Box::new(m20261128_000006_candidate_index::Migration),
            Box::new(m20261129_000007_person_source_values::Migration),
            Box::new(m20261129_000008_unused_indexes::Migration),
            Box::new(m20261129_000009_column_mappings::Migration),
            Box::new(m20261129_000010_audit_journal_cursor::Migration),
            Box::new(m20261130_000101_supplies::Migration),
            Box::new(m20261130_000201_store_change::Migration),
            Box::new(m20261130_000301_merged_person::Migration),
            Box::new(m20261130_000401_member_unit_contact::Migration),
            Box::new(m20261201_000601_visa_number::Migration),
            Box::new(m20261201_000701_merge_undo_keeps::Migration),
        ]
    }
}
