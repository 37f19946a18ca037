//! A member unit's daily report (日报告), possibly a zero report (零报告).

use sea_orm::entity::prelude::*;

/// One daily report. A unit may report a day more than once; the latest submission counts.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "daily_report")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The reporting unit.
    pub member_unit_id: i64,
    /// The day reported on.
    pub report_date: Date,
    /// True for a zero report: nothing changed.
    pub is_zero: bool,
    /// New arrivals the unit counted that day.
    pub arrivals: Option<i32>,
    /// Departures the unit counted that day.
    pub departures: Option<i32>,
    /// Anomalies, as written.
    pub anomalies: Option<String>,
    /// Free note.
    pub note: Option<String>,
    /// Who submitted.
    pub submitted_by: String,
    /// When it was submitted.
    pub submitted_at: DateTimeUtc,
    /// The source row, when the report came in an upload rather than the form.
    pub source_row_id: Option<i64>,
}

/// Relations of a daily report.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The reporting unit.
    #[sea_orm(
        belongs_to = "super::member_unit::Entity",
        from = "Column::MemberUnitId",
        to = "super::member_unit::Column::Id"
    )]
    MemberUnit,
    /// The source row.
    #[sea_orm(
        belongs_to = "super::source_row::Entity",
        from = "Column::SourceRowId",
        to = "super::source_row::Column::Id"
    )]
    SourceRow,
}

impl Related<super::member_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MemberUnit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
