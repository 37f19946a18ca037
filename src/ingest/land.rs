//! Landing one read file in the store: the upload, its rows (accepted and rejected), the
//! people and every fact, linked to the row that gave it — all in the caller's
//! transaction, so a file lands whole or not at all.
//!
//! Large files land as bulk inserts written straight from the rows ([`super::batch`]):
//! no active model, expression tree or JSON tree per row; the ids of new source rows and
//! people come from the inserts themselves instead of being selected again; new people
//! are numbered in file order, so the indexes keyed by person are appended to.

use super::batch::{Column, Keys, Table, insert_rows_with_ids};
use super::fact_rows::{self, FactRows, Provenance, Resolved};
use super::facts::{OrgRef, RowFacts, SupplyFact};
use super::organizations::OrgResolver;
use super::people::{self, NamedPerson};
use super::roster::{self, RosterReport};
use chrono::{DateTime, Utc};
use entity::{member_unit, organization, upload};
use importers::SourceKind;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryResult, Value,
};
use std::borrow::Cow;

/// JSON as a [`LandRow`] holds it: a tree, or text already serialised (what the import
/// path uses: a row's cells as one string instead of a tree of small allocations).
pub trait StoredJson {
    /// The compact JSON text that is stored.
    fn json_text(&self) -> Cow<'_, str>;
}

impl StoredJson for serde_json::Value {
    fn json_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl StoredJson for String {
    fn json_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

/// One row of the file as it will be stored; `J` is how its JSON is held (see
/// [`StoredJson`]).
#[derive(Debug, Clone)]
pub struct LandRow<J = serde_json::Value> {
    /// Sheet name.
    pub sheet: String,
    /// Excel row number.
    pub row_number: u32,
    /// Raw cells: the texts under the upload's headers, as a JSON array.
    pub raw: J,
    /// Issues (rejections and warnings) as a JSON array.
    pub issues: J,
    /// Whether the issues include a warning.
    pub has_warnings: bool,
    /// What the row says, when accepted (boxed: the facts are large and mostly empty, and
    /// a large file's rows stay small).
    pub facts: Option<Box<RowFacts>>,
}

/// The file's description as it will be stored.
#[derive(Debug, Clone)]
pub struct LandFile {
    /// Source kind.
    pub kind: SourceKind,
    /// File name as uploaded.
    pub file_name: String,
    /// SHA-256 hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Detected format.
    pub format: String,
    /// Sheet read.
    pub sheet: String,
    /// Header row number.
    pub header_row: u32,
    /// Headers as written.
    pub headers: Vec<String>,
    /// Who uploaded.
    pub uploaded_by: String,
    /// How each header was read and the file's warnings, as stored with the upload.
    pub columns: serde_json::Value,
}

/// Debug-level timings of the steps of a landing (`RUST_LOG=hub::ingest=debug`).
struct Steps {
    last: std::time::Instant,
}

impl Steps {
    fn start() -> Self {
        Self {
            last: std::time::Instant::now(),
        }
    }

    fn done(&mut self, step: &'static str) {
        let now = std::time::Instant::now();
        let ms = now.duration_since(self.last).as_secs_f64() * 1000.0;
        tracing::debug!(step, ms, "landing step done");
        self.last = now;
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `source_row`: every data row of the upload, accepted or not.
const SOURCE_ROW: Table = Table {
    name: "source_row",
    columns: &[
        Column::plain("upload_id"),
        Column::plain("sheet"),
        Column::plain("row_number"),
        Column::json("raw"),
        Column::plain("status"),
        Column::json("issues"),
    ],
};

/// Lands the file and all its rows in one go; returns the new upload's id.
pub async fn land<C, J>(
    db: &C,
    unit: &member_unit::Model,
    file: &LandFile,
    rows: &[LandRow<J>],
    now: DateTime<Utc>,
) -> Result<i64, DbErr>
where
    C: ConnectionTrait,
    J: StoredJson + Sync,
{
    let totals = RowTotals::of(rows);
    let mut landing = Landing::begin(db, unit, file, now).await?;
    landing.land_rows(db, rows).await?;
    Ok(landing.finish(db, totals, None).await?.0)
}

/// How many data rows the file has, how many of them were accepted, and how many carry
/// warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowTotals {
    /// Data rows.
    pub data: usize,
    /// Accepted rows.
    pub accepted: usize,
    /// Rows with at least one warning.
    pub warnings: usize,
}

impl RowTotals {
    /// The totals of these rows.
    pub fn of<J>(rows: &[LandRow<J>]) -> Self {
        Self {
            data: rows.len(),
            accepted: rows.iter().filter(|row| row.facts.is_some()).count(),
            warnings: rows.iter().filter(|row| row.has_warnings).count(),
        }
    }

    /// Adds the totals of another part of the same file.
    pub fn add(&mut self, other: RowTotals) {
        self.data += other.data;
        self.accepted += other.accepted;
        self.warnings += other.warnings;
    }
}

/// One upload being landed, its rows given in one or more parts ([`Landing::land_rows`]),
/// all in the caller's transaction. A large file lands part by part, so only one part's
/// rows are held as stored rows at a time; the result is the same as landing all rows at
/// once (people met again in a later part are found as existing people, their shown values
/// recomputed from every value stored).
pub struct Landing<'u> {
    unit: &'u member_unit::Model,
    upload_id: i64,
    kind: SourceKind,
    uploaded_by: String,
    now: DateTime<Utc>,
    orgs: OrgResolver,
    own_org: Option<i64>,
    /// Every person the rows named so far (for the store's change log).
    named: Vec<i64>,
}

impl<'u> Landing<'u> {
    /// Stores the upload and, for a roster, ends what the unit's earlier lists of the same
    /// kind said. The upload's row counts are written by [`Landing::finish`].
    pub async fn begin<C: ConnectionTrait>(
        db: &C,
        unit: &'u member_unit::Model,
        file: &LandFile,
        now: DateTime<Utc>,
    ) -> Result<Self, DbErr> {
        let upload = upload::ActiveModel {
            member_unit_id: Set(unit.id),
            kind: Set(file.kind.as_str().to_owned()),
            file_name: Set(file.file_name.clone()),
            sha256: Set(file.sha256.clone()),
            size_bytes: Set(file.size_bytes),
            format: Set(file.format.clone()),
            uploaded_by: Set(file.uploaded_by.clone()),
            uploaded_at: Set(now),
            status: Set("imported".to_owned()),
            sheet: Set(file.sheet.clone()),
            header_row: Set(i32::try_from(file.header_row).unwrap_or(i32::MAX)),
            headers: Set(serde_json::json!(file.headers)),
            data_rows: Set(0),
            accepted_rows: Set(0),
            rejected_rows: Set(0),
            warning_rows: Set(0),
            as_of: Set(Some(now)),
            columns: Set(Some(file.columns.clone())),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let orgs = OrgResolver::load(db).await?;
        let own_org = organization::Entity::find()
            .filter(organization::Column::MemberUnitId.eq(unit.id))
            .filter(organization::Column::MergedIntoId.is_null())
            .one(db)
            .await?
            .map(|org| org.id);
        Ok(Self {
            unit,
            upload_id: upload.id,
            kind: file.kind,
            uploaded_by: file.uploaded_by.clone(),
            now,
            orgs,
            own_org,
            named: Vec::new(),
        })
    }

    /// The id of the upload being landed.
    pub fn upload_id(&self) -> i64 {
        self.upload_id
    }

    /// Writes the file's row counts and the instant its list holds for (`stated`: the local
    /// midnight of the date the file states, else the upload time), once every part has
    /// landed; for a roster, ends what the unit's older lists gave and this one omits
    /// ([`roster::land`]). Returns the upload's id and, for a roster, what it ended.
    pub async fn finish<C: ConnectionTrait>(
        mut self,
        db: &C,
        totals: RowTotals,
        stated: Option<DateTime<Utc>>,
    ) -> Result<(i64, Option<RosterReport>), DbErr> {
        self.orgs.store_kinds(db).await?;
        let as_of = stated.unwrap_or(self.now);
        upload::ActiveModel {
            id: Set(self.upload_id),
            data_rows: Set(count(totals.data)),
            accepted_rows: Set(count(totals.accepted)),
            rejected_rows: Set(count(totals.data.saturating_sub(totals.accepted))),
            warning_rows: Set(count(totals.warnings)),
            as_of: Set(Some(as_of)),
            ..Default::default()
        }
        .update(db)
        .await?;
        let ended = if self.kind.is_roster() {
            Some(
                roster::land(
                    db,
                    self.unit.id,
                    self.kind,
                    self.upload_id,
                    as_of,
                    stated.is_some(),
                )
                .await?,
            )
        } else {
            None
        };
        self.named.sort_unstable();
        self.named.dedup();
        crate::derived::store_changes::record_landing(db, &self.named).await?;
        Ok((self.upload_id, ended))
    }

    /// Lands one part of the file's rows: the rows, the people they name, and every fact,
    /// each linked to its row.
    pub async fn land_rows<C, J>(&mut self, db: &C, rows: &[LandRow<J>]) -> Result<(), DbErr>
    where
        C: ConnectionTrait,
        J: StoredJson + Sync,
    {
        let mut steps = Steps::start();
        let (unit, kind, now) = (self.unit, self.kind, self.now);
        let row_ids = store_rows(db, self.upload_id, rows).await?;
        let accepted: Vec<(i64, &RowFacts)> = rows
            .iter()
            .zip(&row_ids)
            .filter_map(|(row, id)| Some(((*id)?, row.facts.as_deref()?)))
            .collect();
        steps.done("source rows");

        let rank = kind.value_rank();
        let named: Vec<NamedPerson<'_>> = accepted
            .iter()
            .filter_map(|(row_id, facts)| {
                Some(NamedPerson {
                    identity: facts.identity.as_ref()?,
                    values: &facts.values,
                    source_row_id: *row_id,
                })
            })
            .collect();
        let resolved = people::resolve(db, &named, rank, now).await?;
        self.named.extend(&resolved.touched);
        steps.done("resolve people");
        people::store_sources(db, &named, &resolved.person_ids, unit.id, kind).await?;
        steps.done("person sources");

        // The person of each accepted row, in the order of `accepted` (the rows that name
        // one are `named`, in the same order).
        let mut named_ids = resolved.person_ids.iter().copied();
        let person_of: Vec<Option<i64>> = accepted
            .iter()
            .map(|(_, facts)| {
                facts
                    .identity
                    .as_ref()
                    .and_then(|_| named_ids.next().flatten())
            })
            .collect();
        drop(named);

        let mut facts = FactRows::default();
        for ((row_id, row), person_id) in accepted.iter().zip(&person_of) {
            let row_id = *row_id;
            if let Some(report) = &row.daily_report {
                facts.reports.push((row_id, report));
            }
            let Some(person_id) = *person_id else {
                continue;
            };
            if let Some(fact) = &row.affiliation {
                let org_id = match &fact.org {
                    OrgRef::Named { name, kind } => self.orgs.resolve(db, name, kind, now).await?,
                    OrgRef::UploadingUnit => self.own_org,
                };
                if let Some(org_id) = org_id {
                    facts.affiliations.push(Resolved {
                        row_id,
                        person_id,
                        org_id,
                        fact,
                    });
                }
            }
            if let Some(fact) = &row.stay
                && let Some(org_id) = self.orgs.resolve(db, &fact.hotel, "hotel", now).await?
            {
                facts.stays.push(Resolved {
                    row_id,
                    person_id,
                    org_id,
                    fact,
                });
            }
            for doc in &row.documents {
                facts
                    .documents
                    .push(Resolved::of_person(row_id, person_id, doc));
            }
            if let Some(fact) = &row.movement {
                facts
                    .movements
                    .push(Resolved::of_person(row_id, person_id, fact));
            }
            if let Some(fact) = &row.health_check {
                facts
                    .checks
                    .push(Resolved::of_person(row_id, person_id, fact));
            }
        }
        steps.done("organisations");
        let provenance = Provenance {
            unit_id: unit.id,
            kind: kind.as_str(),
            uploaded_by: &self.uploaded_by,
            now,
        };
        fact_rows::insert(db, &facts, provenance).await?;
        steps.done("facts");
        let supplies: Vec<(i64, &SupplyFact)> = accepted
            .iter()
            .filter_map(|(row_id, row)| Some((*row_id, row.supply.as_ref()?)))
            .collect();
        if !supplies.is_empty() {
            let from = super::supplies::From {
                unit_id: unit.id,
                upload_id: self.upload_id,
                now,
            };
            super::supplies::land(db, &supplies, from, &mut self.orgs).await?;
            steps.done("supplies");
        }

        crate::registry::shown::refresh_shown(db, &resolved.existing, now).await?;
        steps.done("refresh shown");
        people::find_candidates(db, &resolved.touched, now).await?;
        steps.done("candidates");
        Ok(())
    }
}

/// Stores every row of the file; returns each row's id, in the order of `rows` (`None`
/// only if the database returned no id for a row).
async fn store_rows<C, J>(
    db: &C,
    upload_id: i64,
    rows: &[LandRow<J>],
) -> Result<Vec<Option<i64>>, DbErr>
where
    C: ConnectionTrait,
    J: StoredJson + Sync,
{
    let key = |row: &LandRow<J>| (row.sheet.clone(), row.row_number);
    let returned_key = |row: &QueryResult| {
        let number: i32 = row.try_get_by_index(2)?;
        Ok((row.try_get_by_index(1)?, u32::try_from(number).unwrap_or(0)))
    };
    insert_rows_with_ids(
        db,
        &SOURCE_ROW,
        rows,
        |row, v| {
            let status = if row.facts.is_some() {
                "accepted"
            } else {
                "rejected"
            };
            v.extend([
                Value::from(upload_id),
                Value::from(row.sheet.clone()),
                Value::from(i32::try_from(row.row_number).unwrap_or(i32::MAX)),
                Value::from(row.raw.json_text().into_owned()),
                Value::from(status.to_owned()),
                Value::from(row.issues.json_text().into_owned()),
            ]);
        },
        Keys {
            columns: &["sheet", "row_number"],
            key: &key,
            returned_key: &returned_key,
        },
    )
    .await
}
