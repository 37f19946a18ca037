//! The supplies-and-donations registers: donation registers, procurement registers and
//! outreach logs (supplies.md). The item catalogue, currencies and reference rates are data
//! ([`Catalogue`]); quantities and money are read as units write them ([`parse_amount`]);
//! states come from the 状态 text ([`status`]).

pub mod amount;
pub mod buyer;
pub mod catalogue;
pub mod records;
pub(crate) mod rows;
pub mod status;

pub use amount::{Amount, AmountError, parse_amount, plain_number};
pub use buyer::is_city_buyer;
pub use catalogue::{CASH, Catalogue, CatalogueItem, CurrencyNames, ReferenceRate, item_key};
pub use records::{DonationRecord, Money, OutreachRecord, ProcurementRecord};
pub use status::{
    ContractState, DonationState, contract_state, donation_state, recommends, says_refunded,
};
