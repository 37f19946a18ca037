//! The supplies ledger (supplies.md):
//! - the catalogue admins extend: `supply_item` (categories, synonyms, units),
//!   `supply_currency` (names of currencies) and `supply_rate` (CNY per unit by month),
//!   seeded from `importers/data/supplies_catalogue.json`;
//! - `donation` (one per donation, keyed by its normalised receipt number, else by the
//!   unit's own row) and `donation_row` (every register row saying something of it);
//! - `donation_candidate`: donations without a receipt number that may be the same, for an
//!   analyst to merge or keep apart;
//! - `supply_contract` (one per normalised contract number) and `supply_contract_state`
//!   (every state row, kept in time);
//! - `outreach_contact`: every contact of an outreach log.
//!
//! Every row points at the `source_row` (and so the upload) it came from.

use crate::ddl::{create_indexes, drop_tables, fk, id, index};
use importers::supplies::Catalogue;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, double, double_null, integer, json, string,
    string_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

/// Creates the supplies tables and seeds the catalogue.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The provenance columns every register row carries.
fn provenance(table: &str, stmt: &mut TableCreateStatement) {
    stmt.col(big_integer("source_row_id"))
        .col(big_integer("upload_id"))
        .col(big_integer("member_unit_id"))
        .foreign_key(&mut fk(
            table,
            "source_row_id",
            "source_row",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(&mut fk(
            table,
            "upload_id",
            "upload",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(&mut fk(
            table,
            "member_unit_id",
            "member_unit",
            ForeignKeyAction::Restrict,
        ));
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("supply_item")
                    .if_not_exists()
                    .col(id())
                    .col(string("code"))
                    .col(string("label_zh"))
                    .col(string("unit"))
                    .col(json("unit_aliases"))
                    .col(json("synonyms"))
                    .col(integer("specificity"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("supply_currency")
                    .if_not_exists()
                    .col(id())
                    .col(string("code"))
                    .col(json("names"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("supply_rate")
                    .if_not_exists()
                    .col(id())
                    .col(string("month"))
                    .col(string("currency"))
                    .col(double("cny_per_unit"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("donation")
                    .if_not_exists()
                    .col(id())
                    .col(string("key"))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await?;
        let mut row = Table::create();
        row.table("donation_row")
            .if_not_exists()
            .col(id())
            .col(big_integer("donation_id"))
            .foreign_key(&mut fk(
                "donation_row",
                "donation_id",
                "donation",
                ForeignKeyAction::Cascade,
            ));
        provenance("donation_row", &mut row);
        row.col(timestamp_with_time_zone("donated_at"))
            .col(string_null("donor"))
            .col(string_null("donor_key"))
            .col(big_integer_null("donor_org_id"))
            .col(string_null("country"))
            .col(string("item"))
            .col(string_null("item_as_written"))
            .col(double("quantity"))
            .col(string_null("cash_currency"))
            .col(double_null("value_amount"))
            .col(string_null("value_currency"))
            .col(string("state"))
            .col(string_null("state_as_written"))
            .col(string_null("recipient"))
            .col(big_integer_null("recipient_org_id"))
            .col(string_null("receipt_number"))
            .col(string_null("note"));
        manager.create_table(row.take()).await?;
        manager
            .create_table(
                Table::create()
                    .table("donation_candidate")
                    .if_not_exists()
                    .col(id())
                    .col(big_integer("donation_id"))
                    .col(big_integer("other_donation_id"))
                    .col(string("reason"))
                    .col(string("status"))
                    .col(string_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "donation_candidate",
                        "donation_id",
                        "donation",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "donation_candidate",
                        "other_donation_id",
                        "donation",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("supply_contract")
                    .if_not_exists()
                    .col(id())
                    .col(string("key"))
                    .col(string_null("contract_number"))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await?;
        let mut state = Table::create();
        state
            .table("supply_contract_state")
            .if_not_exists()
            .col(id())
            .col(big_integer("contract_id"))
            .foreign_key(&mut fk(
                "supply_contract_state",
                "contract_id",
                "supply_contract",
                ForeignKeyAction::Cascade,
            ));
        provenance("supply_contract_state", &mut state);
        state
            .col(timestamp_with_time_zone("stated_at"))
            .col(string("state"))
            .col(string("state_as_written"))
            .col(boolean("refunded"))
            .col(string("item"))
            .col(string_null("item_as_written"))
            .col(double_null("quantity"))
            .col(double_null("unit_price"))
            .col(string_null("unit_price_text"))
            .col(string("currency"))
            .col(double_null("contract_amount"))
            .col(string_null("contract_currency"))
            .col(double_null("paid_amount"))
            .col(string_null("paid_currency"))
            .col(string_null("supplier"))
            .col(big_integer_null("supplier_org_id"))
            .col(string_null("country"))
            .col(string_null("buyer"))
            .col(big_integer_null("buyer_org_id"))
            .col(boolean("for_city"))
            .col(string_null("note"));
        manager.create_table(state.take()).await?;
        let mut contact = Table::create();
        contact.table("outreach_contact").if_not_exists().col(id());
        provenance("outreach_contact", &mut contact);
        contact
            .col(timestamp_with_time_zone("contacted_at"))
            .col(string("contact"))
            .col(string("contact_key"))
            .col(string_null("country"))
            .col(string_null("channel"))
            .col(string_null("subject"))
            .col(string_null("outcome"))
            .col(boolean("recommended"));
        manager.create_table(contact.take()).await?;
        create_indexes(
            manager,
            vec![
                index("supply_item", &["code"], true),
                index("supply_currency", &["code"], true),
                index("supply_rate", &["month", "currency"], true),
                index("donation", &["key"], true),
                index("donation_row", &["donation_id"], false),
                index("donation_row", &["member_unit_id"], false),
                index("donation_row", &["donor_key", "item"], false),
                index(
                    "donation_candidate",
                    &["donation_id", "other_donation_id"],
                    true,
                ),
                index("supply_contract", &["key"], true),
                index("supply_contract_state", &["contract_id"], false),
                index("supply_contract_state", &["member_unit_id"], false),
                index("outreach_contact", &["member_unit_id"], false),
                index("outreach_contact", &["contacted_at"], false),
            ],
        )
        .await?;
        seed(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "outreach_contact",
                "supply_contract_state",
                "supply_contract",
                "donation_candidate",
                "donation_row",
                "donation",
                "supply_rate",
                "supply_currency",
                "supply_item",
            ],
        )
        .await
    }
}

fn json_text<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, DbErr> {
    serde_json::to_value(value).map_err(|e| DbErr::Migration(format!("supplies catalogue: {e}")))
}

/// Seeds the catalogue the hub ships.
async fn seed(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let catalogue: Catalogue = serde_json::from_str(importers::supplies::catalogue::BUILTIN_JSON)
        .map_err(|e| DbErr::Migration(format!("supplies catalogue: {e}")))?;
    for item in &catalogue.items {
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("supply_item")
                    .columns([
                        "code",
                        "label_zh",
                        "unit",
                        "unit_aliases",
                        "synonyms",
                        "specificity",
                    ])
                    .values([
                        item.code.clone().into(),
                        item.label_zh.clone().into(),
                        item.unit.clone().into(),
                        json_text(&item.unit_aliases)?.into(),
                        json_text(&item.synonyms)?.into(),
                        item.specificity.into(),
                    ])
                    .map_err(|e| DbErr::Migration(format!("supplies catalogue: {e}")))?
                    .take(),
            )
            .await?;
    }
    for currency in &catalogue.currencies {
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("supply_currency")
                    .columns(["code", "names"])
                    .values([
                        currency.code.clone().into(),
                        json_text(&currency.names)?.into(),
                    ])
                    .map_err(|e| DbErr::Migration(format!("supplies catalogue: {e}")))?
                    .take(),
            )
            .await?;
    }
    for rate in &catalogue.rates {
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("supply_rate")
                    .columns(["month", "currency", "cny_per_unit"])
                    .values([
                        rate.month.clone().into(),
                        rate.currency.clone().into(),
                        rate.cny_per_unit.into(),
                    ])
                    .map_err(|e| DbErr::Migration(format!("supplies catalogue: {e}")))?
                    .take(),
            )
            .await?;
    }
    Ok(())
}
