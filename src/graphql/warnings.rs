//! Warnings of accepted rows: what to check in a row the hub stored anyway (an ambiguous
//! date, a value it could not read and left empty, a person listed twice in one file), on
//! an upload and on the people those rows name.

use async_graphql::{ComplexObject, Context, Result, SimpleObject};

use crate::service::uploads::RowWarning;

/// Most warnings one page of an upload's warnings holds.
pub const MAX_WARNINGS_PAGE: i32 = 500;

/// A page of an upload's warnings. 警告列表（分页）。
#[derive(Debug, Clone, SimpleObject)]
pub struct RowWarningPage {
    /// Warnings of the upload in all. 警告总数。
    pub total: i32,
    /// This page, in row order. 本页。
    pub nodes: Vec<RowWarning>,
}

impl RowWarningPage {
    /// The page of `all` after skipping `offset`, at most `first` long.
    pub fn of(all: Vec<RowWarning>, first: usize, offset: usize) -> Self {
        Self {
            total: i32::try_from(all.len()).unwrap_or(i32::MAX),
            nodes: all.into_iter().skip(offset).take(first).collect(),
        }
    }
}

/// A warning of a row that gave one of a person's facts. 人员来源行的警告。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct PersonWarning {
    /// Column header as written. 列名。
    pub column: Option<String>,
    /// Value as written (not shown to leaders). 原值（领导角色不显示）。
    pub value: Option<String>,
    /// Stable code, e.g. AMBIGUOUS_DATE. 警告代码。
    pub code: String,
    /// What to check, in Chinese. 说明。
    pub message: String,
    /// The source row (internal).
    #[graphql(skip)]
    pub source_row_id: i64,
}

#[ComplexObject]
impl PersonWarning {
    /// The row the warning is about. 数据来源。
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<super::person::Source>> {
        super::person::source(ctx, self.source_row_id).await
    }
}
