//! The importer's notes on a file (how each header was read, warnings about the whole file)
//! and what a roster ends, as the API shows them: the `ColumnNote`, `FileWarning` and
//! `RosterReport` of an import report and of a stored upload.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use super::roster;

/// How one header was read. 表头识别结果。
#[derive(Debug, Clone, SimpleObject)]
pub struct ColumnNote {
    /// Column index (0 = A). 列序号（从 0 起）。
    pub column: i32,
    /// The header as written. 表头原文。
    pub header: String,
    /// The field read from it (stable name, e.g. employer), when read. 对应字段。
    pub field: Option<String>,
    /// The field's Chinese header. 字段中文名。
    pub field_label: Option<String>,
    /// given, exact, combined, part, contains, keyword, ignored or unmapped. 识别方式。
    pub how: String,
    /// Up to two values of the column. 示例值。
    pub samples: Vec<String>,
    /// For an unmapped column whose values look like a field the file lacks: LIKELY_<FIELD>. 疑似字段。
    pub likely: Option<String>,
}

impl From<importers::ColumnNote> for ColumnNote {
    fn from(n: importers::ColumnNote) -> Self {
        Self {
            column: i32::try_from(n.column).unwrap_or(i32::MAX),
            header: n.header,
            field: n.field,
            field_label: n.field_label,
            how: n.how,
            samples: n.samples,
            likely: n.likely,
        }
    }
}

/// A warning about a whole file (not a row). 文件级警告。
#[derive(Debug, Clone, SimpleObject)]
pub struct FileWarning {
    /// UNMAPPED_COLUMN or MAPPING_NOT_USED. 代码。
    pub code: String,
    /// The header concerned. 相关表头。
    pub column: Option<String>,
    /// Up to two values of the column. 示例值。
    pub samples: Vec<String>,
    /// LIKELY_<FIELD> when the column's values look like a field the file lacks. 疑似字段。
    pub likely: Option<String>,
    /// What it means and what to do. 说明。
    pub message: String,
}

impl From<importers::FileNote> for FileWarning {
    fn from(n: importers::FileNote) -> Self {
        Self {
            code: n.code,
            column: n.column,
            samples: n.samples,
            likely: n.likely,
            message: n.message,
        }
    }
}

/// One affiliation or stay a roster ends. 名单结束的关系。
#[derive(Debug, Clone, SimpleObject)]
pub struct RosterEnding {
    /// The person. 人员编号。
    pub person_id: ID,
    /// The person's name. 姓名。
    pub name: Option<String>,
    /// The organisation. 单位。
    pub organization: String,
    /// student, employee, teacher, resident … or stay. 关系。
    pub role: String,
}

/// What a roster does to the unit's earlier lists. 名单的结束效果。
#[derive(Debug, Clone, SimpleObject)]
pub struct RosterReport {
    /// The instant the list holds for. 名单日期。
    pub as_of: DateTime<Utc>,
    /// Whether the file states its date (else the upload time). 是否为文件所述日期。
    pub stated: bool,
    /// When the unit already has a newer list of this kind: its date (this list then ends nothing newer). 更新名单的日期。
    pub newer_list_as_of: Option<DateTime<Utc>>,
    /// Affiliations and stays of people absent from the list that it ends (would end, in a dry run). 结束的关系数。
    pub ends: i32,
    /// The first of them (up to 200). 明细（最多 200 条）。
    pub ending: Vec<RosterEnding>,
}

impl From<roster::RosterReport> for RosterReport {
    fn from(r: roster::RosterReport) -> Self {
        Self {
            as_of: r.as_of,
            stated: r.stated,
            newer_list_as_of: r.newer_list_as_of,
            ends: i32::try_from(r.ends).unwrap_or(i32::MAX),
            ending: r
                .ending
                .into_iter()
                .map(|e| RosterEnding {
                    person_id: ID(e.person_id.to_string()),
                    name: e.name,
                    organization: e.organization,
                    role: e.role,
                })
                .collect(),
        }
    }
}
