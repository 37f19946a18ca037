//! A roster is the unit's current list as of the date the file states (else its upload time):
//! the affiliations (and, for a lodging register, the stays) the unit's earlier lists of the
//! same kind gave and this list omits end then. A roster older than the unit's latest one of
//! that kind adds its history and ends nothing newer; its own facts end where the next newer
//! list takes over.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::{affiliation, organization, person, source_row, stay, upload};
use importers::SourceKind;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

/// People listed by name in a report of what a roster ends; the count covers them all.
const LISTED: usize = 200;

/// One affiliation (or stay) a roster ends, as the uploader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ending {
    /// The person.
    pub person_id: i64,
    /// The person's Latin name, else Chinese name.
    pub name: Option<String>,
    /// The organisation the affiliation or stay was with.
    pub organization: String,
    /// `student`, `employee`, `teacher`, `resident`, … or `stay`.
    pub role: String,
}

/// What a roster does to the unit's earlier lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterReport {
    /// The instant the list holds for.
    pub as_of: DateTime<Utc>,
    /// Whether the file states its date (else the upload time is used).
    pub stated: bool,
    /// When the unit already has a newer list of this kind: its date. The roster then adds
    /// history and ends nothing newer.
    pub newer_list_as_of: Option<DateTime<Utc>>,
    /// Affiliations and stays of people absent from this list that it ends.
    pub ends: u32,
    /// The first of them (up to 200), for the uploader to check.
    pub ending: Vec<Ending>,
}

/// Facts open at `at`: not ended by then, and begun before it (or undated).
fn open_at(start: impl ColumnTrait, end: impl ColumnTrait, at: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(Condition::any().add(end.is_null()).add(end.gt(at)))
        .add(Condition::any().add(start.is_null()).add(start.lt(at)))
}

/// The unit's other uploads of a kind, split at `as_of`.
struct Lists {
    /// Uploads whose list is as of `as_of` or earlier.
    older: Vec<i64>,
    /// The next newer list: its id and date.
    next: Option<(i64, DateTime<Utc>)>,
}

async fn lists<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    except: Option<i64>,
    as_of: DateTime<Utc>,
) -> Result<Lists, DbErr> {
    let uploads = upload::Entity::find()
        .filter(upload::Column::MemberUnitId.eq(unit_id))
        .filter(upload::Column::Kind.eq(kind.as_str()))
        .all(db)
        .await?;
    let mut out = Lists {
        older: Vec::new(),
        next: None,
    };
    for u in uploads.into_iter().filter(|u| Some(u.id) != except) {
        let at = u.as_of.unwrap_or(u.uploaded_at);
        if at <= as_of {
            out.older.push(u.id);
        } else if out.next.is_none_or(|(_, n)| at < n) {
            out.next = Some((u.id, at));
        }
    }
    Ok(out)
}

/// Affiliations of the unit's older lists still open at `as_of`, and stays for a lodging
/// register: (is stay, id, person, organisation, role).
async fn open_facts<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    older: &[i64],
    as_of: DateTime<Utc>,
) -> Result<Vec<(bool, i64, i64, i64, String)>, DbErr> {
    if older.is_empty() {
        return Ok(Vec::new());
    }
    let rows_of_older = || {
        Query::select()
            .column(source_row::Column::Id)
            .from(source_row::Entity)
            .and_where(source_row::Column::UploadId.is_in(older.to_vec()))
            .to_owned()
    };
    let affiliations = affiliation::Entity::find()
        .filter(affiliation::Column::MemberUnitId.eq(unit_id))
        .filter(affiliation::Column::Kind.eq(kind.as_str()))
        .filter(open_at(
            affiliation::Column::Since,
            affiliation::Column::Until,
            as_of,
        ))
        .filter(affiliation::Column::SourceRowId.in_subquery(rows_of_older()))
        .order_by_asc(affiliation::Column::Id)
        .all(db)
        .await?;
    let mut out: Vec<(bool, i64, i64, i64, String)> = affiliations
        .into_iter()
        .map(|a| (false, a.id, a.person_id, a.organization_id, a.role))
        .collect();
    if kind == SourceKind::LodgingRegister {
        let stays = stay::Entity::find()
            .filter(stay::Column::MemberUnitId.eq(unit_id))
            .filter(open_at(
                stay::Column::CheckIn,
                stay::Column::CheckOut,
                as_of,
            ))
            .filter(stay::Column::SourceRowId.in_subquery(rows_of_older()))
            .order_by_asc(stay::Column::Id)
            .all(db)
            .await?;
        out.extend(stays.into_iter().map(|s| {
            (
                true,
                s.id,
                s.person_id,
                s.organization_id,
                "stay".to_owned(),
            )
        }));
    }
    Ok(out)
}

/// The report's view of the facts ending for people `absent`.
async fn report<C: ConnectionTrait>(
    db: &C,
    as_of: DateTime<Utc>,
    stated: bool,
    next: Option<(i64, DateTime<Utc>)>,
    ending: &[&(bool, i64, i64, i64, String)],
) -> Result<RosterReport, DbErr> {
    let shown: Vec<&&(bool, i64, i64, i64, String)> = ending.iter().take(LISTED).collect();
    let person_ids: Vec<i64> = shown.iter().map(|f| f.2).collect();
    let org_ids: Vec<i64> = shown.iter().map(|f| f.3).collect();
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(person_ids))
        .all(db)
        .await?;
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in(org_ids))
        .all(db)
        .await?;
    let listed = shown
        .iter()
        .map(|(_, _, person_id, org_id, role)| Ending {
            person_id: *person_id,
            name: people
                .iter()
                .find(|p| p.id == *person_id)
                .and_then(|p| p.latin_name.clone().or_else(|| p.chinese_name.clone())),
            organization: orgs
                .iter()
                .find(|o| o.id == *org_id)
                .map_or_else(String::new, |o| o.name.clone()),
            role: role.clone(),
        })
        .collect();
    Ok(RosterReport {
        as_of,
        stated,
        newer_list_as_of: next.map(|(_, at)| at),
        ends: u32::try_from(ending.len()).unwrap_or(u32::MAX),
        ending: listed,
    })
}

/// What landing a roster of these people as of `as_of` would end: the report of a dry run.
/// `listed` holds the (document number, nationality) of every person the file names.
pub async fn preview<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    as_of: DateTime<Utc>,
    stated: bool,
    listed: &HashSet<(String, String)>,
) -> Result<RosterReport, DbErr> {
    let lists = lists(db, unit_id, kind, None, as_of).await?;
    let open = open_facts(db, unit_id, kind, &lists.older, as_of).await?;
    let person_ids: Vec<i64> = open.iter().map(|f| f.2).collect();
    let mut absent: HashSet<i64> = HashSet::new();
    for chunk in person_ids.chunks(10_000) {
        let people = person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        absent.extend(
            people
                .into_iter()
                .filter(|p| !listed.contains(&(p.document_number.clone(), p.nationality.clone())))
                .map(|p| p.id),
        );
    }
    let ending: Vec<&(bool, i64, i64, i64, String)> =
        open.iter().filter(|f| absent.contains(&f.2)).collect();
    report(db, as_of, stated, lists.next, &ending).await
}

/// Ends, as of `as_of`, what the unit's older lists of the kind gave and this upload
/// repeats or omits (people on this list hold its own fresh facts), and, when a newer list
/// exists, ends this upload's own facts where that list takes over. Called once the
/// upload's rows have landed; returns what it ended for people absent from the list.
pub async fn land<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    upload_id: i64,
    as_of: DateTime<Utc>,
    stated: bool,
) -> Result<RosterReport, DbErr> {
    let lists = lists(db, unit_id, kind, Some(upload_id), as_of).await?;
    let open = open_facts(db, unit_id, kind, &lists.older, as_of).await?;
    let mut ending: Vec<&(bool, i64, i64, i64, String)> = Vec::new();
    if !open.is_empty() {
        let on_list: HashSet<i64> = entity::person_source::Entity::find()
            .select_only()
            .column(entity::person_source::Column::PersonId)
            .filter(
                entity::person_source::Column::SourceRowId.in_subquery(
                    Query::select()
                        .column(source_row::Column::Id)
                        .from(source_row::Entity)
                        .and_where(source_row::Column::UploadId.eq(upload_id))
                        .to_owned(),
                ),
            )
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        ending = open.iter().filter(|f| !on_list.contains(&f.2)).collect();
        let (stays, affiliations): (Vec<i64>, Vec<i64>) = {
            let stays = open.iter().filter(|f| f.0).map(|f| f.1).collect();
            let affiliations = open.iter().filter(|f| !f.0).map(|f| f.1).collect();
            (stays, affiliations)
        };
        end_facts::<_, affiliation::Entity>(db, AFFILIATION_END, &affiliations, as_of, upload_id)
            .await?;
        end_facts::<_, stay::Entity>(db, STAY_END, &stays, as_of, upload_id).await?;
        // Their derived facts changed: the city timeline reads them again.
        let mut ended_people: Vec<i64> = ending.iter().map(|f| f.2).collect();
        ended_people.sort_unstable();
        ended_people.dedup();
        crate::derived::store_changes::record_people(db, &ended_people).await?;
    }
    if let Some((newer_id, newer_as_of)) = lists.next {
        end_own(db, unit_id, kind, upload_id, newer_id, newer_as_of).await?;
    }
    let report = report(db, as_of, stated, lists.next, &ending).await?;
    Ok(report)
}

/// Ends the facts `ids` of entity `E` at `at`, by upload `by`: `end` (the fact's end time)
/// and `ended_by` (the upload that ended it) set, in chunks.
async fn end_facts<C: ConnectionTrait, E: EntityTrait>(
    db: &C,
    (id, end, ended_by): (E::Column, E::Column, E::Column),
    ids: &[i64],
    at: DateTime<Utc>,
    by: i64,
) -> Result<(), DbErr> {
    for chunk in ids.chunks(10_000) {
        E::update_many()
            .col_expr(end, Expr::value(at))
            .col_expr(ended_by, Expr::value(by))
            .filter(id.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The columns an affiliation ends through ([`end_facts`]).
const AFFILIATION_END: (
    affiliation::Column,
    affiliation::Column,
    affiliation::Column,
) = (
    affiliation::Column::Id,
    affiliation::Column::Until,
    affiliation::Column::EndedByUploadId,
);

/// The columns a stay ends through ([`end_facts`]).
const STAY_END: (stay::Column, stay::Column, stay::Column) = (
    stay::Column::Id,
    stay::Column::CheckOut,
    stay::Column::EndedByUploadId,
);

/// An older list's own facts end where the next newer list (`newer_id`, as of `at`) takes
/// over: that list says who was still there.
async fn end_own<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    upload_id: i64,
    newer_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let own_rows = || {
        Query::select()
            .column(source_row::Column::Id)
            .from(source_row::Entity)
            .and_where(source_row::Column::UploadId.eq(upload_id))
            .to_owned()
    };
    affiliation::Entity::update_many()
        .col_expr(affiliation::Column::Until, Expr::value(at))
        .col_expr(affiliation::Column::EndedByUploadId, Expr::value(newer_id))
        .filter(affiliation::Column::MemberUnitId.eq(unit_id))
        .filter(affiliation::Column::Kind.eq(kind.as_str()))
        .filter(open_at(
            affiliation::Column::Since,
            affiliation::Column::Until,
            at,
        ))
        .filter(affiliation::Column::SourceRowId.in_subquery(own_rows()))
        .exec(db)
        .await?;
    if kind == SourceKind::LodgingRegister {
        stay::Entity::update_many()
            .col_expr(stay::Column::CheckOut, Expr::value(at))
            .col_expr(stay::Column::EndedByUploadId, Expr::value(newer_id))
            .filter(stay::Column::MemberUnitId.eq(unit_id))
            .filter(open_at(stay::Column::CheckIn, stay::Column::CheckOut, at))
            .filter(stay::Column::SourceRowId.in_subquery(own_rows()))
            .exec(db)
            .await?;
    }
    Ok(())
}
