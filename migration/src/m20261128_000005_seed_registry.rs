//! Seeds the default registry: the 31 member units, an organisation for each of them, the
//! other known organisations, and their aliases (from `seed/registry.json`).

use crate::seed::Registry;
use importers::normalize::org_key;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::ChronoUtc;
use sea_orm_migration::sea_orm::{ConnectionTrait, TryGetable};
use std::collections::HashMap;

/// Inserts the default registry.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// One organisation to insert: name, kind, member unit code, aliases.
struct OrgRow<'a> {
    name: &'a str,
    kind: &'a str,
    unit: Option<&'a str>,
    aliases: Vec<&'a str>,
}

fn seed_error(err: impl std::fmt::Display) -> DbErr {
    DbErr::Migration(format!("default registry: {err}"))
}

/// Collects organisations: every member unit is one, and the seed's organisations add kinds
/// and aliases (merged by normalised name).
fn organisation_rows(registry: &Registry) -> Vec<OrgRow<'_>> {
    let mut rows: Vec<OrgRow<'_>> = registry
        .member_units
        .iter()
        .map(|unit| OrgRow {
            name: &unit.name,
            kind: &unit.kind,
            unit: Some(&unit.code),
            aliases: Vec::new(),
        })
        .collect();
    for org in &registry.organizations {
        let key = org_key(&org.name);
        match rows.iter_mut().find(|row| org_key(row.name) == key) {
            Some(row) => {
                row.kind = &org.kind;
                row.aliases.extend(org.aliases.iter().map(String::as_str));
            }
            None => rows.push(OrgRow {
                name: &org.name,
                kind: &org.kind,
                unit: None,
                aliases: org.aliases.iter().map(String::as_str).collect(),
            }),
        }
    }
    rows
}

/// Reads `SELECT id, <column> FROM <table>` into a map from the column to the id.
async fn ids_by<C: ConnectionTrait>(
    db: &C,
    table: &str,
    column: &str,
) -> Result<HashMap<String, i64>, DbErr>
where
    String: TryGetable,
{
    let rows = db
        .query_all(
            &Query::select()
                .columns(["id".to_owned(), column.to_owned()])
                .from(table.to_owned())
                .take(),
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<String>("", column)?,
                row.try_get::<i64>("", "id")?,
            ))
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let registry = Registry::default_registry().map_err(seed_error)?;
        let db = manager.get_connection();
        let now = ChronoUtc::now();

        let mut units = Query::insert();
        units
            .into_table("member_unit")
            .columns(["code", "name", "kind", "active", "created_at"]);
        for unit in &registry.member_units {
            units
                .values([
                    unit.code.clone().into(),
                    unit.name.clone().into(),
                    unit.kind.clone().into(),
                    true.into(),
                    now.into(),
                ])
                .map_err(seed_error)?;
        }
        db.execute(&units).await?;
        let unit_ids = ids_by(db, "member_unit", "code").await?;

        let orgs = organisation_rows(&registry);
        let mut insert = Query::insert();
        insert.into_table("organization").columns([
            "name",
            "key",
            "kind",
            "verified",
            "member_unit_id",
            "created_at",
        ]);
        for org in &orgs {
            let unit_id = org.unit.and_then(|code| unit_ids.get(code).copied());
            insert
                .values([
                    org.name.into(),
                    org_key(org.name).into(),
                    org.kind.into(),
                    true.into(),
                    unit_id.into(),
                    now.into(),
                ])
                .map_err(seed_error)?;
        }
        db.execute(&insert).await?;
        let org_ids = ids_by(db, "organization", "key").await?;

        let mut aliases = Query::insert();
        aliases
            .into_table("organization_alias")
            .columns(["organization_id", "alias", "key"]);
        let mut any_alias = false;
        for org in &orgs {
            let org_id = org_ids
                .get(&org_key(org.name))
                .copied()
                .ok_or_else(|| seed_error(format!("organisation {} was not inserted", org.name)))?;
            for alias in &org.aliases {
                aliases
                    .values([org_id.into(), (*alias).into(), org_key(alias).into()])
                    .map_err(seed_error)?;
                any_alias = true;
            }
        }
        if any_alias {
            db.execute(&aliases).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in ["organization_alias", "organization", "member_unit"] {
            db.execute(&Query::delete().from_table(table.to_owned()).take())
                .await?;
        }
        Ok(())
    }
}
