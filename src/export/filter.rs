//! The filters of a people export, as `hub export people` flags and as the query string of
//! `GET /api/exports/people.xlsx` (one struct for both, so they cannot drift apart).

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::masking;
use crate::derived::{Conditions, PersonFilter, VisaStatus};
use crate::error::HubError;
use crate::service::people::Presence;

/// Which people to export and as of when. Lists are comma-separated.
/// 导出条件（多个值用逗号分隔）。
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, clap::Args)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ExportFilter {
    /// The time the list and the summary are for (RFC 3339, e.g.
    /// 2020-02-17T12:00:00+08:00); default now. 统计时点（默认当前时间）。
    #[arg(long, value_name = "TIME")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,

    /// Nationalities (ISO alpha-3), e.g. KOR,RUS. 国籍代码。
    #[arg(long, value_name = "CODES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,

    /// Present in the city (`true`, the default), away (`false`) or everyone (`all`).
    /// 是否在庆（默认 true 仅在庆；false 不在庆；all 全部）。
    #[arg(long, value_name = "true|false|all")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub present: Option<String>,

    /// Reported by these member units (codes), e.g. police,nepu. 报送成员单位代码。
    #[arg(long, value_name = "CODES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,

    /// Managed by these organisations (ids). 具体负责管理单位编号。
    #[arg(long, value_name = "IDS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managing_unit: Option<String>,

    /// Visa statuses: VALID, EXPIRING, EXPIRED, UNKNOWN. 签证状态。
    #[arg(long, value_name = "STATUSES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visa_status: Option<String>,

    /// Part of a name or document number. 姓名或证件号码关键字。
    #[arg(long, value_name = "TEXT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,

    /// Typed conditions as JSON, the fields of the GraphQL `PersonConditions`, e.g.
    /// `{"affiliation":{"role":{"eq":"student"}}}`. 字段条件（JSON）。
    #[arg(long, value_name = "JSON")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,

    /// The order: NATIONALITY (the default), NAME, BIRTH_DATE … (as the GraphQL
    /// `PersonOrder`). 排序字段。
    #[arg(long, value_name = "ORDER")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,

    /// `asc` (the default) or `desc`. 排序方向。
    #[arg(long, value_name = "asc|desc")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,

    /// The whole filter as JSON, nested `and`/`or` included (what the GraphQL
    /// `exportPeople` sends): `nationality`, `present`, `managingOrganization`,
    /// `reportedBy`, `visaStatus`, `arrivedBetween`/`departedBetween` (`{"from", "to"}`),
    /// `search`, `and`, `or`, `conditions` (the GraphQL `PersonConditions`); at most
    /// [`MAX_WHERE_CHARS`] characters, and not with the separate conditions above
    /// (`present` and the order stay separate). 完整筛选条件（JSON，可含 and/or）。
    #[arg(long = "where", value_name = "JSON")]
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub where_filter: Option<String>,
}

/// The longest `where` an export takes, in characters (it travels in the download's
/// address).
pub const MAX_WHERE_CHARS: usize = 8_000;

/// `filter` as the JSON of an export's `where`, without the conditions it leaves empty.
pub fn where_json(filter: &PersonFilter) -> Result<String, HubError> {
    fn compact(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => serde_json::Value::Object(
                map.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, compact(v)))
                    .collect(),
            ),
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(compact).collect())
            }
            other => other,
        }
    }
    let value = serde_json::to_value(filter)
        .map_err(|e| HubError::Internal(format!("filter as JSON: {e}")))?;
    Ok(compact(value).to_string())
}

/// Checks the conditions of `filter` and of every filter nested in it.
fn check_nested(filter: &PersonFilter) -> Result<(), HubError> {
    filter
        .conditions
        .check()
        .map_err(|e| HubError::BadInput(format!("where: {e}")))?;
    filter
        .and
        .iter()
        .chain(&filter.or)
        .try_for_each(check_nested)
}

/// The items of a comma-separated list, trimmed, empty ones dropped; `None` when none.
fn items(list: Option<&str>) -> Option<Vec<String>> {
    let items: Vec<String> = list?
        .split([',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (!items.is_empty()).then_some(items)
}

impl ExportFilter {
    /// The time asked for, or `None` for now.
    pub fn as_of(&self) -> Result<Option<DateTime<Utc>>, HubError> {
        self.as_of
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|text| {
                DateTime::<FixedOffset>::parse_from_rfc3339(text)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        HubError::BadInput(format!(
                            "asOf: not an RFC 3339 time, e.g. 2020-02-17T12:00:00+08:00: {text}"
                        ))
                    })
            })
            .transpose()
    }

    /// Whether the filter searches by name or document number (a separate permission).
    pub fn searches(&self) -> bool {
        self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
            || self.conditions().is_ok_and(|c| c.searches())
            || self
                .where_filter()
                .is_ok_and(|f| f.as_ref().is_some_and(PersonFilter::searches))
    }

    /// The whole filter of `where`, when given: `BAD_INPUT` when it is longer than
    /// [`MAX_WHERE_CHARS`], malformed, names an unknown field or comes with a separate
    /// condition.
    pub fn where_filter(&self) -> Result<Option<PersonFilter>, HubError> {
        let Some(text) = self
            .where_filter
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Ok(None);
        };
        let length = text.chars().count();
        if length > MAX_WHERE_CHARS {
            return Err(HubError::BadInput(format!(
                "where: the filter is {length} characters, an export takes at most {MAX_WHERE_CHARS}: \
                 simplify it or export in parts / 筛选条件过长（{length}字符，导出最多{MAX_WHERE_CHARS}字符），请简化或分批导出"
            )));
        }
        let separate = [
            &self.nationality,
            &self.unit,
            &self.managing_unit,
            &self.visa_status,
            &self.search,
            &self.filter,
        ];
        if separate
            .iter()
            .any(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty()))
        {
            return Err(HubError::BadInput(
                "where: give the whole filter in `where` alone, not with nationality, unit, managingUnit, visaStatus, search or filter / where 不能与其他筛选参数同时使用"
                    .to_owned(),
            ));
        }
        let filter: PersonFilter = serde_json::from_str(text)
            .map_err(|e| HubError::BadInput(format!("where: {e} / 筛选条件格式有误：{e}")))?;
        check_nested(&filter)?;
        Ok(Some(filter))
    }

    /// The order of the list: nationality then name unless `orderBy` says otherwise.
    pub fn sort(&self) -> Result<crate::derived::Sort, HubError> {
        let order = match self
            .order_by
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => crate::derived::PersonOrder::Nationality,
            Some(text) => text.parse().map_err(HubError::BadInput)?,
        };
        let descending = match self
            .direction
            .as_deref()
            .map(|d| d.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("" | "asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(HubError::BadInput(format!(
                    "direction: give asc or desc, not {other:?} / 排序方向：asc 或 desc"
                )));
            }
        };
        Ok(crate::derived::Sort { order, descending })
    }

    /// The query string of `GET /api/exports/people.xlsx` asking for this export.
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    /// Which people by presence: present people unless `present` says `false` or `all`.
    pub fn presence(&self) -> Result<Presence, HubError> {
        match self
            .present
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(Presence::Present),
            Some(text) => Presence::parse(text),
        }
    }

    /// The typed conditions of `filter` (JSON); `BAD_INPUT` for malformed JSON or an
    /// unknown name.
    pub fn conditions(&self) -> Result<Conditions, HubError> {
        let Some(text) = self
            .filter
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Ok(Conditions::default());
        };
        let conditions: Conditions = serde_json::from_str(text)
            .map_err(|e| HubError::BadInput(format!("filter: {e} / 条件格式有误：{e}")))?;
        conditions
            .check()
            .map_err(|e| HubError::BadInput(format!("filter: {e}")))?;
        Ok(conditions)
    }

    /// The registry's filter.
    pub fn to_filter(&self) -> Result<PersonFilter, HubError> {
        if let Some(filter) = self.where_filter()? {
            return Ok(filter);
        }
        let managing = items(self.managing_unit.as_deref())
            .map(|ids| {
                ids.iter()
                    .map(|id| {
                        id.parse::<i64>().map_err(|_| {
                            HubError::BadInput(format!("managingUnit: not an id: {id}"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let visa_status = items(self.visa_status.as_deref())
            .map(|list| {
                list.iter()
                    .map(|s| s.parse::<VisaStatus>())
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .map_err(|e| HubError::BadInput(e.to_string()))?;
        Ok(PersonFilter {
            nationality: items(self.nationality.as_deref())
                .map(|codes| codes.into_iter().map(|c| c.to_uppercase()).collect()),
            present: None,
            managing_organization: managing,
            reported_by: items(self.unit.as_deref()),
            visa_status,
            search: self
                .search
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            conditions: self.conditions()?,
            ..PersonFilter::default()
        })
    }

    /// The conditions in words, for the summary sheet (Chinese).
    pub fn describe(&self) -> String {
        self.describe_with(str::to_owned, false)
    }

    /// The conditions in words with the searched text masked like a document number
    /// (`M12****78`), for the audit log.
    pub fn describe_masked(&self) -> String {
        self.describe_with(|text| masking::document_number(text.trim()), true)
    }

    /// The conditions in words, the searched text as `search` shows it.
    fn describe_with(&self, search: impl Fn(&str) -> String, masked: bool) -> String {
        let mut parts = Vec::new();
        if let Some(v) = &self.nationality {
            parts.push(format!("国籍：{v}"));
        }
        parts.push(
            match self.presence() {
                Ok(Presence::Present) => "在庆",
                Ok(Presence::Absent) => "不在庆",
                _ => "在庆及不在庆",
            }
            .to_owned(),
        );
        if let Some(v) = &self.unit {
            parts.push(format!("报送单位：{v}"));
        }
        if let Some(v) = &self.managing_unit {
            parts.push(format!("管理单位编号：{v}"));
        }
        if let Some(v) = &self.visa_status {
            parts.push(format!("签证状态：{v}"));
        }
        if let Some(v) = self.search.as_deref().filter(|s| !s.trim().is_empty()) {
            parts.push(format!("关键字：{}", search(v)));
        }
        // Conditions on names or numbers are personal data: named, not shown, when
        // `search` masks.
        let conditions = [
            (
                self.filter.as_deref(),
                self.conditions().is_ok_and(|c| c.searches()),
            ),
            (
                self.where_filter.as_deref(),
                self.where_filter()
                    .is_ok_and(|f| f.as_ref().is_some_and(PersonFilter::searches)),
            ),
        ];
        for (text, searched) in conditions {
            if let Some(v) = text.filter(|s| !s.trim().is_empty()) {
                parts.push(if searched && masked {
                    "条件：（含姓名或证件号码条件）".to_owned()
                } else {
                    format!("条件：{}", v.trim())
                });
            }
        }
        if parts.is_empty() {
            "全部人员".to_owned()
        } else {
            parts.join("；")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_times_are_read() {
        let f = ExportFilter {
            as_of: Some("2020-02-17T12:00:00+08:00".into()),
            nationality: Some("kor, RUS,".into()),
            present: Some("true".into()),
            unit: Some("police".into()),
            managing_unit: Some("3,4".into()),
            visa_status: Some("expired".into()),
            search: Some("  ".into()),
            filter: Some(r#"{"stay": {"checkIn": {"gte": "2020-02-01T00:00:00Z"}}}"#.into()),
            order_by: Some("birth_date".into()),
            direction: Some("DESC".into()),
            where_filter: None,
        };
        let sort = f.sort().ok();
        assert_eq!(
            sort.map(|s| (s.order, s.descending)),
            Some((crate::derived::PersonOrder::BirthDate, true))
        );
        // The query string reads back as the same filter.
        let back: Result<ExportFilter, _> = serde_urlencoded::from_str(&f.query_string());
        assert_eq!(back.ok().as_ref(), Some(&f));
        let filter = f.to_filter().unwrap_or_default();
        assert_eq!(
            filter.nationality,
            Some(vec!["KOR".to_owned(), "RUS".to_owned()])
        );
        assert_eq!(filter.managing_organization, Some(vec![3, 4]));
        assert_eq!(filter.visa_status, Some(vec![VisaStatus::Expired]));
        assert_eq!(filter.search, None);
        assert!(filter.conditions.stay.is_some());
        assert_eq!(f.presence().ok(), Some(Presence::Present));
        assert!(!f.searches());
        assert_eq!(
            f.as_of().ok().flatten().map(|t| t.to_rfc3339()),
            Some("2020-02-17T04:00:00+00:00".to_owned())
        );
    }

    #[test]
    fn the_audited_conditions_mask_the_search() {
        let f = ExportFilter {
            nationality: Some("KOR".into()),
            search: Some("M12345678".into()),
            ..Default::default()
        };
        assert!(f.describe().contains("M12345678"));
        let masked = f.describe_masked();
        assert!(!masked.contains("M12345678"), "{masked}");
        assert!(
            masked.contains("M12****78") && masked.contains("KOR"),
            "{masked}"
        );
    }

    #[test]
    fn bad_values_are_bad_input() {
        let bad = |f: ExportFilter| matches!(f.to_filter(), Err(HubError::BadInput(_)));
        assert!(bad(ExportFilter {
            managing_unit: Some("x".into()),
            ..Default::default()
        }));
        assert!(bad(ExportFilter {
            visa_status: Some("SOON".into()),
            ..Default::default()
        }));
        assert!(bad(ExportFilter {
            filter: Some(r#"{"nationalty": "KOR"}"#.into()),
            ..Default::default()
        }));
        let f = ExportFilter {
            as_of: Some("yesterday".into()),
            ..Default::default()
        };
        assert!(matches!(f.as_of(), Err(HubError::BadInput(_))));
        let f = ExportFilter {
            present: Some("maybe".into()),
            ..Default::default()
        };
        assert!(f.presence().is_err());
    }
}
