//! One row of a donation register, as read.

use sea_orm::entity::prelude::*;

/// What one register row says of one donation, with the row it came from.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "donation_row")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The donation.
    pub donation_id: i64,
    /// The row it was read from.
    pub source_row_id: i64,
    /// The upload of that row.
    pub upload_id: i64,
    /// The unit that uploaded it.
    pub member_unit_id: i64,
    /// 登记日期 / 接收日期: it counts from then.
    pub donated_at: DateTimeUtc,
    /// 捐赠方 as written.
    pub donor: Option<String>,
    /// The donor's name as counted: NFKC, no spaces.
    pub donor_key: Option<String>,
    /// The donor's organisation (none for a private person).
    pub donor_org_id: Option<i64>,
    /// Country or region, ISO alpha-3.
    pub country: Option<String>,
    /// Item code (`cash` for money).
    pub item: String,
    /// 物资名称 as written.
    pub item_as_written: Option<String>,
    /// Quantity in the item's unit (the amount for cash).
    pub quantity: f64,
    /// The currency of a cash amount.
    pub cash_currency: Option<String>,
    /// Declared value (折合金额).
    pub value_amount: Option<f64>,
    /// Its currency.
    pub value_currency: Option<String>,
    /// `received`, `in_transit` or `pledged`.
    pub state: String,
    /// 状态 as written.
    pub state_as_written: Option<String>,
    /// 接收单位 as written.
    pub recipient: Option<String>,
    /// The recipient's organisation.
    pub recipient_org_id: Option<i64>,
    /// Normalised receipt number.
    pub receipt_number: Option<String>,
    /// 备注.
    pub note: Option<String>,
}

/// Relations of a donation row.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The donation.
    #[sea_orm(
        belongs_to = "super::donation::Entity",
        from = "Column::DonationId",
        to = "super::donation::Column::Id"
    )]
    Donation,
}

impl Related<super::donation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Donation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
