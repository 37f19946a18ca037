//! Member units (成员单位): the 31 units of the municipal foreign-affairs committee and any
//! an admin added.

use entity::member_unit;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::error::HubError;

/// The member unit with `code`; `NOT_FOUND` (with the code, in Chinese and English) when
/// there is none.
pub async fn find_unit<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<member_unit::Model, HubError> {
    member_unit::Entity::find()
        .filter(member_unit::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| {
            HubError::NotFound(format!(
                "没有代码为“{code}”的成员单位 / no member unit with code '{code}'"
            ))
        })
}

/// All member units, active or not, in registry order (by id, as seeded).
pub async fn list(db: &DatabaseConnection) -> Result<Vec<member_unit::Model>, DbErr> {
    member_unit::Entity::find()
        .order_by_asc(member_unit::Column::Id)
        .all(db)
        .await
}

/// What a member unit has sent: uploads, the last upload time, people it reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitActivity {
    /// Uploads stored.
    pub uploads: i64,
    /// When the last one landed.
    pub last_upload_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Distinct people the unit's rows named.
    pub people_reported: i64,
    /// When the unit last submitted a daily report (of any day).
    pub last_report_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The latest day the unit has reported on.
    pub last_report_date: Option<chrono::NaiveDate>,
    /// Whom to call: contact person and phone, when an admin has set them.
    pub contact: Option<entity::member_unit_contact::Model>,
}

/// Activity of every unit, by unit id (four statements).
pub async fn activity(
    db: &DatabaseConnection,
) -> Result<std::collections::HashMap<i64, UnitActivity>, DbErr> {
    use entity::{person_source, upload};
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{QuerySelect, prelude::DateTimeUtc};
    let mut map: std::collections::HashMap<i64, UnitActivity> = Default::default();
    let uploads: Vec<(i64, i64, Option<DateTimeUtc>)> = upload::Entity::find()
        .select_only()
        .column(upload::Column::MemberUnitId)
        .column_as(Expr::col(upload::Column::Id).count(), "n")
        .column_as(Expr::col(upload::Column::UploadedAt).max(), "last")
        .group_by(upload::Column::MemberUnitId)
        .into_tuple()
        .all(db)
        .await?;
    for (unit, n, last) in uploads {
        let entry = map.entry(unit).or_default();
        entry.uploads = n;
        entry.last_upload_at = last;
    }
    let people: Vec<(i64, i64)> = person_source::Entity::find()
        .select_only()
        .column(person_source::Column::MemberUnitId)
        .column_as(
            Expr::col(person_source::Column::PersonId).count_distinct(),
            "n",
        )
        .group_by(person_source::Column::MemberUnitId)
        .into_tuple()
        .all(db)
        .await?;
    for (unit, n) in people {
        map.entry(unit).or_default().people_reported = n;
    }
    let reports: Vec<(i64, Option<DateTimeUtc>, Option<chrono::NaiveDate>)> =
        entity::daily_report::Entity::find()
            .select_only()
            .column(entity::daily_report::Column::MemberUnitId)
            .column_as(
                Expr::col(entity::daily_report::Column::SubmittedAt).max(),
                "last",
            )
            .column_as(
                Expr::col(entity::daily_report::Column::ReportDate).max(),
                "day",
            )
            .group_by(entity::daily_report::Column::MemberUnitId)
            .into_tuple()
            .all(db)
            .await?;
    for (unit, last, day) in reports {
        let entry = map.entry(unit).or_default();
        entry.last_report_at = last;
        entry.last_report_date = day;
    }
    for contact in entity::member_unit_contact::Entity::find().all(db).await? {
        let unit = contact.member_unit_id;
        map.entry(unit).or_default().contact = Some(contact);
    }
    Ok(map)
}
