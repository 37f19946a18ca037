//! Column mappings as a principal manages them (`columnMappings`, `saveColumnMapping`,
//! `deleteColumnMapping`): an uploader its own unit's, an admin any unit's.

use importers::{MappedHeader, SourceKind};
use sea_orm::DatabaseConnection;

use crate::auth::audit::{self, Action};
use crate::auth::{Operation, Principal};
use crate::error::HubError;
use crate::registry::column_mappings::{self, StoredMapping};

/// Most headers a saved mapping may name.
const MAX_HEADERS: usize = 500;

/// A mapping to save: every header of the row as written, and the headers fixed.
#[derive(Debug, Clone)]
pub struct MappingInput {
    /// The unit (code); only admins may name one other than their own.
    pub unit: Option<String>,
    /// The kind the headers are mapped for.
    pub kind: SourceKind,
    /// Every header of the row, as written (the report's `columns[].header`).
    pub headers: Vec<String>,
    /// The headers fixed: `(header, target)`, the target a field's name, its Chinese header,
    /// `organization` or `ignore`.
    pub columns: Vec<(String, String)>,
}

/// The mappings the principal may see: an uploader's unit's, or one unit's / every unit's
/// for an admin.
pub async fn list(
    db: &DatabaseConnection,
    principal: &Principal,
    unit: Option<&str>,
) -> Result<Vec<StoredMapping>, HubError> {
    let grant = principal.authorize(Operation::ManageColumnMappings)?;
    let unit_id = match grant.unit_for(unit)? {
        Some(code) => Some(crate::registry::units::find_unit(db, code).await?.id),
        None => None,
    };
    Ok(column_mappings::list(db, unit_id).await?)
}

/// Saves (or replaces) the mapping of a unit, kind and header row; each fixed header must
/// be one of the headers and each target a field of the kind (`BAD_INPUT` listing the
/// fields otherwise). Audited.
pub async fn save(
    db: &DatabaseConnection,
    principal: &Principal,
    input: MappingInput,
) -> Result<StoredMapping, HubError> {
    let grant = principal.authorize(Operation::ManageColumnMappings)?;
    let code = grant.unit_for(input.unit.as_deref())?.ok_or_else(|| {
        HubError::BadInput("name the member unit (unit) / 请指定成员单位".to_owned())
    })?;
    let unit = crate::registry::units::find_unit(db, code).await?;
    let headers: Vec<String> = input
        .headers
        .iter()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .collect();
    if headers.is_empty() || headers.len() > MAX_HEADERS {
        return Err(HubError::BadInput(format!(
            "give the file's headers (1 to {MAX_HEADERS}) / 请提供文件的全部表头"
        )));
    }
    let keys: Vec<String> = headers.iter().map(|h| importers::header_key(h)).collect();
    let mut columns = Vec::with_capacity(input.columns.len());
    for (header, target) in &input.columns {
        let key = importers::header_key(header);
        let Some(position) = keys.iter().position(|k| *k == key) else {
            return Err(HubError::BadInput(format!(
                "“{header}”不是该文件的表头 / '{header}' is not one of the headers"
            )));
        };
        let field = importers::resolve_target(input.kind, target).map_err(HubError::BadInput)?;
        columns.push(MappedHeader {
            header: headers[position].clone(),
            field: field.map(str::to_owned),
        });
    }
    if columns.is_empty() {
        return Err(HubError::BadInput(
            "fix at least one column / 请至少指定一列".to_owned(),
        ));
    }
    let saved = column_mappings::save(
        db,
        unit.id,
        input.kind,
        &headers,
        columns,
        &principal.submitted_by(),
    )
    .await?;
    audit::record(
        db,
        principal,
        Action::ColumnMappingSave,
        format!("column_mapping:{}", saved.id),
        serde_json::json!({
            "unit": unit.code,
            "kind": input.kind.as_str(),
            "fingerprint": saved.fingerprint,
            "columns": saved.columns,
        }),
    )
    .await?;
    Ok(saved)
}

/// Deletes a mapping (an uploader: its own unit's only). Audited.
pub async fn delete(
    db: &DatabaseConnection,
    principal: &Principal,
    id: i64,
) -> Result<(), HubError> {
    let grant = principal.authorize(Operation::ManageColumnMappings)?;
    let mapping = column_mappings::find(db, id).await?.ok_or_else(|| {
        HubError::NotFound(format!("没有编号为 {id} 的列映射 / no column mapping {id}"))
    })?;
    grant.check_unit(mapping.member_unit_id)?;
    column_mappings::delete(db, id).await?;
    audit::record(
        db,
        principal,
        Action::ColumnMappingDelete,
        format!("column_mapping:{id}"),
        serde_json::json!({ "kind": mapping.kind.as_str(), "fingerprint": mapping.fingerprint }),
    )
    .await?;
    Ok(())
}
