//! Lists of people, one person and group-by counts, for a principal: the policy, the unit
//! scope of an uploader, the view, and the audit entry.

use chrono::{DateTime, Utc};
use entity::{person, person_source};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::audit::Read;
use super::query::{MAX_ANALYST_PAGE, MAX_PAGE, PersonLookup, PersonQuery, Presence};
use super::view::PersonView;
use super::{People, shown};
use crate::auth::{Access, Grant, Operation, Principal};
use crate::derived::{self, Count, Dimension, PersonFilter, PersonStatus};
use crate::error::HubError;

/// A person as the caller may see them: the stored person (for an uploader, with the
/// values of its unit's own rows), the derived status at the time asked, and the view
/// that every further value (documents, facts, sources) is shown through.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    /// The person (values already those the view may see).
    pub model: person::Model,
    /// Derived facts at the time asked (from all facts, whatever the view).
    pub status: PersonStatus,
    /// The time asked.
    pub as_of: DateTime<Utc>,
    /// When answered from the uploads landed by a time: that time (values and every
    /// nested fact are then those such uploads gave).
    pub known_at: Option<DateTime<Utc>>,
    /// What of the person the caller may see.
    pub view: PersonView,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct PeoplePage {
    /// The people of the page.
    pub people: Vec<PersonRecord>,
    /// How many people match.
    pub total: i64,
    /// Whether more follow.
    pub has_next: bool,
    /// The cursor of each person (to continue after them).
    pub cursors: Vec<crate::derived::Cursor>,
    /// The presence the list is limited to: `Some(true)` present people (the default),
    /// `Some(false)` people away, `None` everyone.
    pub present: Option<bool>,
}

/// The filter actually run for a grant: the caller's, read for the unit's own uploads when
/// the grant is restricted to a unit.
pub fn scoped(filter: PersonFilter, grant: &Grant) -> PersonFilter {
    PersonFilter {
        own_unit: grant.restricted_to().map(|unit| unit.id),
        ..filter
    }
}

/// Most people a page may hold for `grant`: [`MAX_ANALYST_PAGE`] when it reads everyone in
/// full, else [`MAX_PAGE`].
pub fn page_limit(grant: &Grant) -> u64 {
    if grant.access() == Access::Full {
        MAX_ANALYST_PAGE
    } else {
        MAX_PAGE
    }
}

/// Refuses a filter that searches by name or document number when the principal may not.
fn check_search(principal: &Principal, searches: bool) -> Result<(), HubError> {
    if searches {
        principal.authorize(Operation::SearchPeople)?;
    }
    Ok(())
}

/// The grant of `operation` over the people `filter` names: `FORBIDDEN` when the principal
/// may not (or may not search, when the filter searches), `BAD_INPUT` for a malformed
/// condition.
pub(super) fn authorize_filter(
    principal: &Principal,
    operation: Operation,
    filter: &PersonFilter,
) -> Result<Grant, HubError> {
    let grant = principal.authorize(operation)?;
    check_search(principal, filter.searches())?;
    filter
        .conditions
        .check()
        .map_err(|e| HubError::BadInput(e.0))?;
    Ok(grant)
}

/// The filter a count for `principal` runs: the counting policy over `filter`
/// ([`authorize_filter`]), `presence`'s default, the unit scope ([`scoped`]).
pub(super) fn count_filter(
    principal: &Principal,
    filter: PersonFilter,
    presence: Presence,
) -> Result<PersonFilter, HubError> {
    let grant = authorize_filter(principal, Operation::ReadCounts, &filter)?;
    Ok(scoped(presence.count_filter(filter), &grant))
}

impl People<'_> {
    /// How many people match `filter` as of `as_of` (through the cache when there is one).
    async fn total(&self, filter: &PersonFilter, as_of: DateTime<Utc>) -> Result<i64, HubError> {
        Ok(match self.cache {
            Some(cache) => cache.total(self.db, filter, as_of, self.tz).await?,
            None => derived::people::count(self.db, filter, as_of, self.tz).await?,
        })
    }

    /// The records of `people` with their statuses, as `view` shows them (from the
    /// uploads landed by `known_at` when given).
    pub(super) async fn records(
        &self,
        people: Vec<(person::Model, PersonStatus)>,
        view: PersonView,
        as_of: DateTime<Utc>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<PersonRecord>, HubError> {
        let (models, statuses): (Vec<person::Model>, Vec<PersonStatus>) =
            people.into_iter().unzip();
        let rows = shown::Rows {
            unit: view.unit(),
            known_at,
        };
        let models = shown::values_of(self.db, rows, models).await?;
        Ok(models
            .into_iter()
            .zip(statuses)
            .map(|(model, status)| PersonRecord {
                model,
                status,
                as_of,
                known_at,
                view,
            })
            .collect())
    }

    /// The records of the people `ids` (one each; an id the store does not hold is left
    /// out) with their statuses as of `as_of`, as `view` shows them.
    pub(super) async fn records_of(
        &self,
        ids: &[i64],
        view: PersonView,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<PersonRecord>, HubError> {
        let models = person::Entity::find()
            .filter(person::Column::Id.is_in(ids.iter().copied()))
            .all(self.db)
            .await?;
        let statuses = derived::statuses(self.db, ids, as_of, self.tz).await?;
        let people = derived::status::with_statuses(models, statuses, false);
        self.records(people, view, as_of, None).await
    }

    /// A page of the people matching `query` that `principal` may read; the read is
    /// audited. Searching needs the search permission; an uploader reads its own people
    /// through its own facts; a leader's view is masked.
    pub async fn list(
        &self,
        principal: &Principal,
        query: PersonQuery,
    ) -> Result<PeoplePage, HubError> {
        let grant = authorize_filter(principal, Operation::ReadPeople, &query.filter)?;
        let page = query.page.at_most(page_limit(&grant))?;
        let view = PersonView::of(&grant);
        let filter = scoped(query.presence.list_filter(query.filter), &grant);
        let total = self.total(&filter, query.as_of).await?;
        let sort = derived::Sort {
            order: query.order,
            descending: query.descending,
        };
        let page = derived::people::page(
            self.db,
            &filter,
            sort,
            (page.first, &query.start),
            (query.as_of, self.tz),
            total,
        )
        .await
        .map_err(|e| match e {
            sea_orm::DbErr::Custom(message) if message == derived::people::BAD_CURSOR => {
                HubError::BadInput(format!("{message} / 游标与当前列表或排序不符"))
            }
            other => other.into(),
        })?;
        let people = self
            .records(page.people, view, query.as_of, filter.known_at)
            .await?;
        let ids: Vec<i64> = people.iter().map(|p| p.model.id).collect();
        let read = Read::Page {
            ids: &ids,
            total: page.total,
        };
        self.audit(principal, read, view.masked()).await?;
        Ok(PeoplePage {
            people,
            cursors: page.cursors,
            total: page.total,
            has_next: page.has_next,
            present: query.presence.as_option(),
        })
    }

    /// One person, when `principal` may read them (an uploader only its own people: any
    /// other is as if unknown); the read is audited. With `known_at`, the person as the
    /// uploads landed by then gave them (none when no such upload named them).
    pub async fn find(
        &self,
        principal: &Principal,
        lookup: PersonLookup,
        as_of: DateTime<Utc>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Option<PersonRecord>, HubError> {
        let grant = principal.authorize(Operation::ReadPeople)?;
        check_search(principal, lookup.searches())?;
        let view = PersonView::of(&grant);
        let model = match lookup {
            PersonLookup::Id(id) => person::Entity::find_by_id(id).one(self.db).await?,
            PersonLookup::Document {
                number,
                nationality,
            } => {
                let nationality = importers::normalize::nationality(&nationality)
                    .map(|c| c.alpha3.to_owned())
                    .unwrap_or_else(|| nationality.trim().to_uppercase());
                let number = importers::normalize::document_number(&number);
                let found = person::Entity::find()
                    .filter(person::Column::DocumentNumber.eq(number.clone()))
                    .filter(person::Column::Nationality.eq(nationality.clone()))
                    .one(self.db)
                    .await?;
                match found {
                    Some(found) => Some(found),
                    // A record merged into another: the person it is now part of.
                    None => match crate::registry::merge_undo::find(self.db, &number, &nationality)
                        .await?
                    {
                        Some(merged) => {
                            person::Entity::find_by_id(merged.survivor_id)
                                .one(self.db)
                                .await?
                        }
                        None => None,
                    },
                }
            }
        };
        let Some(model) = model else {
            return Ok(None);
        };
        if let Some(unit) = view.unit()
            && person_source::Entity::find()
                .filter(person_source::Column::PersonId.eq(model.id))
                .filter(person_source::Column::MemberUnitId.eq(unit))
                .count(self.db)
                .await?
                == 0
        {
            // Another unit's person: as if unknown.
            return Ok(None);
        }
        self.audit(principal, Read::Person(model.id), view.masked())
            .await?;
        let mut statuses =
            derived::status::statuses_known(self.db, &[model.id], as_of, known_at, self.tz).await?;
        let status = match (statuses.remove(&model.id), known_at) {
            (Some(status), _) => status,
            // No upload landed by then named the person.
            (None, Some(_)) => return Ok(None),
            (None, None) => {
                return Err(HubError::Internal(format!(
                    "no derived facts for person {}",
                    model.id
                )));
            }
        };
        Ok(self
            .records(vec![(model, status)], view, as_of, known_at)
            .await?
            .pop())
    }

    /// People matching `filter` of `presence` (by default present people) grouped by
    /// `dimension`, largest group first; an uploader counts its own people through its own facts (its reporting unit alone).
    pub async fn counts(
        &self,
        principal: &Principal,
        dimension: Dimension,
        filter: PersonFilter,
        presence: Presence,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<Count>, HubError> {
        let filter = count_filter(principal, filter, presence)?;
        let mut counts = match self.cache {
            Some(cache) => {
                cache
                    .counts_by(self.db, dimension, &filter, as_of, self.tz)
                    .await?
            }
            None => derived::counts_by(self.db, dimension, &filter, as_of, self.tz).await?,
        };
        if dimension == Dimension::Nationality {
            // Countries by their Chinese names.
            for count in &mut counts {
                count.label = importers::countries::by_alpha3(&count.key)
                    .map_or_else(|| count.key.clone(), |country| country.name_zh.to_owned());
            }
        }
        Ok(counts)
    }
}
