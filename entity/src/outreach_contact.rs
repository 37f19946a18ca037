//! One contact of an outreach log.

use sea_orm::entity::prelude::*;

/// A contact with a supplier, association or person, with the row it came from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outreach_contact")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The row it was read from.
    pub source_row_id: i64,
    /// The upload of that row.
    pub upload_id: i64,
    /// The unit that uploaded it.
    pub member_unit_id: i64,
    /// 联系日期.
    pub contacted_at: DateTimeUtc,
    /// 联系对象 as written.
    pub contact: String,
    /// The contact's name as counted: NFKC (full-width digits folded), no spaces.
    pub contact_key: String,
    /// Country or region, ISO alpha-3.
    pub country: Option<String>,
    /// 联系方式.
    pub channel: Option<String>,
    /// 事项.
    pub subject: Option<String>,
    /// 结果.
    pub outcome: Option<String>,
    /// The result recommends the contact to the purchasing group.
    pub recommended: bool,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
