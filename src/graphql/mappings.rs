//! How an upload's columns were read, what a roster ends, and the column mappings units
//! confirm: `columnMappings`, `saveColumnMapping`, `deleteColumnMapping`, `fieldChoices`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{database, principal};
use super::mutation::parse_id;
use crate::error::GqlResultExt;
use crate::registry::column_mappings::StoredMapping;
use crate::service::column_mappings::{self as service, MappingInput};
use crate::service::uploads::parse_kind;

pub use crate::service::uploads::{ColumnNote, FileWarning, RosterEnding};

/// One header fixed in a mapping. 映射中的一列。
#[derive(Debug, Clone, SimpleObject)]
pub struct MappedColumn {
    /// The header as written. 表头。
    pub header: String,
    /// The field's stable name; null: the column holds nothing to read. 字段（空表示忽略）。
    pub field: Option<String>,
}

/// A mapping a unit saved for one kind and header set. 已保存的列映射。
#[derive(Debug, Clone, SimpleObject)]
pub struct ColumnMapping {
    /// Id. 编号。
    pub id: ID,
    /// The unit's id. 成员单位编号。
    pub unit_id: ID,
    /// Source kind. 数据类型。
    pub kind: String,
    /// Fingerprint of the headers (any order). 表头指纹。
    pub fingerprint: String,
    /// Every header of the row. 全部表头。
    pub headers: Vec<String>,
    /// The headers fixed. 指定的列。
    pub columns: Vec<MappedColumn>,
    /// Who saved it. 保存人。
    pub saved_by: String,
    /// When. 保存时间。
    pub saved_at: DateTime<Utc>,
}

impl From<StoredMapping> for ColumnMapping {
    fn from(m: StoredMapping) -> Self {
        Self {
            id: ID(m.id.to_string()),
            unit_id: ID(m.member_unit_id.to_string()),
            kind: m.kind.as_str().to_owned(),
            fingerprint: m.fingerprint,
            headers: m.headers,
            columns: m
                .columns
                .into_iter()
                .map(|c| MappedColumn {
                    header: c.header,
                    field: c.field,
                })
                .collect(),
            saved_by: m.saved_by,
            saved_at: m.saved_at,
        }
    }
}

/// A field a column can be mapped to. 可选字段。
#[derive(Debug, Clone, SimpleObject)]
pub struct FieldChoice {
    /// Stable name, e.g. employer. 字段名。
    pub name: String,
    /// Chinese header. 中文表头。
    pub label: String,
}

/// One header fixed: `field` a field's name, its Chinese header, organization, or ignore. 指定一列。
#[derive(Debug, Clone, InputObject)]
pub struct ColumnAssignmentInput {
    /// The header as written. 表头。
    pub header: String,
    /// What it holds. 字段。
    pub field: String,
}

/// Column-mapping queries. 列映射查询。
#[derive(Debug, Default, Clone, Copy)]
pub struct MappingQuery;

#[Object]
impl MappingQuery {
    /// Saved column mappings, newest first: an uploader its unit's, an admin one unit's or all. 已保存的列映射。
    async fn column_mappings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Member unit code (admins). 成员单位代码。")] unit: Option<String>,
    ) -> Result<Vec<ColumnMapping>> {
        let rows = service::list(database(ctx)?, principal(ctx)?, unit.as_deref())
            .await
            .gql()?;
        Ok(rows.into_iter().map(ColumnMapping::from).collect())
    }

    /// The fields a column of a kind can be mapped to. 某类型可选的字段。
    async fn field_choices(&self, kind: String) -> Result<Vec<FieldChoice>> {
        let kind = parse_kind(&kind).gql()?;
        Ok(importers::field_choices(kind)
            .into_iter()
            .map(|(name, label)| FieldChoice {
                name: name.to_owned(),
                label: label.to_owned(),
            })
            .collect())
    }
}

/// Column-mapping changes. 列映射修改。
#[derive(Debug, Default, Clone, Copy)]
pub struct MappingMutation;

#[Object]
impl MappingMutation {
    /// Saves the mapping of the unit's files with these headers (any order) as this kind; the next upload with the same headers is read with it. 保存列映射。
    async fn save_column_mapping(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Source kind. 数据类型。")] kind: String,
        #[graphql(
            desc = "Every header of the file, as the report's columns give them. 全部表头。"
        )]
        headers: Vec<String>,
        #[graphql(desc = "The headers fixed. 指定的列。")] columns: Vec<ColumnAssignmentInput>,
        #[graphql(desc = "Member unit code (admins only). 成员单位代码（仅管理员）。")]
        unit: Option<String>,
    ) -> Result<ColumnMapping> {
        let input = MappingInput {
            unit,
            kind: parse_kind(&kind).gql()?,
            headers,
            columns: columns.into_iter().map(|c| (c.header, c.field)).collect(),
        };
        let saved = service::save(database(ctx)?, principal(ctx)?, input)
            .await
            .gql()?;
        Ok(saved.into())
    }

    /// Deletes a saved mapping; the next file with its headers is matched by the hub again. 删除列映射。
    async fn delete_column_mapping(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = parse_id(&id, "id")?;
        service::delete(database(ctx)?, principal(ctx)?, id)
            .await
            .gql()?;
        Ok(true)
    }
}
