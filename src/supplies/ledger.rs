//! The ledger's rows as stored, read back for one principal's scope: an uploader reads its
//! own unit's rows only; analysts, leaders and admins read every unit's.

use entity::{donation_row, member_unit, outreach_contact, supply_contract, supply_contract_state};
use importers::supplies::Catalogue;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
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

/// Which parts to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// Donation rows.
    pub donations: bool,
    /// Contract states.
    pub contracts: bool,
    /// Outreach contacts.
    pub contacts: bool,
}

impl Parts {
    /// Every part.
    pub const ALL: Parts = Parts {
        donations: true,
        contracts: true,
        contacts: true,
    };
    /// The donation rows alone.
    pub const DONATIONS: Parts = Parts {
        donations: true,
        contracts: false,
        contacts: false,
    };
    /// The contract states alone.
    pub const CONTRACTS: Parts = Parts {
        donations: false,
        contracts: true,
        contacts: false,
    };
    /// The outreach contacts alone.
    pub const CONTACTS: Parts = Parts {
        donations: false,
        contracts: false,
        contacts: true,
    };
    /// The goods received: donations and contracts.
    pub const GOODS: Parts = Parts {
        donations: true,
        contracts: true,
        contacts: false,
    };
}

/// Reads the ledger's rows of `scope`.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    parts: Parts,
) -> Result<Ledger, HubError> {
    let units = member_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let mut ledger = Ledger {
        units,
        catalogue: super::catalogue::load(db).await?,
        ..Default::default()
    };
    if parts.donations {
        let mut q = donation_row::Entity::find().order_by_asc(donation_row::Column::Id);
        if let Some(unit) = scope.unit_id {
            q = q.filter(donation_row::Column::MemberUnitId.eq(unit));
        }
        ledger.donations = q.all(db).await?;
    }
    if parts.contracts {
        let mut q =
            supply_contract_state::Entity::find().order_by_asc(supply_contract_state::Column::Id);
        if let Some(unit) = scope.unit_id {
            q = q.filter(supply_contract_state::Column::MemberUnitId.eq(unit));
        }
        ledger.states = q.all(db).await?;
        ledger.contract_numbers = supply_contract::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.contract_number))
            .collect();
    }
    if parts.contacts {
        let mut q = outreach_contact::Entity::find().order_by_asc(outreach_contact::Column::Id);
        if let Some(unit) = scope.unit_id {
            q = q.filter(outreach_contact::Column::MemberUnitId.eq(unit));
        }
        ledger.contacts = q.all(db).await?;
    }
    Ok(ledger)
}

impl Ledger {
    /// The code of a unit.
    pub fn unit_code(&self, id: i64) -> &str {
        self.units.get(&id).map_or("", String::as_str)
    }
}
