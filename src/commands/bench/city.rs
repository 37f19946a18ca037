//! Landing the synthetic city of [`devtools::city`] for `hub bench city` and `hub bench
//! query`: each batch's police list as another unit's upload and its passenger list as the
//! airport's, through the hub's own reading of a record ([`facts_of`]) and landing code, so
//! the store has the shape and indexes of a real one. The workbooks are skipped: a city of a
//! million people lands in minutes.

use chrono::Utc;
use chrono_tz::Tz;
use devtools::city::{self, CityBatch};
use entity::member_unit;
use importers::{Record, SourceKind};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder, TransactionTrait};
use serde_json::json;

use crate::error::HubError;
use crate::ingest::land::{LandFile, LandRow, land};
use crate::ingest::read::facts_of;

/// Lands one generated list as `unit`'s upload of `kind`.
async fn land_batch(
    db: &DatabaseConnection,
    unit: &member_unit::Model,
    kind: SourceKind,
    batch: usize,
    records: Vec<Record>,
    tz: Tz,
) -> Result<(), HubError> {
    let rows: Vec<LandRow> = records
        .into_iter()
        .enumerate()
        .map(|(n, record)| LandRow {
            sheet: "Sheet1".to_owned(),
            row_number: u32::try_from(n + 3).unwrap_or(u32::MAX),
            raw: json!([record.person().map(|p| p.document_number.clone())]),
            issues: json!([]),
            has_warnings: false,
            facts: Some(Box::new(facts_of(&record, tz))),
        })
        .collect();
    let file = LandFile {
        kind,
        file_name: format!("bench_{}_{batch}.xlsx", kind.as_str()),
        sha256: format!("bench-{}-{batch}", kind.as_str()),
        size_bytes: 0,
        format: "xlsx".to_owned(),
        sheet: "Sheet1".to_owned(),
        header_row: 2,
        headers: vec!["护照号码".to_owned()],
        uploaded_by: "bench".to_owned(),
        columns: json!({}),
    };
    let txn = db.begin().await?;
    land(&txn, unit, &file, &rows, Utc::now()).await?;
    txn.commit().await?;
    crate::ingest::statistics::refresh_after_landing(db, rows.len()).await;
    Ok(())
}

/// Lands a city of `people` people generated from `seed` ([`devtools::city::batches`]):
/// each batch's police list as another member unit's (so no list replaces another), its
/// arrivals and departures as the airport's.
pub async fn generate(db: &DatabaseConnection, people: usize, seed: u64) -> Result<(), HubError> {
    // The city's records carry their times with an offset; a zone is needed only for a
    // date without a time, which they have none of.
    let tz = importers::ReadOptions::default().timezone;
    let units = member_unit::Entity::find()
        .order_by_asc(member_unit::Column::Id)
        .all(db)
        .await?;
    let airport = units
        .iter()
        .find(|u| u.code == "airport")
        .cloned()
        .ok_or_else(|| HubError::Internal("the registry has no airport unit".to_owned()))?;
    for CityBatch {
        index,
        people: rows,
        movements,
    } in city::batches(people, seed)
    {
        let landed = index * city::BATCH + rows.len();
        let unit = &units[index % units.len()];
        let rows = rows.into_iter().map(Record::VisaRegistry).collect();
        land_batch(db, unit, SourceKind::VisaRegistry, index, rows, tz).await?;
        let moves = movements.into_iter().map(Record::PassengerFlow).collect();
        land_batch(db, &airport, SourceKind::PassengerFlow, index, moves, tz).await?;
        tracing::info!(people = landed, "bench city generated");
    }
    Ok(())
}
