//! Typed conditions on a person's own fields and on their facts (documents, affiliations,
//! stays, movements, checks, sources), with comparison operators (`eq`, `in`, `gte`,
//! `lte`, `contains`, `isNull`), rendered to SQL over a person row `p`.
//!
//! One definition serves every surface: the GraphQL `PersonFilter` flattens
//! [`Conditions`] into its fields, and the people export reads the same object from its
//! `filter` parameter (JSON; an unknown name is an error, as in GraphQL).
//!
//! A condition on facts holds when one fact of the person satisfies every operator given
//! of it, among the facts that had happened by the time asked (`$1`): movements and checks
//! up to T, affiliations and stays begun by T, an end after T not yet known. Read for one
//! member unit ([`super::PersonFilter::own_unit`]) only the facts of its uploads count.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::Value;
use serde::{Deserialize, Serialize};

use super::people::Sql;

/// Conditions on a text value. 文本条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "TextComparison")]
pub struct TextCmp {
    /// Equal to (case-insensitive). 等于（不区分大小写）。
    pub eq: Option<String>,
    /// Equal to any of (case-insensitive). 等于其中之一。
    #[serde(rename = "in")]
    #[graphql(name = "in")]
    pub any_of: Option<Vec<String>>,
    /// Contains (case-insensitive). 包含。
    pub contains: Option<String>,
    /// Has no value (true) or has one (false). 为空 / 不为空。
    pub is_null: Option<bool>,
}

/// Conditions on a whole number. 数值条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "IntComparison")]
pub struct IntCmp {
    /// Equal to. 等于。
    pub eq: Option<i64>,
    /// Equal to any of. 等于其中之一。
    #[serde(rename = "in")]
    #[graphql(name = "in")]
    pub any_of: Option<Vec<i64>>,
    /// At least. 大于等于。
    pub gte: Option<i64>,
    /// At most. 小于等于。
    pub lte: Option<i64>,
    /// Has no value (true) or has one (false). 为空 / 不为空。
    pub is_null: Option<bool>,
}

/// Conditions on a decimal number. 小数条件。
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "FloatComparison")]
pub struct FloatCmp {
    /// At least. 大于等于。
    pub gte: Option<f64>,
    /// At most. 小于等于。
    pub lte: Option<f64>,
    /// Has no value (true) or has one (false). 为空 / 不为空。
    pub is_null: Option<bool>,
}

/// Conditions on a time. 时间条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "DateTimeComparison")]
pub struct TimeCmp {
    /// Exactly at. 等于。
    pub eq: Option<DateTime<Utc>>,
    /// At or after. 不早于。
    pub gte: Option<DateTime<Utc>>,
    /// At or before. 不晚于。
    pub lte: Option<DateTime<Utc>>,
    /// Has no value (true) or has one (false). 为空 / 不为空。
    pub is_null: Option<bool>,
}

/// Conditions on a calendar day. 日期条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "DateComparison")]
pub struct DateCmp {
    /// On the day. 等于。
    pub eq: Option<NaiveDate>,
    /// On or after. 不早于。
    pub gte: Option<NaiveDate>,
    /// On or before. 不晚于。
    pub lte: Option<NaiveDate>,
    /// Has no value (true) or has one (false). 为空 / 不为空。
    pub is_null: Option<bool>,
}

/// Conditions on an id. 编号条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "IdComparison")]
pub struct IdCmp {
    /// Equal to. 等于。
    pub eq: Option<ID>,
    /// Equal to any of. 等于其中之一。
    #[serde(rename = "in")]
    #[graphql(name = "in")]
    pub any_of: Option<Vec<ID>>,
}

/// A document of the person (visa, residence or work permit; the passport is the person's
/// `documentNumber`). 证件条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "DocumentFilter")]
pub struct DocumentCondition {
    /// `visa` or `work_permit`. 证件类别。
    pub kind: Option<TextCmp>,
    /// The document's own number (a visa whose source gives none has none: `isNull`). 号码。
    pub number: Option<TextCmp>,
    /// For a visa: the number of the passport it is in. 签证所在护照号码。
    pub passport_number: Option<TextCmp>,
    /// Category (Z, X1 …). 种类。
    pub category: Option<TextCmp>,
    /// Valid until. 有效期至。
    pub valid_until: Option<DateCmp>,
}

/// An affiliation begun by the time asked. 所属关系条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "AffiliationFilter")]
pub struct AffiliationCondition {
    /// `student`, `teacher`, `employee`, `resident`, `held`. 身份。
    pub role: Option<TextCmp>,
    /// The organisation (id). 单位编号。
    pub organization: Option<IdCmp>,
    /// The organisation's name. 单位名称。
    pub organization_name: Option<TextCmp>,
    /// The organisation's kind (university, enterprise, hotel …). 单位类别。
    pub organization_kind: Option<TextCmp>,
    /// Start. 起始时间。
    pub since: Option<TimeCmp>,
    /// End, when it had ended by the time asked. 结束时间。
    pub until: Option<TimeCmp>,
    /// In force at the time asked. 是否有效。
    pub active: Option<bool>,
}

/// A hotel stay begun by the time asked. 住宿条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "StayFilter")]
pub struct StayCondition {
    /// The hotel (organisation id). 酒店编号。
    pub hotel: Option<IdCmp>,
    /// Check-in. 入住时间。
    pub check_in: Option<TimeCmp>,
    /// Check-out, when it had happened by the time asked. 离店时间。
    pub check_out: Option<TimeCmp>,
}

/// An arrival or departure up to the time asked. 进出记录条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "MovementFilter")]
pub struct MovementCondition {
    /// `arrival` or `departure` (any letter case). 方向。
    pub direction: Option<TextCmp>,
    /// When. 时间。
    pub occurred_at: Option<TimeCmp>,
    /// Flight, train or coach number. 航班号/车次。
    pub carrier_number: Option<TextCmp>,
    /// From. 出发地。
    pub origin: Option<TextCmp>,
    /// To. 目的地。
    pub destination: Option<TextCmp>,
}

/// A temperature check up to the time asked. 体温检测条件。
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "HealthCheckFilter")]
pub struct CheckCondition {
    /// When. 检测时间。
    pub checked_at: Option<TimeCmp>,
    /// ℃. 体温。
    pub temperature: Option<FloatCmp>,
    /// Condition as written. 情况。
    pub status: Option<TextCmp>,
}

/// A source row naming the person. 来源条件。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "SourceFilter")]
pub struct SourceCondition {
    /// Code of the member unit that uploaded. 上传单位代码。
    pub unit: Option<TextCmp>,
    /// Source kind (`visa_registry`, `health_check` …). 数据类型。
    pub kind: Option<TextCmp>,
    /// When it was uploaded. 上传时间。
    pub uploaded_at: Option<TimeCmp>,
}

/// Typed conditions on a person's fields and facts; every one given must hold.
/// 人员字段与相关记录的条件（同时满足）。
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "PersonConditions")]
pub struct Conditions {
    /// Latin name. 英文姓名。
    pub name: Option<TextCmp>,
    /// Chinese name. 中文姓名。
    pub chinese_name: Option<TextCmp>,
    /// `M` or `F`. 性别。
    pub sex: Option<TextCmp>,
    /// Date of birth. 出生日期。
    pub birth_date: Option<DateCmp>,
    /// Passport / travel document number (normalised). 护照号码。
    pub document_number: Option<TextCmp>,
    /// Latest validity of any visa. 签证有效期至（最晚）。
    pub visa_valid_until: Option<DateCmp>,
    /// How many member units report the person. 报送单位数。
    pub reporting_units: Option<IntCmp>,
    /// When the hub first learnt of the person (first upload naming them). 首次掌握时间。
    pub first_seen: Option<TimeCmp>,
    /// Whether sources disagree on a value. 是否存在来源冲突。
    pub has_conflicts: Option<bool>,
    /// Has a document matching. 存在符合条件的证件。
    pub document: Option<DocumentCondition>,
    /// Has an affiliation matching. 存在符合条件的所属关系。
    pub affiliation: Option<AffiliationCondition>,
    /// Has a stay matching. 存在符合条件的住宿记录。
    pub stay: Option<StayCondition>,
    /// Has a movement matching. 存在符合条件的进出记录。
    pub movement: Option<MovementCondition>,
    /// Has a health check matching. 存在符合条件的体温检测。
    pub health_check: Option<CheckCondition>,
    /// Has a source matching. 存在符合条件的来源。
    pub source: Option<SourceCondition>,
}

/// A bad value in a condition (an id that is not a number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCondition(pub String);

impl std::fmt::Display for BadCondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `LIKE` pattern holding `text` anywhere, with `%`, `_` and `\` escaped.
pub(super) fn like_anywhere(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A comparison rendered to SQL conditions on one column.
trait Cmp {
    /// Pushes a condition for each operator given.
    fn render(&self, sql: &mut Sql, column: &str, parts: &mut Vec<String>);
}

impl Cmp for TextCmp {
    fn render(&self, sql: &mut Sql, column: &str, parts: &mut Vec<String>) {
        let upper = format!("UPPER({column})");
        if let Some(eq) = &self.eq {
            parts.push(format!("{upper} = {}", sql.param(eq.trim().to_uppercase())));
        }
        let items: Option<Vec<String>> = self
            .any_of
            .as_ref()
            .map(|any| any.iter().map(|s| s.trim().to_uppercase()).collect());
        any_of(sql, &upper, items.as_deref(), parts);
        if let Some(part) = &self.contains {
            let pattern = sql.param(like_anywhere(&part.trim().to_uppercase()));
            parts.push(format!("{upper} LIKE {pattern} ESCAPE '\\'"));
        }
        null_check(self.is_null, column, parts);
    }
}

fn null_check(is_null: Option<bool>, column: &str, parts: &mut Vec<String>) {
    match is_null {
        Some(true) => parts.push(format!("{column} IS NULL")),
        Some(false) => parts.push(format!("{column} IS NOT NULL")),
        None => {}
    }
}

/// `column IN (…)` of the values given; an empty list matches nothing.
fn any_of<T: Into<Value> + Clone>(
    sql: &mut Sql,
    column: &str,
    values: Option<&[T]>,
    parts: &mut Vec<String>,
) {
    if let Some(values) = values {
        parts.push(if values.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("{column} IN ({})", sql.list(values))
        });
    }
}

/// `eq`, `gte`, `lte` of an ordered value.
fn ordered<T: Into<Value> + Clone>(
    sql: &mut Sql,
    column: &str,
    (eq, gte, lte): (Option<&T>, Option<&T>, Option<&T>),
    parts: &mut Vec<String>,
) {
    for (op, value) in [("=", eq), (">=", gte), ("<=", lte)] {
        if let Some(value) = value {
            parts.push(format!("{column} {op} {}", sql.param(value.clone())));
        }
    }
}

impl Cmp for IntCmp {
    fn render(&self, sql: &mut Sql, column: &str, parts: &mut Vec<String>) {
        let bounds = (self.eq.as_ref(), self.gte.as_ref(), self.lte.as_ref());
        ordered(sql, column, bounds, parts);
        any_of(sql, column, self.any_of.as_deref(), parts);
        null_check(self.is_null, column, parts);
    }
}

impl Cmp for FloatCmp {
    fn render(&self, sql: &mut Sql, column: &str, parts: &mut Vec<String>) {
        let bounds = (None, self.gte.as_ref(), self.lte.as_ref());
        ordered(sql, column, bounds, parts);
        null_check(self.is_null, column, parts);
    }
}

/// The comparisons of a time and of a day: `eq`, `gte`, `lte`, `isNull`.
macro_rules! ordered_cmp {
    ($($cmp:ty),*) => {$(
        impl Cmp for $cmp {
            fn render(&self, sql: &mut Sql, column: &str, parts: &mut Vec<String>) {
                let bounds = (self.eq.as_ref(), self.gte.as_ref(), self.lte.as_ref());
                ordered(sql, column, bounds, parts);
                null_check(self.is_null, column, parts);
            }
        }
    )*};
}

ordered_cmp!(TimeCmp, DateCmp);

impl IdCmp {
    fn ids(&self) -> Result<(Option<i64>, Option<Vec<i64>>), BadCondition> {
        let parse = |id: &ID| {
            id.trim()
                .parse::<i64>()
                .map_err(|_| BadCondition(format!("not an id: {}", id.as_str())))
        };
        let eq = self.eq.as_ref().map(parse).transpose()?;
        let any = self
            .any_of
            .as_ref()
            .map(|ids| ids.iter().map(parse).collect::<Result<Vec<_>, _>>())
            .transpose()?;
        Ok((eq, any))
    }
}

impl Cmp for IdCmp {
    fn render(&self, sql: &mut Sql, column: &str, parts: &mut Vec<String>) {
        // Checked by `Conditions::check` before rendering; a bad id matches nothing.
        match self.ids() {
            Ok((eq, any)) => IntCmp {
                eq,
                any_of: any,
                ..IntCmp::default()
            }
            .render(sql, column, parts),
            Err(_) => parts.push("1 = 0".to_owned()),
        }
    }
}

/// The conditions given of one kind of fact (or of the person's own values), gathered
/// column by column and rendered as one `EXISTS` over its table.
struct Parts<'s> {
    sql: &'s mut Sql,
    parts: Vec<String>,
}

impl<'s> Parts<'s> {
    fn new(sql: &'s mut Sql) -> Self {
        Self {
            sql,
            parts: Vec::new(),
        }
    }

    /// The conditions of `cmp` on `column`, when given.
    fn on(mut self, cmp: Option<&impl Cmp>, column: &str) -> Self {
        if let Some(cmp) = cmp {
            cmp.render(self.sql, column, &mut self.parts);
        }
        self
    }

    /// A condition written out.
    fn with(mut self, part: Option<&str>) -> Self {
        self.parts.extend(part.map(str::to_owned));
        self
    }

    /// `EXISTS (SELECT 1 FROM {from} WHERE {link} AND …)` with `guard` (which facts count)
    /// among the conditions, or nothing when no condition was given.
    fn exists(
        mut self,
        from: &str,
        link: &str,
        guard: impl FnOnce(&mut Sql) -> String,
    ) -> Option<String> {
        if !self.parts.is_empty() {
            let guard = guard(self.sql);
            self.parts.push(guard);
        }
        exists(from, link, self.parts)
    }
}

/// `EXISTS (SELECT 1 FROM {from} WHERE {link} AND …)`, or nothing when no condition is
/// given of the fact.
fn exists(from: &str, link: &str, parts: Vec<String>) -> Option<String> {
    (!parts.is_empty()).then(|| {
        format!(
            "EXISTS (SELECT 1 FROM {from} WHERE {link} AND {})",
            parts.join(" AND ")
        )
    })
}

impl Conditions {
    /// Whether no condition is given.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Checks the values SQL cannot check (ids): `BadCondition` names the first bad one.
    pub fn check(&self) -> Result<(), BadCondition> {
        let ids = [
            self.affiliation
                .as_ref()
                .and_then(|a| a.organization.as_ref()),
            self.stay.as_ref().and_then(|s| s.hotel.as_ref()),
        ];
        for id in ids.into_iter().flatten() {
            id.ids()?;
        }
        Ok(())
    }

    /// Whether a condition reads names or document numbers (a search: a separate
    /// permission).
    pub fn searches(&self) -> bool {
        self.name.is_some()
            || self.chinese_name.is_some()
            || self.document_number.is_some()
            || self
                .document
                .as_ref()
                .is_some_and(|d| d.number.is_some() || d.passport_number.is_some())
    }

    /// The SQL conditions over `p` (a person or `derived` row: only its `id` is read),
    /// reading only the facts of `unit`'s uploads when given.
    pub(super) fn render(&self, sql: &mut Sql, unit: Option<i64>) -> Vec<String> {
        let mut out = Vec::new();
        // The person's own values: those of the unit's own rows when read for a unit.
        let (values, link) = match unit {
            Some(unit) => (
                "person_source px",
                format!(
                    "px.person_id = p.id AND px.member_unit_id = {}",
                    sql.param(unit)
                ),
            ),
            None => ("person px", "px.id = p.id".to_owned()),
        };
        let own = Parts::new(sql)
            .on(self.name.as_ref(), "px.latin_name")
            .on(self.chinese_name.as_ref(), "px.chinese_name")
            .on(self.sex.as_ref(), "px.sex")
            .on(self.birth_date.as_ref(), "px.birth_date");
        out.extend(exists(values, &link, own.parts));
        if let Some(c) = &self.document_number {
            // `p` may be a `derived` row: it holds the document number too.
            c.render(sql, "p.document_number", &mut out);
        }
        let unit_of_row = |sql: &mut Sql, row: &str| match unit {
            Some(unit) => format!(
                " AND EXISTS (SELECT 1 FROM source_row sr JOIN upload u ON u.id = sr.upload_id \
                 WHERE sr.id = {row} AND u.member_unit_id = {})",
                sql.param(unit)
            ),
            None => String::new(),
        };
        let unit_of_fact = |sql: &mut Sql, alias: &str| match unit {
            Some(unit) => format!(" AND {alias}.member_unit_id = {}", sql.param(unit)),
            None => String::new(),
        };
        if let Some(c) = &self.visa_valid_until {
            let own = unit_of_row(sql, "d.source_row_id");
            let column = format!(
                "(SELECT MAX(d.valid_until) FROM identity_document d WHERE d.person_id = p.id AND d.kind = 'visa'{own})"
            );
            c.render(sql, &column, &mut out);
        }
        if let Some(c) = &self.reporting_units {
            let own = unit_of_fact(sql, "ps");
            let column = format!(
                "(SELECT COUNT(DISTINCT ps.member_unit_id) FROM person_source ps WHERE ps.person_id = p.id{own})"
            );
            c.render(sql, &column, &mut out);
        }
        if let Some(c) = &self.first_seen {
            let own = unit_of_fact(sql, "ps");
            let column = format!(
                "(SELECT MIN(u.uploaded_at) FROM person_source ps JOIN source_row sr ON sr.id = ps.source_row_id \
                 JOIN upload u ON u.id = sr.upload_id WHERE ps.person_id = p.id{own})"
            );
            c.render(sql, &column, &mut out);
        }
        if let Some(conflicts) = self.has_conflicts {
            // Read for a unit: whether its own rows disagree on a value; else the person's
            // flag (kept from every row as they landed).
            let disagree = match unit {
                Some(unit) => format!(
                    "(SELECT CASE WHEN COUNT(DISTINCT ps.latin_name) > 1 OR COUNT(DISTINCT ps.chinese_name) > 1 \
                     OR COUNT(DISTINCT ps.sex) > 1 OR COUNT(DISTINCT ps.birth_date) > 1 THEN 1 ELSE 0 END \
                     FROM person_source ps WHERE ps.person_id = p.id AND ps.member_unit_id = {}) = 1",
                    sql.param(unit)
                ),
                None => "EXISTS (SELECT 1 FROM person pc WHERE pc.id = p.id AND pc.has_conflicts = TRUE)"
                    .to_owned(),
            };
            out.push(if conflicts {
                disagree
            } else {
                format!("NOT ({disagree})")
            });
        }
        if let Some(c) = &self.document {
            let document = Parts::new(sql)
                .on(c.kind.as_ref(), "d.kind")
                .on(c.number.as_ref(), "d.number")
                .on(c.passport_number.as_ref(), "d.passport_number")
                .on(c.category.as_ref(), "d.category")
                .on(c.valid_until.as_ref(), "d.valid_until");
            out.extend(
                document.exists("identity_document d", "d.person_id = p.id", |sql| {
                    format!("1 = 1{}", unit_of_row(sql, "d.source_row_id"))
                }),
            );
        }
        if let Some(c) = &self.affiliation {
            let active = match c.active {
                Some(true) => Some("(a.until IS NULL OR a.until > $1)"),
                Some(false) => Some("a.until <= $1"),
                None => None,
            };
            let affiliation = Parts::new(sql)
                .on(c.role.as_ref(), "a.role")
                .on(c.organization.as_ref(), "a.organization_id")
                .on(
                    c.organization_name.as_ref(),
                    "(SELECT o.name FROM organization o WHERE o.id = a.organization_id)",
                )
                .on(
                    c.organization_kind.as_ref(),
                    "(SELECT o.kind FROM organization o WHERE o.id = a.organization_id)",
                )
                .on(c.since.as_ref(), "a.since")
                .on(
                    c.until.as_ref(),
                    "(CASE WHEN a.until <= $1 THEN a.until END)",
                )
                .with(active);
            out.extend(
                affiliation.exists("affiliation a", "a.person_id = p.id", |sql| {
                    format!(
                        "(a.since IS NULL OR a.since <= $1){}",
                        unit_of_fact(sql, "a")
                    )
                }),
            );
        }
        if let Some(c) = &self.stay {
            let stay = Parts::new(sql)
                .on(c.hotel.as_ref(), "s.organization_id")
                .on(c.check_in.as_ref(), "s.check_in")
                .on(
                    c.check_out.as_ref(),
                    "(CASE WHEN s.check_out <= $1 THEN s.check_out END)",
                );
            out.extend(stay.exists("stay s", "s.person_id = p.id", |sql| {
                format!(
                    "(s.check_in IS NULL OR s.check_in <= $1){}",
                    unit_of_fact(sql, "s")
                )
            }));
        }
        if let Some(c) = &self.movement {
            let movement = Parts::new(sql)
                .on(c.direction.as_ref(), "m.direction")
                .on(c.occurred_at.as_ref(), "m.occurred_at")
                .on(c.carrier_number.as_ref(), "m.carrier_number")
                .on(c.origin.as_ref(), "m.origin")
                .on(c.destination.as_ref(), "m.destination");
            out.extend(movement.exists("movement m", "m.person_id = p.id", |sql| {
                format!("m.occurred_at <= $1{}", unit_of_fact(sql, "m"))
            }));
        }
        if let Some(c) = &self.health_check {
            let check = Parts::new(sql)
                .on(c.checked_at.as_ref(), "h.checked_at")
                .on(c.temperature.as_ref(), "h.temperature")
                .on(c.status.as_ref(), "h.status");
            out.extend(check.exists("health_check h", "h.person_id = p.id", |sql| {
                format!("h.checked_at <= $1{}", unit_of_fact(sql, "h"))
            }));
        }
        if let Some(c) = &self.source {
            let source = Parts::new(sql)
                .on(
                    c.unit.as_ref(),
                    "(SELECT mu.code FROM member_unit mu WHERE mu.id = ps.member_unit_id)",
                )
                .on(c.kind.as_ref(), "ps.kind")
                .on(
                    c.uploaded_at.as_ref(),
                    "(SELECT u.uploaded_at FROM source_row sr JOIN upload u ON u.id = sr.upload_id WHERE sr.id = ps.source_row_id)",
                );
            out.extend(
                source.exists("person_source ps", "ps.person_id = p.id", |sql| {
                    format!("1 = 1{}", unit_of_fact(sql, "ps"))
                }),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_are_refused_in_json() {
        let ok: Result<Conditions, _> =
            serde_json::from_str(r#"{"affiliation": {"role": {"in": ["student"]}}}"#);
        assert!(ok.is_ok_and(|c| c.affiliation.is_some()));
        let bad: Result<Conditions, _> = serde_json::from_str(r#"{"nationalty": "KOR"}"#);
        assert!(bad.is_err());
        let bad: Result<Conditions, _> =
            serde_json::from_str(r#"{"affiliation": {"role": {"equals": "student"}}}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn every_operator_given_is_rendered_and_bound() {
        let c = Conditions {
            name: Some(TextCmp {
                contains: Some("100%_".into()),
                ..TextCmp::default()
            }),
            reporting_units: Some(IntCmp {
                gte: Some(2),
                lte: Some(3),
                ..IntCmp::default()
            }),
            health_check: Some(CheckCondition {
                temperature: Some(FloatCmp {
                    gte: Some(37.3),
                    ..FloatCmp::default()
                }),
                ..CheckCondition::default()
            }),
            ..Conditions::default()
        };
        let mut sql = Sql::with_values(Vec::new());
        let parts = c.render(&mut sql, None);
        // The name, each bound of the count, the check.
        assert_eq!(parts.len(), 4, "{parts:?}");
        assert_eq!(sql.values.len(), 4);
        assert!(parts[0].contains("LIKE"), "{parts:?}");
        assert!(parts[3].contains("h.checked_at <= $1"), "{parts:?}");
    }

    #[test]
    fn ids_must_be_numbers() {
        let c = Conditions {
            stay: Some(StayCondition {
                hotel: Some(IdCmp {
                    eq: Some(ID::from("x")),
                    ..IdCmp::default()
                }),
                ..StayCondition::default()
            }),
            ..Conditions::default()
        };
        assert!(c.check().is_err());
    }
}
