//! SeaORM entities of the hub's relational model.
//!
//! The model follows `shared/docs/domain.md`:
//! - the registry of [`member_unit`]s (with whom to call, [`member_unit_contact`]) and [`organization`]s (with [`organization_alias`]es);
//! - what units send: [`upload`]s and the [`source_row`]s read from them;
//! - the resolved [`person`] and the facts about them, each linked to the source row that
//!   gave it: [`person_source`] (which row named the person and the values it gave),
//!   [`identity_document`], [`affiliation`], [`stay`], [`movement`], [`health_check`];
//! - [`daily_report`]s, [`pending_merge`]s, [`api_token`]s and the [`audit_log`];
//! - the [`column_mapping`]s units confirmed for their files' headers;
//! - the supplies ledger: the catalogue ([`supply_item`], [`supply_currency`], [`supply_rate`]),
//!   [`donation`]s with their [`donation_row`]s and [`donation_candidate`]s,
//!   [`supply_contract`]s with their [`supply_contract_state`]s, and [`outreach_contact`]s.
//!
//! Times are stored in UTC; dates without a time are calendar dates of Asia/Shanghai as the
//! units wrote them.

pub mod affiliation;
pub mod api_token;
pub mod audit_log;
pub mod column_mapping;
pub mod daily_report;
pub mod donation;
pub mod donation_candidate;
pub mod donation_row;
pub mod health_check;
pub mod identity_document;
pub mod member_unit;
pub mod member_unit_contact;
pub mod movement;
pub mod organization;
pub mod organization_alias;
pub mod outreach_contact;
pub mod pending_merge;
pub mod person;
pub mod person_source;
pub mod source_row;
pub mod stay;
pub mod supply_contract;
pub mod supply_contract_state;
pub mod supply_currency;
pub mod supply_item;
pub mod supply_rate;
pub mod upload;

/// Re-exports of every entity under a short name, as `use entity::prelude::*` expects.
pub mod prelude {
    pub use super::affiliation::Entity as Affiliation;
    pub use super::api_token::Entity as ApiToken;
    pub use super::audit_log::Entity as AuditLog;
    pub use super::column_mapping::Entity as ColumnMapping;
    pub use super::daily_report::Entity as DailyReport;
    pub use super::health_check::Entity as HealthCheck;
    pub use super::identity_document::Entity as IdentityDocument;
    pub use super::member_unit::Entity as MemberUnit;
    pub use super::member_unit_contact::Entity as MemberUnitContact;
    pub use super::movement::Entity as Movement;
    pub use super::organization::Entity as Organization;
    pub use super::organization_alias::Entity as OrganizationAlias;
    pub use super::pending_merge::Entity as PendingMerge;
    pub use super::person::Entity as Person;
    pub use super::person_source::Entity as PersonSource;
    pub use super::source_row::Entity as SourceRow;
    pub use super::stay::Entity as Stay;
    pub use super::upload::Entity as Upload;
}
