//! Whom to call at a member unit (its contact person and phone), set by an admin.

use sea_orm::entity::prelude::*;

/// The contact of one member unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_unit_contact")]
pub struct Model {
    /// The member unit.
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_unit_id: i64,
    /// Contact person, e.g. 张伟（外事科）.
    pub contact_name: Option<String>,
    /// Phone, as written.
    pub contact_phone: Option<String>,
    /// When it was last set.
    pub updated_at: DateTimeUtc,
}

/// Relations of a contact.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The member unit.
    #[sea_orm(
        belongs_to = "super::member_unit::Entity",
        from = "Column::MemberUnitId",
        to = "super::member_unit::Column::Id",
        on_delete = "Cascade"
    )]
    MemberUnit,
}

impl Related<super::member_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MemberUnit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
