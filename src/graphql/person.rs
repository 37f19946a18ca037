//! A person as the API shows them: who they are, their documents, affiliations, stays,
//! movements and checks, what sources disagree on, and where every fact came from.

use async_graphql::{ComplexObject, Context, Enum, ID, Lookahead, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    affiliation, health_check, identity_document, movement, organization, person_source, stay,
};
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use super::loaders::{
    ByPerson, OrganizationLoader, PersonFact, Provenance, ProvenanceLoader, load_many, load_one,
};
use super::view::Facts;
use super::warnings::PersonWarning;
use crate::error::{GqlResultExt, HubError};
use crate::registry::shown::PersonValues;
use crate::service::people::PersonRecord;

/// A nationality: ISO 3166-1 alpha-3 code with its names. 国籍。
#[derive(Debug, Clone, SimpleObject)]
pub struct Nationality {
    /// ISO 3166-1 alpha-3 code, e.g. `KOR`. 三位字母代码。
    pub code: String,
    /// Chinese name, e.g. 韩国. 中文名称。
    pub name_zh: String,
    /// English name. 英文名称。
    pub name_en: String,
}

impl Nationality {
    /// The nationality of an ISO alpha-3 code (the code itself as names when unknown).
    pub fn of(code: &str) -> Self {
        match importers::countries::by_alpha3(code) {
            Some(country) => Self {
                code: country.alpha3.to_owned(),
                name_zh: country.name_zh.to_owned(),
                name_en: country.name_en.to_owned(),
            },
            None => Self {
                code: code.to_owned(),
                name_zh: code.to_owned(),
                name_en: code.to_owned(),
            },
        }
    }
}

/// Visa status at the time asked. 签证状态。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::derived::VisaStatus")]
pub enum VisaStatus {
    /// Valid for more than 30 days. 有效。
    Valid,
    /// Valid, but expires within 30 days. 即将到期（30天内）。
    Expiring,
    /// Expired: an overstay. 已过期（逾期滞留）。
    Expired,
    /// No source gives a visa. 未知。
    Unknown,
}

/// An organisation as a fact refers to it. 单位（简要）。
#[derive(Debug, Clone, SimpleObject)]
pub struct OrganizationRef {
    /// Id. 编号。
    pub id: ID,
    /// Canonical name. 名称。
    pub name: String,
    /// Kind (university, enterprise, hotel, police …). 类别。
    pub kind: String,
    /// Confirmed by the registry (false when created from an unknown name). 是否已核实。
    pub verified: bool,
}

impl From<organization::Model> for OrganizationRef {
    fn from(o: organization::Model) -> Self {
        Self {
            id: ID(o.id.to_string()),
            name: o.name,
            kind: o.kind,
            verified: o.verified,
        }
    }
}

/// Where a fact came from: the uploaded file, the unit and the row. 数据来源。
#[derive(Debug, Clone, SimpleObject)]
pub struct Source {
    /// The upload. 上传编号。
    pub upload_id: ID,
    /// File name as uploaded. 文件名。
    pub file_name: String,
    /// SHA-256 of the file. 文件哈希。
    pub sha256: String,
    /// Code of the member unit that uploaded. 上传单位代码。
    pub unit_code: String,
    /// Name of the member unit. 上传单位名称。
    pub unit_name: String,
    /// Source kind. 数据类型。
    pub kind: String,
    /// Sheet. 工作表。
    pub sheet: String,
    /// Excel row number. Excel 行号。
    pub row: i32,
    /// Who uploaded. 上传人。
    pub uploaded_by: String,
    /// When. 上传时间。
    pub uploaded_at: DateTime<Utc>,
}

impl From<Provenance> for Source {
    fn from(p: Provenance) -> Self {
        Self {
            upload_id: ID(p.upload.id.to_string()),
            file_name: p.upload.file_name,
            sha256: p.upload.sha256,
            unit_code: p.unit.code,
            unit_name: p.unit.name,
            kind: p.upload.kind,
            sheet: p.row.sheet,
            row: p.row.row_number,
            uploaded_by: p.upload.uploaded_by,
            uploaded_at: p.upload.uploaded_at,
        }
    }
}

/// Loads the provenance of a source row.
pub(super) async fn source(ctx: &Context<'_>, source_row_id: i64) -> Result<Option<Source>> {
    let provenance = load_one::<ProvenanceLoader>(ctx, source_row_id).await?;
    Ok(provenance.map(Source::from))
}

/// Loads an organisation.
pub(super) async fn organization(ctx: &Context<'_>, id: i64) -> Result<Option<OrganizationRef>> {
    let found = load_one::<OrganizationLoader>(ctx, id).await?;
    Ok(found.map(OrganizationRef::from))
}

/// Loads the provenance of source rows, in the order given (rows not found left out).
pub(super) async fn sources(ctx: &Context<'_>, ids: &[i64]) -> Result<Vec<Source>> {
    let mut found = load_many::<ProvenanceLoader>(ctx, ids.iter().copied()).await?;
    Ok(ids
        .iter()
        .filter_map(|id| found.remove(id))
        .map(Source::from)
        .collect())
}

/// Facts equal in their `key`, one entry each with the source rows (`row`) of all of them,
/// in the order each first appears: the same affiliation reported by three units is one
/// affiliation with three sources.
fn grouped<K: Eq + Hash, T>(
    facts: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
    row: impl Fn(&T) -> i64,
) -> Vec<(T, Vec<i64>)> {
    let mut index: HashMap<K, usize> = HashMap::new();
    let mut out: Vec<(T, Vec<i64>)> = Vec::new();
    for fact in facts {
        let (key, row) = (key(&fact), row(&fact));
        match index.get(&key) {
            Some(&i) => out[i].1.push(row),
            None => {
                index.insert(key, out.len());
                out.push((fact, vec![row]));
            }
        }
    }
    out
}

/// Loads the provenance of the first of `ids` (every grouped fact has one).
async fn first_source(ctx: &Context<'_>, ids: &[i64]) -> Result<Option<Source>> {
    match ids.first() {
        Some(&id) => source(ctx, id).await,
        None => Ok(None),
    }
}

/// The `source` resolver of a fact given by one source row (`source_row_id`).
macro_rules! with_source {
    ($ty:ident) => {
        #[ComplexObject]
        impl $ty {
            /// Where this fact came from. 数据来源。
            async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
                source(ctx, self.source_row_id).await
            }
        }
    };
}

/// The resolvers of a fact given by several source rows (`source_row_ids`): the type's own
/// resolvers, then `source` (the first row) and `sources` (every row), described by
/// `$first` and `$every`.
macro_rules! with_sources {
    ($ty:ident, $first:tt, $every:tt, { $($own:tt)* }) => {
        #[ComplexObject]
        impl $ty {
            $($own)*

            #[doc = $first]
            async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
                first_source(ctx, &self.source_row_ids).await
            }

            #[doc = $every]
            async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
                sources(ctx, &self.source_row_ids).await
            }
        }
    };
}

/// A document: passport, visa / residence permit, work permit; one entry however many
/// sources gave it. 证件（多个来源给出的同一证件只列一次）。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Document {
    /// `passport`, `visa` or `work_permit`. 证件类别。
    pub kind: String,
    /// The document's own number (masked for leaders); null for a visa whose source gives
    /// no visa number. 证件号码（签证无号码时为空）。
    pub number: Option<String>,
    /// For a visa: the passport it is in (masked for leaders). 签证所在护照号码。
    pub passport_number: Option<String>,
    /// Issuing state (ISO alpha-3). 签发国。
    pub issuing_nationality: String,
    /// Category (Z, X1 …). 种类。
    pub category: Option<String>,
    /// Valid until. 有效期至。
    pub valid_until: Option<NaiveDate>,
    /// The source rows that gave it (internal).
    #[graphql(skip)]
    pub source_row_ids: Vec<i64>,
}

with_sources!(
    Document,
    "The first source that gave it. 数据来源（首个）。",
    "Every source that gave it. 全部数据来源。",
    {}
);

/// A tie to an organisation: one entry per organisation, role and period, however many
/// sources reported it. 所属关系（学习、任教、工作等；多个来源的同一关系只列一次）。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Affiliation {
    /// `student`, `teacher`, `employee`, `resident`, `held`. 身份。
    pub role: String,
    /// Start, when the source gives one. 起始时间。
    pub since: Option<DateTime<Utc>>,
    /// End, when known. 结束时间。
    pub until: Option<DateTime<Utc>>,
    /// In force at the time asked. 是否有效。
    pub active: bool,
    /// The later roster upload that ended it by omitting it. 因后续名单未列入而结束的上传编号。
    pub ended_by_upload_id: Option<ID>,
    /// The organisation (internal).
    #[graphql(skip)]
    pub organization_id: i64,
    /// The source rows that reported it (internal).
    #[graphql(skip)]
    pub source_row_ids: Vec<i64>,
}

with_sources!(
    Affiliation,
    "The first source that reported it. 数据来源（首个）。",
    "Every source that reported it (upload, unit, row). 全部数据来源。",
    {
        /// The organisation. 单位。
        async fn organization(&self, ctx: &Context<'_>) -> Result<Option<OrganizationRef>> {
            organization(ctx, self.organization_id).await
        }
    }
);

/// A hotel or resort stay: one entry per hotel, check-in and check-out, however many
/// registers listed it. 住宿记录（多个来源的同一住宿只列一次）。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Stay {
    /// Check-in. 入住时间。
    pub check_in: Option<DateTime<Utc>>,
    /// Check-out. 离店时间。
    pub check_out: Option<DateTime<Utc>>,
    /// The organisation (internal).
    #[graphql(skip)]
    pub organization_id: i64,
    /// The source rows that listed it (internal).
    #[graphql(skip)]
    pub source_row_ids: Vec<i64>,
}

with_sources!(
    Stay,
    "The first source that listed it. 数据来源（首个）。",
    "Every source that listed it. 全部数据来源。",
    {
        /// The hotel. 酒店/景区。
        async fn hotel(&self, ctx: &Context<'_>) -> Result<Option<OrganizationRef>> {
            organization(ctx, self.organization_id).await
        }
    }
);

/// Arrival or departure. 进出方向。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Direction {
    /// Arrived in the city. 进港（到达）。
    Arrival,
    /// Left the city. 出港（离开）。
    Departure,
}

/// An arrival or departure. 进出记录。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Movement {
    /// Direction. 方向。
    pub direction: Direction,
    /// When. 时间。
    pub occurred_at: DateTime<Utc>,
    /// Flight, train or coach number. 航班号/车次。
    pub carrier_number: Option<String>,
    /// From. 出发地。
    pub origin: Option<String>,
    /// To. 目的地。
    pub destination: Option<String>,
    /// The source row of the fact (internal).
    #[graphql(skip)]
    pub source_row_id: i64,
}
with_source!(Movement);

/// A temperature check. 体温检测。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct HealthCheck {
    /// When. 检测时间。
    pub checked_at: DateTime<Utc>,
    /// ℃. 体温。
    pub temperature: Option<f64>,
    /// Condition as written. 情况。
    pub status: Option<String>,
    /// The source row of the fact (internal).
    #[graphql(skip)]
    pub source_row_id: i64,
}
with_source!(HealthCheck);

/// One value a source gave. 某来源给出的值。
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct AttributeValue {
    /// The value. 值。
    pub value: String,
    /// Whether the person shows this value. 是否为采用值。
    pub shown: bool,
    /// The source row of the fact (internal).
    #[graphql(skip)]
    pub source_row_id: i64,
}
with_source!(AttributeValue);

/// An attribute sources disagree on. 来源不一致的属性。
#[derive(Debug, Clone, SimpleObject)]
pub struct Conflict {
    /// `latin_name`, `chinese_name`, `sex` or `birth_date`. 属性。
    pub attribute: String,
    /// Every value with its source. 各来源的值。
    pub values: Vec<AttributeValue>,
}

/// A record an accepted merge absorbed into this person. 已合并入本人的记录。
#[derive(Debug, Clone, SimpleObject)]
pub struct MergedRecord {
    /// The merge (`undoMerge(id:)` undoes it). 合并编号。
    pub merge_id: ID,
    /// The absorbed record's former id. 原编号。
    pub person_id: ID,
    /// Its document number (masked for leaders). 证件号码。
    pub document_number: String,
    /// Its nationality. 国籍。
    pub nationality: Nationality,
    /// Its Latin name. 英文姓名。
    pub name: Option<String>,
    /// Who merged. 合并人。
    pub merged_by: String,
    /// When. 合并时间。
    pub merged_at: DateTime<Utc>,
}

/// A foreign national, resolved across all sources. 外籍人员（跨来源合并后的统一视图）。
///
/// The record the people reader answered ([`PersonRecord`]), shown through its view: every
/// field honours [`PersonRecord::view`]: a masked view (leaders) shows document numbers as
/// `M12****78` and no date of birth; a unit view (uploaders) shows only the values and facts
/// its own uploads gave (the model already carries its own values: see
/// [`crate::service::people::shown`]). With [`PersonRecord::known_at`] every value and fact is
/// what the uploads landed by then gave.
#[derive(Debug, Clone)]
pub struct Person(pub PersonRecord);

impl From<PersonRecord> for Person {
    fn from(record: PersonRecord) -> Self {
        Self(record)
    }
}

impl std::ops::Deref for Person {
    type Target = PersonRecord;

    fn deref(&self) -> &PersonRecord {
        &self.0
    }
}

/// Loads one fact table for a person through its DataLoader.
async fn facts<E>(ctx: &Context<'_>, person_id: i64) -> Result<Vec<E::Model>>
where
    E: PersonFact + Send + Sync + 'static,
    E::Model: Send + Sync + Clone + 'static,
{
    let facts = load_one::<ByPerson<E>>(ctx, person_id).await?;
    Ok(facts.unwrap_or_default())
}

impl Person {
    /// A document number as the view shows it.
    fn number(&self, number: &str) -> String {
        self.view.document_number(number)
    }

    /// Which facts the request shows.
    fn facts(&self) -> Facts {
        Facts {
            view: self.view,
            known_at: self.known_at,
        }
    }

    /// The facts of table `E` the request shows, in the loader's order.
    async fn shown<E>(&self, ctx: &Context<'_>) -> Result<Vec<E::Model>>
    where
        E: PersonFact + Send + Sync + 'static,
        E::Model: Send + Sync + Clone + 'static,
    {
        let rows = facts::<E>(ctx, self.model.id).await?;
        self.facts().keep(ctx, rows, E::source_row_of).await
    }

    /// The facts of table `E` the request shows up to the person's `asOf` (`at`: the time
    /// of a fact), in the loader's order (oldest first).
    async fn up_to_as_of<E>(
        &self,
        ctx: &Context<'_>,
        at: impl Fn(&E::Model) -> DateTime<Utc>,
    ) -> Result<Vec<E::Model>>
    where
        E: PersonFact + Send + Sync + 'static,
        E::Model: Send + Sync + Clone + 'static,
    {
        let rows = self.shown::<E>(ctx).await?;
        Ok(rows.into_iter().filter(|r| at(r) <= self.as_of).collect())
    }

    /// The facts of table `E` that last a period (affiliations, stays) begun by the
    /// person's `asOf`, each with its end when it is shown: one passed by `asOf` (a later
    /// end had not happened) and recorded by an upload the answer knows of.
    async fn periods<E>(
        &self,
        ctx: &Context<'_>,
        period: impl Fn(&E::Model) -> Period,
    ) -> Result<Vec<(E::Model, Option<DateTime<Utc>>)>>
    where
        E: PersonFact + Send + Sync + 'static,
        E::Model: Send + Sync + Clone + 'static,
    {
        let (at, facts) = (self.as_of, self.facts());
        let mut shown = Vec::new();
        for fact in self.shown::<E>(ctx).await? {
            let (start, end, ended_by) = period(&fact);
            if start.is_some_and(|s| s > at) {
                continue;
            }
            let end = match end.filter(|e| *e <= at) {
                Some(end) if facts.knows_end(ctx, ended_by).await? => Some(end),
                _ => None,
            };
            shown.push((fact, end));
        }
        Ok(shown)
    }

    /// The rows naming the person that the request shows (a unit view: its own unit's;
    /// with `known_at`: those of uploads landed by then).
    async fn own_sources(&self, ctx: &Context<'_>) -> Result<Vec<person_source::Model>> {
        self.shown::<person_source::Entity>(ctx).await
    }

    /// The ids of the rows naming the person that the request shows.
    async fn own_source_rows(&self, ctx: &Context<'_>) -> Result<Vec<i64>> {
        let rows = self.own_sources(ctx).await?;
        Ok(rows.iter().map(|s| s.source_row_id).collect())
    }
}

/// A period as a fact gives it: its start, its end and the upload that recorded the end.
type Period = (Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<i64>);

#[async_graphql::Object]
impl Person {
    /// Id. 编号。
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }

    /// Passport / travel document number (normalised; masked like `M12****78` for
    /// leaders). 护照（证件）号码（领导角色脱敏显示）。
    async fn document_number(&self) -> String {
        self.number(&self.model.document_number)
    }

    /// Nationality. 国籍。
    async fn nationality(&self) -> Nationality {
        Nationality::of(&self.model.nationality)
    }

    /// Latin name, `SURNAME GIVEN`. 英文姓名。
    async fn name(&self) -> Option<&str> {
        self.model.latin_name.as_deref()
    }

    /// Chinese name, when a source gives one. 中文姓名。
    async fn chinese_name(&self) -> Option<&str> {
        self.model.chinese_name.as_deref()
    }

    /// `M` or `F`. 性别。
    async fn sex(&self) -> Option<&str> {
        self.model.sex.as_deref()
    }

    /// Date of birth (hidden from leaders). 出生日期（领导角色不显示）。
    async fn birth_date(&self) -> Option<NaiveDate> {
        self.view.birth_date(self.model.birth_date)
    }

    /// Whether sources disagree on a value. 是否存在来源冲突。
    async fn has_conflicts(&self) -> bool {
        self.model.has_conflicts
    }

    /// Present in the city at the time asked. 是否在庆。
    async fn present(&self) -> bool {
        self.status.present
    }

    /// Visa status at the time asked. 签证状态。
    async fn visa_status(&self) -> VisaStatus {
        self.status.visa_status.into()
    }

    /// The managing unit (具体负责管理单位) at the time asked. 具体负责管理单位。
    async fn managing_unit(&self, ctx: &Context<'_>) -> Result<Option<OrganizationRef>> {
        match self.status.managing_organization_id {
            Some(id) => organization(ctx, id).await,
            None => Ok(None),
        }
    }

    /// Documents: the passport, visas and permits (numbers masked for leaders), each once
    /// with every source that gave it. 证件（每个证件列一次，附全部来源）。
    async fn documents(&self, ctx: &Context<'_>) -> Result<Vec<Document>> {
        // Every row naming the person gives their passport.
        let named = self.own_source_rows(ctx).await?;
        let passport = (!named.is_empty()).then(|| Document {
            kind: "passport".to_owned(),
            number: Some(self.number(&self.model.document_number)),
            passport_number: None,
            issuing_nationality: self.model.nationality.clone(),
            category: None,
            valid_until: None,
            source_row_ids: named,
        });
        let rows = self.shown::<identity_document::Entity>(ctx).await?;
        let documents = grouped(
            rows,
            |d| {
                (
                    d.kind.clone(),
                    d.number.clone(),
                    d.passport_number.clone(),
                    d.issuing_nationality.clone(),
                    d.category.clone(),
                    d.valid_until,
                )
            },
            |d| d.source_row_id,
        );
        Ok(passport
            .into_iter()
            .chain(documents.into_iter().map(|(d, source_row_ids)| Document {
                kind: d.kind,
                number: d.number.as_deref().map(|n| self.number(n)),
                passport_number: d.passport_number.as_deref().map(|n| self.number(n)),
                issuing_nationality: d.issuing_nationality,
                category: d.category,
                valid_until: d.valid_until,
                source_row_ids,
            }))
            .collect())
    }

    /// Affiliations with organisations begun by the person's `asOf`, one per organisation,
    /// role and period with every source that reported it; an end after `asOf` is not shown
    /// (it had not happened). 截至统计时点的所属关系（同一关系列一次，附全部来源）。
    async fn affiliations(&self, ctx: &Context<'_>) -> Result<Vec<Affiliation>> {
        let periods = self
            .periods::<affiliation::Entity>(ctx, |a| (a.since, a.until, a.ended_by_upload_id))
            .await?;
        let key = |(a, ended): &(affiliation::Model, _)| {
            (a.organization_id, a.role.clone(), a.since, *ended)
        };
        Ok(grouped(periods, key, |(a, _)| a.source_row_id)
            .into_iter()
            .map(|((a, ended), source_row_ids)| Affiliation {
                role: a.role,
                active: ended.is_none(),
                since: a.since,
                until: ended,
                ended_by_upload_id: ended.and(a.ended_by_upload_id).map(|id| ID(id.to_string())),
                organization_id: a.organization_id,
                source_row_ids,
            })
            .collect())
    }

    /// Hotel stays begun by the person's `asOf` (a check-out after it is not shown), one per
    /// hotel, check-in and check-out with every register that listed it. 截至统计时点的住宿记录（同一住宿列一次）。
    async fn stays(&self, ctx: &Context<'_>) -> Result<Vec<Stay>> {
        let periods = self
            .periods::<stay::Entity>(ctx, |s| (s.check_in, s.check_out, s.ended_by_upload_id))
            .await?;
        let key = |(s, check_out): &(stay::Model, _)| (s.organization_id, s.check_in, *check_out);
        Ok(grouped(periods, key, |(s, _)| s.source_row_id)
            .into_iter()
            .map(|((s, check_out), source_row_ids)| Stay {
                check_in: s.check_in,
                check_out,
                organization_id: s.organization_id,
                source_row_ids,
            })
            .collect())
    }

    /// Arrivals and departures up to the person's `asOf`, oldest first. 截至统计时点的进出记录。
    async fn movements(&self, ctx: &Context<'_>) -> Result<Vec<Movement>> {
        let rows = self
            .up_to_as_of::<movement::Entity>(ctx, |m| m.occurred_at)
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| Movement {
                direction: if m.direction == "departure" {
                    Direction::Departure
                } else {
                    Direction::Arrival
                },
                occurred_at: m.occurred_at,
                carrier_number: m.carrier_number,
                origin: m.origin,
                destination: m.destination,
                source_row_id: m.source_row_id,
            })
            .collect())
    }

    /// Temperature checks up to the person's `asOf`, oldest first. 截至统计时点的体温检测记录。
    async fn health_checks(&self, ctx: &Context<'_>) -> Result<Vec<HealthCheck>> {
        let rows = self
            .up_to_as_of::<health_check::Entity>(ctx, |h| h.checked_at)
            .await?;
        Ok(rows
            .into_iter()
            .map(|h| HealthCheck {
                checked_at: h.checked_at,
                temperature: h.temperature,
                status: h.status,
                source_row_id: h.source_row_id,
            })
            .collect())
    }

    /// Warnings of the rows that name the person (stored, but to check: an ambiguous date,
    /// a value left empty, a person listed twice in a file …), each with its row; values
    /// are not shown to leaders. 本人来源行的警告（请核对）。
    async fn warnings(&self, ctx: &Context<'_>) -> Result<Vec<PersonWarning>> {
        let ids = self.own_source_rows(ctx).await?;
        let rows = load_many::<ProvenanceLoader>(ctx, ids.iter().copied()).await?;
        let mut warnings = Vec::new();
        for id in ids {
            let Some(p) = rows.get(&id) else { continue };
            for w in crate::service::uploads::warnings_of(&p.row) {
                warnings.push(PersonWarning {
                    column: w.column,
                    value: (!self.view.masked()).then_some(w.value),
                    code: w.code,
                    message: w.message,
                    source_row_id: id,
                });
            }
        }
        Ok(warnings)
    }

    /// Attributes sources disagree on, each value with its source (no date of birth for
    /// leaders). 来源冲突。
    async fn conflicts(&self, ctx: &Context<'_>) -> Result<Vec<Conflict>> {
        let rows = self.own_sources(ctx).await?;
        // Each value a source gave: (value, source row), by attribute.
        let mut by_attribute: BTreeMap<&str, Vec<(String, i64)>> = BTreeMap::new();
        for row in &rows {
            for (attribute, value) in PersonValues::of_source(row).given() {
                if !self.view.shows_attribute(attribute) {
                    continue;
                }
                by_attribute
                    .entry(attribute)
                    .or_default()
                    .push((value, row.source_row_id));
            }
        }
        let shown_value = |attribute: &str| -> Option<String> {
            match attribute {
                "latin_name" => self.model.latin_name.clone(),
                "chinese_name" => self.model.chinese_name.clone(),
                "sex" => self.model.sex.clone(),
                "birth_date" => self
                    .model
                    .birth_date
                    .map(|d| d.format("%Y-%m-%d").to_string()),
                _ => None,
            }
        };
        Ok(by_attribute
            .into_iter()
            .filter(|(_, values)| values.iter().any(|(value, _)| *value != values[0].0))
            .map(|(attribute, values)| {
                let shown = shown_value(attribute);
                Conflict {
                    values: values
                        .into_iter()
                        .map(|(value, source_row_id)| AttributeValue {
                            shown: shown.as_deref() == Some(value.as_str()),
                            value,
                            source_row_id,
                        })
                        .collect(),
                    attribute: attribute.to_owned(),
                }
            })
            .collect())
    }

    /// Records merged into this person by accepted merges (not undone); none for an
    /// uploader (a merge is the analysts' decision over every unit's rows). 已合并入本人的记录。
    async fn merged_records(&self, ctx: &Context<'_>) -> Result<Vec<MergedRecord>> {
        if self.view.unit().is_some() {
            return Ok(Vec::new());
        }
        let db = super::context::database(ctx)?;
        let records = crate::registry::merge_undo::merged_into(db, self.model.id)
            .await
            .map_err(HubError::from)
            .gql()?;
        Ok(records
            .into_iter()
            .map(|r| MergedRecord {
                merge_id: ID(r.merge_id.to_string()),
                person_id: ID(r.person_id.to_string()),
                document_number: self.number(&r.document_number),
                nationality: Nationality::of(&r.nationality),
                name: r.latin_name,
                merged_by: r.merged_by,
                merged_at: r.merged_at,
            })
            .collect())
    }

    /// Every source row that names the person. 所有来源。
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        let ids = self.own_source_rows(ctx).await?;
        sources(ctx, &ids).await
    }
}

/// What a page of people primes: the facts of its people, and the organisations and the
/// source rows (provenance) those facts name.
struct Page<'a, 'c> {
    ctx: &'a Context<'c>,
    /// The people of the page.
    ids: Vec<i64>,
    /// Whether the provenance of every fact decides whether it is shown.
    scoped: bool,
    organizations: Vec<i64>,
    rows: Vec<i64>,
}

impl Page<'_, '_> {
    /// Loads the page's facts of table `E` (one batch) into the request's loader cache.
    async fn load<E>(&self) -> Result<Vec<E::Model>>
    where
        E: PersonFact + Send + Sync + 'static,
        E::Model: Send + Sync + Clone + 'static,
    {
        let loaded = super::loaders::prime::<ByPerson<E>>(self.ctx, self.ids.clone()).await?;
        Ok(loaded.into_values().flatten().collect())
    }

    /// Whether the provenance of the facts of `field` is needed: asked for (`source` or
    /// `sources`), or to keep them.
    fn provenance(&self, field: &Lookahead<'_>) -> bool {
        self.scoped || field.field("source").exists() || field.field("sources").exists()
    }

    /// The page's facts of table `E` when the query asks for `field` (none otherwise),
    /// their source rows noted when their provenance is needed.
    async fn facts<E>(&mut self, field: &Lookahead<'_>) -> Result<Vec<E::Model>>
    where
        E: PersonFact + Send + Sync + 'static,
        E::Model: Send + Sync + Clone + 'static,
    {
        if !field.exists() {
            return Ok(Vec::new());
        }
        let facts = self.load::<E>().await?;
        if self.provenance(field) {
            self.rows.extend(facts.iter().map(E::source_row_of));
        }
        Ok(facts)
    }
}

/// Loads, for a whole page, every relation the query asks of its people (one batch per
/// relation), so that each person's resolvers then read the request's loader cache: the
/// statements of a page do not grow with its size. `node` is the look-ahead at a person.
pub async fn prime_page(ctx: &Context<'_>, node: Lookahead<'_>, people: &[Person]) -> Result<()> {
    // A unit view keeps only facts from its unit's uploads, and an answer known at a time
    // only those of uploads landed by then: their provenance is needed whether or not the
    // query asks for `source`.
    let mut page = Page {
        ctx,
        ids: people.iter().map(|p| p.model.id).collect(),
        scoped: people.iter().any(|p| p.facts().by_provenance()),
        organizations: Vec::new(),
        rows: Vec::new(),
    };
    if node.field("managingUnit").exists() {
        page.organizations.extend(
            people
                .iter()
                .filter_map(|p| p.status.managing_organization_id),
        );
    }
    let documents = node.field("documents");
    let named = node.field("sources");
    let conflicts = node.field("conflicts");
    let warnings = node.field("warnings");
    if documents.exists() || named.exists() || conflicts.exists() || warnings.exists() {
        let sources = page.load::<person_source::Entity>().await?;
        // The rows naming a person are kept by their provenance too (a unit view, `knownAt`).
        if page.provenance(&documents)
            || named.exists()
            || warnings.exists()
            || conflicts.field("values").field("source").exists()
        {
            page.rows.extend(sources.iter().map(|s| s.source_row_id));
        }
    }
    page.facts::<identity_document::Entity>(&documents).await?;
    let affiliations = node.field("affiliations");
    let facts = page.facts::<affiliation::Entity>(&affiliations).await?;
    if affiliations.field("organization").exists() {
        page.organizations
            .extend(facts.iter().map(|a| a.organization_id));
    }
    let stays = node.field("stays");
    let facts = page.facts::<stay::Entity>(&stays).await?;
    if stays.field("hotel").exists() {
        page.organizations
            .extend(facts.iter().map(|s| s.organization_id));
    }
    page.facts::<movement::Entity>(&node.field("movements"))
        .await?;
    page.facts::<health_check::Entity>(&node.field("healthChecks"))
        .await?;
    if !page.organizations.is_empty() {
        super::loaders::prime::<OrganizationLoader>(ctx, page.organizations).await?;
    }
    if !page.rows.is_empty() {
        super::loaders::prime::<ProvenanceLoader>(ctx, page.rows).await?;
    }
    Ok(())
}
