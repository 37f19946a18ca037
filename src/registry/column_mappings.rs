//! Column mappings units confirmed: for one unit, kind and header set, the headers fixed to a
//! field or marked as holding nothing to read. The next upload of the unit with the same
//! headers (in any order) is read with them.

use chrono::Utc;
use entity::column_mapping;
use importers::{ColumnMapping, ColumnOverride, MappedHeader, SourceKind};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// One saved mapping as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMapping {
    /// The row's id.
    pub id: i64,
    /// The unit's id.
    pub member_unit_id: i64,
    /// The kind.
    pub kind: SourceKind,
    /// Fingerprint of the header row.
    pub fingerprint: String,
    /// Every header of the row as written.
    pub headers: Vec<String>,
    /// The headers fixed.
    pub columns: Vec<MappedHeader>,
    /// Who saved it.
    pub saved_by: String,
    /// When.
    pub saved_at: chrono::DateTime<Utc>,
}

impl StoredMapping {
    fn from_model(m: column_mapping::Model) -> Option<Self> {
        Some(Self {
            id: m.id,
            member_unit_id: m.member_unit_id,
            kind: m.kind.parse().ok()?,
            fingerprint: m.fingerprint,
            headers: serde_json::from_value(m.headers).unwrap_or_default(),
            columns: serde_json::from_value(m.columns).unwrap_or_default(),
            saved_by: m.saved_by,
            saved_at: m.saved_at,
        })
    }

    /// The mapping as the importers apply it.
    pub fn to_importers(&self) -> ColumnMapping {
        ColumnMapping {
            kind: self.kind,
            fingerprint: self.fingerprint.clone(),
            columns: self.columns.clone(),
        }
    }
}

/// The mappings of one unit (`Some`) or of every unit, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    unit_id: Option<i64>,
) -> Result<Vec<StoredMapping>, DbErr> {
    let mut query = column_mapping::Entity::find()
        .order_by_desc(column_mapping::Column::SavedAt)
        .order_by_desc(column_mapping::Column::Id);
    if let Some(unit_id) = unit_id {
        query = query.filter(column_mapping::Column::MemberUnitId.eq(unit_id));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .filter_map(StoredMapping::from_model)
        .collect())
}

/// The mappings of a unit, as the importers apply them.
pub async fn for_unit<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
) -> Result<Vec<ColumnMapping>, DbErr> {
    Ok(list(db, Some(unit_id))
        .await?
        .iter()
        .map(StoredMapping::to_importers)
        .collect())
}

/// One mapping by id.
pub async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<StoredMapping>, DbErr> {
    Ok(column_mapping::Entity::find_by_id(id)
        .one(db)
        .await?
        .and_then(StoredMapping::from_model))
}

/// Saves the mapping of a unit, kind and header row: replaces the one saved for the same
/// headers, else adds it. `columns` hold field names as [`importers::resolve_target`] gives
/// them (checked by the caller).
pub async fn save<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    headers: &[String],
    columns: Vec<MappedHeader>,
    saved_by: &str,
) -> Result<StoredMapping, DbErr> {
    let fingerprint = importers::header_fingerprint(headers);
    let existing = column_mapping::Entity::find()
        .filter(column_mapping::Column::MemberUnitId.eq(unit_id))
        .filter(column_mapping::Column::Kind.eq(kind.as_str()))
        .filter(column_mapping::Column::Fingerprint.eq(fingerprint.as_str()))
        .one(db)
        .await?;
    let mut model = column_mapping::ActiveModel {
        member_unit_id: Set(unit_id),
        kind: Set(kind.as_str().to_owned()),
        fingerprint: Set(fingerprint),
        headers: Set(serde_json::json!(headers)),
        columns: Set(serde_json::json!(columns)),
        saved_by: Set(saved_by.to_owned()),
        saved_at: Set(Utc::now()),
        ..Default::default()
    };
    let saved = match existing {
        Some(row) => {
            model.id = Set(row.id);
            model.update(db).await?
        }
        None => model.insert(db).await?,
    };
    StoredMapping::from_model(saved)
        .ok_or_else(|| DbErr::Custom("a saved column mapping names no kind".to_owned()))
}

/// Saves the columns an upload fixed as the unit's mapping for its headers (the targets
/// resolved for the kind the file was read as; a target naming no field was refused before).
pub async fn save_overrides<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    kind: SourceKind,
    headers: &[String],
    overrides: &[ColumnOverride],
    saved_by: &str,
) -> Result<(), DbErr> {
    let keys: Vec<String> = headers.iter().map(|h| importers::header_key(h)).collect();
    let columns: Vec<MappedHeader> = overrides
        .iter()
        .filter_map(|o| {
            let key = importers::header_key(&o.header);
            let loose = importers::normalize_header(&o.header);
            let header = headers
                .iter()
                .zip(&keys)
                .find(|(_, k)| **k == key)
                .or_else(|| {
                    headers
                        .iter()
                        .zip(&keys)
                        .find(|(h, _)| importers::normalize_header(h) == loose)
                })
                .map(|(h, _)| h.clone())?;
            let field = importers::resolve_target(kind, &o.target).ok()?;
            Some(MappedHeader {
                header,
                field: field.map(str::to_owned),
            })
        })
        .collect();
    if columns.is_empty() {
        return Ok(());
    }
    save(db, unit_id, kind, headers, columns, saved_by).await?;
    Ok(())
}

/// Deletes a mapping; whether it existed.
pub async fn delete<C: ConnectionTrait>(db: &C, id: i64) -> Result<bool, DbErr> {
    Ok(column_mapping::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        > 0)
}
