//! Member units (成员单位): the 31 units of the municipal foreign-affairs committee and any
//! an admin added.

use entity::member_unit;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder};

/// All member units, active or not, in registry order (by id, as seeded).
pub async fn list(db: &DatabaseConnection) -> Result<Vec<member_unit::Model>, DbErr> {
    member_unit::Entity::find()
        .order_by_asc(member_unit::Column::Id)
        .all(db)
        .await
}
