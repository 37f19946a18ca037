//! A person as the API shows them: who they are, their documents, affiliations, stays,
//! movements and checks, what sources disagree on, and where every fact came from.

use async_graphql::{ComplexObject, Context, Enum, ID, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    affiliation, health_check, identity_document, movement, organization, person, person_source,
    stay,
};
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use super::loaders::{ByPerson, OrganizationLoader, Provenance, ProvenanceLoader};
use super::view::{Facts, PersonView};
use super::warnings::PersonWarning;
use crate::derived::PersonStatus;
use crate::error::{GqlResultExt, HubError};
use crate::registry::shown::PersonValues;

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
    let loader = super::loaders::loader::<ProvenanceLoader>(ctx)?;
    Ok(loader
        .load_one(source_row_id)
        .await
        .map_err(db_error)
        .gql()?
        .map(Source::from))
}

/// Loads an organisation.
pub(super) async fn organization(ctx: &Context<'_>, id: i64) -> Result<Option<OrganizationRef>> {
    let loader = super::loaders::loader::<OrganizationLoader>(ctx)?;
    Ok(loader
        .load_one(id)
        .await
        .map_err(db_error)
        .gql()?
        .map(OrganizationRef::from))
}

fn db_error(e: std::sync::Arc<sea_orm::DbErr>) -> HubError {
    HubError::Internal(format!("loader: {e}"))
}

/// Loads the provenance of source rows, in the order given (rows not found left out).
pub(super) async fn sources(ctx: &Context<'_>, ids: &[i64]) -> Result<Vec<Source>> {
    let loader = super::loaders::loader::<ProvenanceLoader>(ctx)?;
    let mut found = loader
        .load_many(ids.iter().copied())
        .await
        .map_err(db_error)
        .gql()?;
    Ok(ids
        .iter()
        .filter_map(|id| found.remove(id))
        .map(Source::from)
        .collect())
}

/// Facts equal in their key, one entry each with the source rows of all of them, in the
/// order each first appears: the same affiliation reported by three units is one
/// affiliation with three sources.
fn grouped<K: Eq + Hash, T>(facts: impl IntoIterator<Item = (K, T, i64)>) -> Vec<(T, Vec<i64>)> {
    let mut index: HashMap<K, usize> = HashMap::new();
    let mut out: Vec<(T, Vec<i64>)> = Vec::new();
    for (key, fact, row) in facts {
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

#[ComplexObject]
impl Document {
    /// The first source that gave it. 数据来源（首个）。
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        first_source(ctx, &self.source_row_ids).await
    }

    /// Every source that gave it. 全部数据来源。
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        sources(ctx, &self.source_row_ids).await
    }
}

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

#[ComplexObject]
impl Affiliation {
    /// The organisation. 单位。
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<OrganizationRef>> {
        organization(ctx, self.organization_id).await
    }

    /// The first source that reported it. 数据来源（首个）。
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        first_source(ctx, &self.source_row_ids).await
    }

    /// Every source that reported it (upload, unit, row). 全部数据来源。
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        sources(ctx, &self.source_row_ids).await
    }
}

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

#[ComplexObject]
impl Stay {
    /// The hotel. 酒店/景区。
    async fn hotel(&self, ctx: &Context<'_>) -> Result<Option<OrganizationRef>> {
        organization(ctx, self.organization_id).await
    }

    /// The first source that listed it. 数据来源（首个）。
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        first_source(ctx, &self.source_row_ids).await
    }

    /// Every source that listed it. 全部数据来源。
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        sources(ctx, &self.source_row_ids).await
    }
}

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
/// Every field honours [`Person::view`]: a masked view (leaders) shows document numbers as
/// `M12****78` and no date of birth; a unit view (uploaders) shows only the values and facts
/// its own uploads gave (the model already carries its own values: see
/// [`crate::service::people::shown`]). With [`Person::known_at`] every value and fact is
/// what the uploads landed by then gave.
#[derive(Debug, Clone)]
pub struct Person {
    /// The stored person.
    pub model: person::Model,
    /// Derived facts at the time asked.
    pub status: PersonStatus,
    /// The time asked.
    pub as_of: DateTime<Utc>,
    /// Answer from the uploads landed by this time.
    pub known_at: Option<DateTime<Utc>>,
    /// What of the person the request may see.
    pub view: PersonView,
}

impl From<crate::service::people::PersonRecord> for Person {
    fn from(record: crate::service::people::PersonRecord) -> Self {
        Self {
            model: record.model,
            status: record.status,
            as_of: record.as_of,
            known_at: record.known_at,
            view: record.view,
        }
    }
}

/// Loads one fact table for a person through its DataLoader.
async fn facts<E>(ctx: &Context<'_>, person_id: i64) -> Result<Vec<E::Model>>
where
    E: super::loaders::PersonFact + Send + Sync + 'static,
    E::Model: Send + Sync + Clone + 'static,
{
    let loader = super::loaders::loader::<ByPerson<E>>(ctx)?;
    Ok(loader
        .load_one(person_id)
        .await
        .map_err(db_error)
        .gql()?
        .unwrap_or_default())
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
    async fn shown<E>(
        &self,
        ctx: &Context<'_>,
        row: impl Fn(&E::Model) -> i64,
    ) -> Result<Vec<E::Model>>
    where
        E: super::loaders::PersonFact + Send + Sync + 'static,
        E::Model: Send + Sync + Clone + 'static,
    {
        let rows = facts::<E>(ctx, self.model.id).await?;
        self.facts().keep(ctx, rows, row).await
    }

    /// The rows naming the person that the request shows (a unit view: its own unit's;
    /// with `known_at`: those of uploads landed by then).
    async fn own_sources(&self, ctx: &Context<'_>) -> Result<Vec<person_source::Model>> {
        self.shown::<person_source::Entity>(ctx, |s| s.source_row_id)
            .await
    }
}

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
        let named: Vec<i64> = self
            .own_sources(ctx)
            .await?
            .into_iter()
            .map(|s| s.source_row_id)
            .collect();
        let passport = (!named.is_empty()).then(|| Document {
            kind: "passport".to_owned(),
            number: Some(self.number(&self.model.document_number)),
            passport_number: None,
            issuing_nationality: self.model.nationality.clone(),
            category: None,
            valid_until: None,
            source_row_ids: named,
        });
        let rows = self
            .shown::<identity_document::Entity>(ctx, |d| d.source_row_id)
            .await?;
        let documents = grouped(rows.into_iter().map(|d| {
            let key = (
                d.kind.clone(),
                d.number.clone(),
                d.passport_number.clone(),
                d.issuing_nationality.clone(),
                d.category.clone(),
                d.valid_until,
            );
            let row = d.source_row_id;
            (key, d, row)
        }));
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
        let at = self.as_of;
        let facts = self.facts();
        let mut shown = Vec::new();
        for a in self
            .shown::<affiliation::Entity>(ctx, |a| a.source_row_id)
            .await?
        {
            if a.since.is_some_and(|s| s > at) {
                continue;
            }
            let ended = match a.until.filter(|u| *u <= at) {
                Some(until) if facts.knows_end(ctx, a.ended_by_upload_id).await? => Some(until),
                _ => None,
            };
            let key = (a.organization_id, a.role.clone(), a.since, ended);
            let row = a.source_row_id;
            shown.push((key, (a, ended), row));
        }
        Ok(grouped(shown)
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
        let at = self.as_of;
        let facts = self.facts();
        let mut shown = Vec::new();
        for s in self.shown::<stay::Entity>(ctx, |s| s.source_row_id).await? {
            if s.check_in.is_some_and(|c| c > at) {
                continue;
            }
            let check_out = match s.check_out.filter(|c| *c <= at) {
                Some(out) if facts.knows_end(ctx, s.ended_by_upload_id).await? => Some(out),
                _ => None,
            };
            let key = (s.organization_id, s.check_in, check_out);
            let row = s.source_row_id;
            shown.push((key, (s, check_out), row));
        }
        Ok(grouped(shown)
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
        let at = self.as_of;
        let rows = self
            .shown::<movement::Entity>(ctx, |m| m.source_row_id)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|m| m.occurred_at <= at)
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
        let at = self.as_of;
        let rows = self
            .shown::<health_check::Entity>(ctx, |h| h.source_row_id)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|h| h.checked_at <= at)
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
        let ids: Vec<i64> = self
            .own_sources(ctx)
            .await?
            .into_iter()
            .map(|s| s.source_row_id)
            .collect();
        let loader = super::loaders::loader::<ProvenanceLoader>(ctx)?;
        let rows = loader
            .load_many(ids.iter().copied())
            .await
            .map_err(db_error)
            .gql()?;
        let mut warnings = Vec::new();
        for id in ids {
            let Some(p) = rows.get(&id) else { continue };
            for w in crate::ingest::stored::warnings_of(&p.row) {
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
        let ids: Vec<i64> = self
            .own_sources(ctx)
            .await?
            .iter()
            .map(|r| r.source_row_id)
            .collect();
        sources(ctx, &ids).await
    }
}

/// Loads, for a whole page, every relation the query asks of its people (one batch per
/// relation), so that each person's resolvers then read the request's loader cache: the
/// statements of a page do not grow with its size. `node` is the look-ahead at a person.
pub async fn prime_page(
    ctx: &Context<'_>,
    node: async_graphql::Lookahead<'_>,
    people: &[Person],
) -> Result<()> {
    let ids: Vec<i64> = people.iter().map(|p| p.model.id).collect();
    // A unit view keeps only facts from its unit's uploads, and an answer known at a time
    // only those of uploads landed by then: their provenance is needed whether or not the
    // query asks for `source`.
    let scoped = people.iter().any(|p| p.facts().by_provenance());
    let mut organizations: Vec<i64> = Vec::new();
    let mut rows: Vec<i64> = Vec::new();
    if node.field("managingUnit").exists() {
        organizations.extend(
            people
                .iter()
                .filter_map(|p| p.status.managing_organization_id),
        );
    }
    async fn page_of<E>(ctx: &Context<'_>, ids: &[i64]) -> Result<Vec<E::Model>>
    where
        E: super::loaders::PersonFact + Send + Sync + 'static,
        E::Model: Send + Sync + Clone + 'static,
    {
        let loaded = super::loaders::prime::<ByPerson<E>>(ctx, ids.to_vec()).await?;
        Ok(loaded.into_values().flatten().collect())
    }
    // Whether a fact's provenance is asked (`source` or `sources`), or needed to keep it.
    let provenance = |field: &async_graphql::Lookahead<'_>| {
        scoped || field.field("source").exists() || field.field("sources").exists()
    };
    let documents = node.field("documents");
    let conflicts = node.field("conflicts");
    let warnings = node.field("warnings");
    if documents.exists()
        || node.field("sources").exists()
        || conflicts.exists()
        || warnings.exists()
    {
        let sources = page_of::<person_source::Entity>(ctx, &ids).await?;
        // The rows naming a person are kept by their provenance too (a unit view, `knownAt`).
        if provenance(&documents)
            || scoped
            || node.field("sources").exists()
            || warnings.exists()
            || conflicts.field("values").field("source").exists()
        {
            rows.extend(sources.iter().map(|s| s.source_row_id));
        }
    }
    if documents.exists() {
        let docs = page_of::<identity_document::Entity>(ctx, &ids).await?;
        if provenance(&documents) {
            rows.extend(docs.iter().map(|d| d.source_row_id));
        }
    }
    let affiliations = node.field("affiliations");
    if affiliations.exists() {
        let facts = page_of::<affiliation::Entity>(ctx, &ids).await?;
        if affiliations.field("organization").exists() {
            organizations.extend(facts.iter().map(|a| a.organization_id));
        }
        if provenance(&affiliations) {
            rows.extend(facts.iter().map(|a| a.source_row_id));
        }
    }
    let stays = node.field("stays");
    if stays.exists() {
        let facts = page_of::<stay::Entity>(ctx, &ids).await?;
        if stays.field("hotel").exists() {
            organizations.extend(facts.iter().map(|s| s.organization_id));
        }
        if provenance(&stays) {
            rows.extend(facts.iter().map(|s| s.source_row_id));
        }
    }
    let movements = node.field("movements");
    if movements.exists() {
        let facts = page_of::<movement::Entity>(ctx, &ids).await?;
        if provenance(&movements) {
            rows.extend(facts.iter().map(|m| m.source_row_id));
        }
    }
    let checks = node.field("healthChecks");
    if checks.exists() {
        let facts = page_of::<health_check::Entity>(ctx, &ids).await?;
        if provenance(&checks) {
            rows.extend(facts.iter().map(|h| h.source_row_id));
        }
    }
    if !organizations.is_empty() {
        super::loaders::prime::<OrganizationLoader>(ctx, organizations).await?;
    }
    if !rows.is_empty() {
        super::loaders::prime::<ProvenanceLoader>(ctx, rows).await?;
    }
    Ok(())
}
