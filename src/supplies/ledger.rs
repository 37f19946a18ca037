//! The ledger's rows as stored, read back for one principal's scope: an uploader reads its
//! own unit's rows only; analysts, leaders and admins read every unit's.

use entity::{donation_row, member_unit, outreach_contact, supply_contract, supply_contract_state};
use importers::supplies::Catalogue;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use crate::error::HubError;

/// Whose rows are read: every unit's, or one unit's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scope {
    /// `member_unit.id` the rows are restricted to.
    pub unit_id: Option<i64>,
}

/// The rows of the ledger in a scope, with the catalogue and the units' codes.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Member unit id → code.
    pub units: HashMap<i64, String>,
    /// Donation rows, by id.
    pub donations: Vec<donation_row::Model>,
    /// Contract state rows, by id.
    pub states: Vec<supply_contract_state::Model>,
    /// Contract id → normalised contract number.
    pub contract_numbers: HashMap<i64, Option<String>>,
    /// Outreach contacts, by id.
    pub contacts: Vec<outreach_contact::Model>,
    /// The catalogue and reference rates.
    pub catalogue: Catalogue,
}

/// A part of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Donation rows.
    Donations,
    /// Contract states.
    Contracts,
    /// Outreach contacts.
    Contacts,
}

/// Which parts to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts(&'static [Part]);

impl Parts {
    /// Every part.
    pub const ALL: Parts = Parts(&[Part::Donations, Part::Contracts, Part::Contacts]);
    /// The donation rows alone.
    pub const DONATIONS: Parts = Parts(&[Part::Donations]);
    /// The contract states alone.
    pub const CONTRACTS: Parts = Parts(&[Part::Contracts]);
    /// The outreach contacts alone.
    pub const CONTACTS: Parts = Parts(&[Part::Contacts]);
    /// The goods received: donations and contracts.
    pub const GOODS: Parts = Parts(&[Part::Donations, Part::Contracts]);

    /// Whether `part` is among them.
    pub fn has(self, part: Part) -> bool {
        self.0.contains(&part)
    }
}

impl Scope {
    /// The rows of an entity in the scope, by `id` (`unit`: the rows' unit).
    async fn rows<C, Col, E>(self, db: &C, id: Col, unit: Col) -> Result<Vec<E::Model>, DbErr>
    where
        C: ConnectionTrait,
        Col: ColumnTrait<EntityName = E>,
        E: EntityTrait<Column = Col>,
    {
        let query = E::find().order_by_asc(id);
        match self.unit_id {
            Some(unit_id) => query.filter(unit.eq(unit_id)).all(db).await,
            None => query.all(db).await,
        }
    }
}

/// Every member unit's code, by id.
async fn unit_codes<C: ConnectionTrait>(db: &C) -> Result<HashMap<i64, String>, DbErr> {
    let units = member_unit::Entity::find().all(db).await?;
    Ok(units.into_iter().map(|u| (u.id, u.code)).collect())
}

/// Reads the ledger's rows of `scope`.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    parts: Parts,
) -> Result<Ledger, HubError> {
    let mut ledger = Ledger {
        units: unit_codes(db).await?,
        catalogue: super::catalogue::load(db).await?,
        ..Default::default()
    };
    if parts.has(Part::Donations) {
        use donation_row::Column as Row;
        ledger.donations = scope.rows(db, Row::Id, Row::MemberUnitId).await?;
    }
    if parts.has(Part::Contracts) {
        use supply_contract_state::Column as State;
        ledger.states = scope.rows(db, State::Id, State::MemberUnitId).await?;
        ledger.contract_numbers = supply_contract::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.contract_number))
            .collect();
    }
    if parts.has(Part::Contacts) {
        use outreach_contact::Column as Contact;
        ledger.contacts = scope.rows(db, Contact::Id, Contact::MemberUnitId).await?;
    }
    Ok(ledger)
}

impl Ledger {
    /// The code of a unit.
    pub fn unit_code(&self, id: i64) -> &str {
        self.units.get(&id).map_or("", String::as_str)
    }
}
