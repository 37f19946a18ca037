//! What a landing writes for the accepted rows of a supplies register, in the landing's
//! transaction: each donation row under its donation (found by receipt number), each state
//! row under its contract (found by contract number), each outreach contact; organisations
//! resolved like employers; donations that may be one paired for an analyst.

use chrono::{DateTime, Duration, Utc};
use entity::{donation, donation_row, supply_contract, supply_contract_state};
use importers::supplies::{CASH, DonationRecord, ProcurementRecord};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, Value,
};
use std::collections::HashMap;

use super::batch::{Column, Table, insert_rows};
use super::facts::SupplyFact;
use super::organizations::OrgResolver;
use crate::supplies::candidates;
use crate::supplies::names::{is_private_person, name_key};

/// The upload the rows belong to.
#[derive(Debug, Clone, Copy)]
pub struct From {
    /// `member_unit.id` of the uploading unit.
    pub unit_id: i64,
    /// `upload.id`.
    pub upload_id: i64,
    /// When the upload lands.
    pub now: DateTime<Utc>,
}

const OUTREACH_CONTACT: Table = Table {
    name: "outreach_contact",
    columns: &[
        Column::plain("source_row_id"),
        Column::plain("upload_id"),
        Column::plain("member_unit_id"),
        Column::plain("contacted_at"),
        Column::plain("contact"),
        Column::plain("contact_key"),
        Column::plain("country"),
        Column::plain("channel"),
        Column::plain("subject"),
        Column::plain("outcome"),
        Column::plain("recommended"),
    ],
};

/// Lands one part's supplies rows (`(source_row.id, fact)`).
pub async fn land<C: ConnectionTrait>(
    db: &C,
    rows: &[(i64, &SupplyFact)],
    from: From,
    orgs: &mut OrgResolver,
) -> Result<(), DbErr> {
    let mut donations: HashMap<String, i64> = HashMap::new();
    let mut contracts: HashMap<String, i64> = HashMap::new();
    let mut contacts = Vec::new();
    for (row_id, fact) in rows {
        match fact {
            SupplyFact::Donation { at, record } => {
                land_donation(db, *row_id, *at, record, from, orgs, &mut donations).await?;
            }
            SupplyFact::Contract { at, record } => {
                land_contract(db, *row_id, *at, record, from, orgs, &mut contracts).await?;
            }
            SupplyFact::Contact { at, record } => contacts.push((*row_id, *at, record)),
        }
    }
    insert_rows(db, &OUTREACH_CONTACT, contacts, |(row_id, at, r), v| {
        v.extend([
            Value::from(row_id),
            Value::from(from.upload_id),
            Value::from(from.unit_id),
            Value::from(at),
            Value::from(r.contact.clone()),
            Value::from(name_key(&r.contact)),
            Value::from(r.country.clone()),
            Value::from(r.channel.clone()),
            Value::from(r.subject.clone()),
            Value::from(r.outcome.clone()),
            Value::from(r.recommended),
        ]);
    })
    .await?;
    Ok(())
}

/// The organisation a row names as `kind` (none when it names none).
async fn org_of<C: ConnectionTrait>(
    db: &C,
    orgs: &mut OrgResolver,
    name: Option<&str>,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    match name {
        Some(name) => orgs.resolve(db, name, kind, now).await,
        None => Ok(None),
    }
}

/// What identifies a donation: its receipt number, else the unit's own row (the same unit
/// sending the same row again speaks of the same donation).
pub fn donation_key(unit_id: i64, at: DateTime<Utc>, r: &DonationRecord) -> String {
    match &r.receipt_number {
        Some(number) => format!("R:{number}"),
        None => format!(
            "U{unit_id}:{}|{}|{}|{}",
            r.donor.as_deref().map(name_key).unwrap_or_default(),
            r.item,
            r.quantity,
            at.to_rfc3339()
        ),
    }
}

/// The donation of a key, created when new; `(id, created)`.
async fn donation_of<C: ConnectionTrait>(
    db: &C,
    key: &str,
    now: DateTime<Utc>,
    known: &mut HashMap<String, i64>,
) -> Result<(i64, bool), DbErr> {
    if let Some(id) = known.get(key) {
        return Ok((*id, false));
    }
    let found = donation::Entity::find()
        .filter(donation::Column::Key.eq(key))
        .one(db)
        .await?;
    let (id, created) = match found {
        Some(d) => (d.id, false),
        None => {
            let d = donation::ActiveModel {
                key: Set(key.to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            (d.id, true)
        }
    };
    known.insert(key.to_owned(), id);
    Ok((id, created))
}

async fn land_donation<C: ConnectionTrait>(
    db: &C,
    row_id: i64,
    at: DateTime<Utc>,
    r: &DonationRecord,
    from: From,
    orgs: &mut OrgResolver,
    known: &mut HashMap<String, i64>,
) -> Result<(), DbErr> {
    let key = donation_key(from.unit_id, at, r);
    let (donation_id, created) = donation_of(db, &key, from.now, known).await?;
    let donor = r.donor.as_deref().filter(|d| !is_private_person(d));
    let donor_org_id = org_of(db, orgs, donor, "donor", from.now).await?;
    let recipient_org_id = org_of(db, orgs, r.recipient.as_deref(), "recipient", from.now).await?;
    let donor_key = r.donor.as_deref().map(name_key);
    donation_row::ActiveModel {
        donation_id: Set(donation_id),
        source_row_id: Set(row_id),
        upload_id: Set(from.upload_id),
        member_unit_id: Set(from.unit_id),
        donated_at: Set(at),
        donor: Set(r.donor.clone()),
        donor_key: Set(donor_key.clone()),
        donor_org_id: Set(donor_org_id),
        country: Set(r.country.clone()),
        item: Set(r.item.clone()),
        item_as_written: Set(r.item_as_written.clone()),
        quantity: Set(r.quantity),
        cash_currency: Set(r.cash_currency.clone()),
        value_amount: Set(r.value.as_ref().map(|v| v.amount)),
        value_currency: Set(r.value.as_ref().map(|v| v.currency.clone())),
        state: Set(r.state.as_str().to_owned()),
        state_as_written: Set(r.state_as_written.clone()),
        recipient: Set(r.recipient.clone()),
        recipient_org_id: Set(recipient_org_id),
        receipt_number: Set(r.receipt_number.clone()),
        note: Set(r.note.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if created
        && r.receipt_number.is_none()
        && r.item != CASH
        && let Some(donor_key) = donor_key
    {
        let week = Duration::days(7);
        let others = donation_row::Entity::find()
            .filter(donation_row::Column::DonorKey.eq(donor_key.as_str()))
            .filter(donation_row::Column::Item.eq(r.item.as_str()))
            .filter(donation_row::Column::ReceiptNumber.is_null())
            .filter(donation_row::Column::DonationId.ne(donation_id))
            .filter(donation_row::Column::DonatedAt.between(at - week, at + week))
            .all(db)
            .await?;
        for other in others {
            if (other.quantity - r.quantity).abs() < 1e-9 {
                candidates::propose(db, donation_id, other.donation_id, from.now).await?;
            }
        }
    }
    Ok(())
}

/// What identifies a contract: its number, else the unit's supplier and item (a lead
/// written without a number).
pub fn contract_key(unit_id: i64, r: &ProcurementRecord) -> String {
    match &r.contract_number {
        Some(number) => format!("C:{number}"),
        None => format!(
            "U{unit_id}:{}|{}",
            r.supplier.as_deref().map(name_key).unwrap_or_default(),
            r.item
        ),
    }
}

async fn land_contract<C: ConnectionTrait>(
    db: &C,
    row_id: i64,
    at: DateTime<Utc>,
    r: &ProcurementRecord,
    from: From,
    orgs: &mut OrgResolver,
    known: &mut HashMap<String, i64>,
) -> Result<(), DbErr> {
    let key = contract_key(from.unit_id, r);
    let contract_id = match known.get(&key) {
        Some(id) => *id,
        None => {
            let found = supply_contract::Entity::find()
                .filter(supply_contract::Column::Key.eq(key.as_str()))
                .one(db)
                .await?;
            let id = match found {
                Some(c) => c.id,
                None => {
                    supply_contract::ActiveModel {
                        key: Set(key.clone()),
                        contract_number: Set(r.contract_number.clone()),
                        created_at: Set(from.now),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?
                    .id
                }
            };
            known.insert(key, id);
            id
        }
    };
    let supplier_org_id = org_of(db, orgs, r.supplier.as_deref(), "supplier", from.now).await?;
    let buyer_org_id = org_of(db, orgs, r.buyer.as_deref(), "buyer", from.now).await?;
    supply_contract_state::ActiveModel {
        contract_id: Set(contract_id),
        source_row_id: Set(row_id),
        upload_id: Set(from.upload_id),
        member_unit_id: Set(from.unit_id),
        stated_at: Set(at),
        state: Set(r.state.as_str().to_owned()),
        state_as_written: Set(r.state_as_written.clone()),
        refunded: Set(r.refunded),
        item: Set(r.item.clone()),
        item_as_written: Set(r.item_as_written.clone()),
        quantity: Set(r.quantity),
        unit_price: Set(r.unit_price),
        unit_price_text: Set(r.unit_price_text.clone()),
        currency: Set(r.currency.clone()),
        contract_amount: Set(r.contract_amount.as_ref().map(|m| m.amount)),
        contract_currency: Set(r.contract_amount.as_ref().map(|m| m.currency.clone())),
        paid_amount: Set(r.paid.as_ref().map(|m| m.amount)),
        paid_currency: Set(r.paid.as_ref().map(|m| m.currency.clone())),
        supplier: Set(r.supplier.clone()),
        supplier_org_id: Set(supplier_org_id),
        country: Set(r.country.clone()),
        buyer: Set(r.buyer.clone()),
        buyer_org_id: Set(buyer_org_id),
        for_city: Set(r.for_city),
        note: Set(r.note.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
