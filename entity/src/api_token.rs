//! A bearer token of a member unit with a role. Only a hash of the token is stored.

use sea_orm::entity::prelude::*;

/// One API token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A name for people, e.g. "police uploads".
    pub name: String,
    /// The unit the token acts for.
    pub member_unit_id: i64,
    /// `uploader`, `analyst`, `leader` or `admin`.
    pub role: String,
    /// SHA-256 of the token, lower-case hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTimeUtc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTimeUtc>,
    /// When it was last used.
    pub last_used_at: Option<DateTimeUtc>,
}

/// Relations of a token.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The unit the token acts for.
    #[sea_orm(
        belongs_to = "super::member_unit::Entity",
        from = "Column::MemberUnitId",
        to = "super::member_unit::Column::Id"
    )]
    MemberUnit,
}

impl Related<super::member_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MemberUnit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
