//! One state of one contract, as a register row gave it.

use sea_orm::entity::prelude::*;

/// A contract's state from one row; the state at T is the latest row dated at or before T.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "supply_contract_state")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The contract.
    pub contract_id: i64,
    /// The row it was read from.
    pub source_row_id: i64,
    /// The upload of that row.
    pub upload_id: i64,
    /// The unit that uploaded it.
    pub member_unit_id: i64,
    /// 状态日期.
    pub stated_at: DateTimeUtc,
    /// `lead`, `contracted`, `in_transit`, `received` or `cancelled`.
    pub state: String,
    /// 状态 as written.
    pub state_as_written: String,
    /// A cancelled contract's payment came back.
    pub refunded: bool,
    /// Item code.
    pub item: String,
    /// 物资名称 as written.
    pub item_as_written: Option<String>,
    /// Quantity in the item's unit.
    pub quantity: Option<f64>,
    /// 单价 when a plain number.
    pub unit_price: Option<f64>,
    /// 单价 as written otherwise.
    pub unit_price_text: Option<String>,
    /// The contract's currency.
    pub currency: String,
    /// 合同金额.
    pub contract_amount: Option<f64>,
    /// Its currency.
    pub contract_currency: Option<String>,
    /// 已付金额.
    pub paid_amount: Option<f64>,
    /// Its currency.
    pub paid_currency: Option<String>,
    /// 供应商 as written.
    pub supplier: Option<String>,
    /// The supplier's organisation.
    pub supplier_org_id: Option<i64>,
    /// The supplier's country or region, ISO alpha-3.
    pub country: Option<String>,
    /// 需求方 as written.
    pub buyer: Option<String>,
    /// The buyer's organisation.
    pub buyer_org_id: Option<i64>,
    /// Bought for the city's purchasing group (else assisted).
    pub for_city: bool,
    /// 备注.
    pub note: Option<String>,
}

/// Relations of a contract state.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The contract.
    #[sea_orm(
        belongs_to = "super::supply_contract::Entity",
        from = "Column::ContractId",
        to = "super::supply_contract::Column::Id"
    )]
    Contract,
}

impl Related<super::supply_contract::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contract.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
