//! DataLoaders: nested lists of a page of people load in one statement per relation,
//! whatever the page size.
//!
//! Every request gets its own loaders with a cache ([`with_loaders`]): a list resolver
//! loads a relation for the whole page at once (one batch, one statement) and the nested
//! resolvers of each person then read the cache. Batching by a timer alone would split a
//! page into several batches when resolving it takes longer than the timer.

use async_graphql::Request;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    affiliation, health_check, identity_document, member_unit, movement, organization,
    person_source, source_row, stay, upload,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

/// A fact table whose rows belong to a person.
pub trait PersonFact: EntityTrait {
    /// The `person_id` column.
    fn person_column() -> Self::Column;
    /// The column facts are listed by (time, then id).
    fn order_column() -> Self::Column;
    /// The person a row belongs to.
    fn person_of(model: &Self::Model) -> i64;
    /// The source row that gave a row.
    fn source_row_of(model: &Self::Model) -> i64;
}

macro_rules! person_fact {
    ($module:ident, $order:ident) => {
        impl PersonFact for $module::Entity {
            fn person_column() -> Self::Column {
                $module::Column::PersonId
            }
            fn order_column() -> Self::Column {
                $module::Column::$order
            }
            fn person_of(model: &Self::Model) -> i64 {
                model.person_id
            }
            fn source_row_of(model: &Self::Model) -> i64 {
                model.source_row_id
            }
        }
    };
}

person_fact!(identity_document, Id);
person_fact!(affiliation, Id);
person_fact!(movement, OccurredAt);
person_fact!(stay, Id);
person_fact!(health_check, CheckedAt);
person_fact!(person_source, Id);

/// Loads the rows of one fact table for many people at once.
pub struct ByPerson<E> {
    db: DatabaseConnection,
    entity: PhantomData<E>,
}

impl<E> ByPerson<E> {
    /// A loader over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            entity: PhantomData,
        }
    }
}

impl<E> Loader<i64> for ByPerson<E>
where
    E: PersonFact + Send + Sync + 'static,
    E::Model: Send + Sync + Clone + 'static,
{
    type Value = Vec<E::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        // Ordered by person first: the index on `person_id` then serves both the filter
        // and the order. Ordered by `id` alone, PostgreSQL without fresh statistics (right
        // after a large upload) walked the whole primary key instead.
        let rows = E::find()
            .filter(E::person_column().is_in(keys.iter().copied()))
            .order_by_asc(E::person_column())
            .order_by_asc(E::order_column())
            .all(&self.db)
            .await
            .map_err(Arc::new)?;
        // Every key gets an entry, empty when the person has no such fact, so that the
        // request's cache answers for them too.
        let mut map: HashMap<i64, Vec<E::Model>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            map.entry(E::person_of(&row)).or_default().push(row);
        }
        Ok(map)
    }
}

/// The rows of `E` whose `column` (its id) is one of `ids`, by id.
async fn by_id<E: EntityTrait>(
    db: &DatabaseConnection,
    column: E::Column,
    ids: impl IntoIterator<Item = i64>,
    id_of: impl Fn(&E::Model) -> i64,
) -> Result<HashMap<i64, E::Model>, Arc<DbErr>> {
    Ok(E::find()
        .filter(column.is_in(ids))
        .all(db)
        .await
        .map_err(Arc::new)?
        .into_iter()
        .map(|row| (id_of(&row), row))
        .collect())
}

/// A loader of the rows of one table by id (`$module::Column::Id`).
macro_rules! by_id_loader {
    ($(#[$doc:meta])* $loader:ident, $module:ident) => {
        $(#[$doc])*
        pub struct $loader(pub DatabaseConnection);

        impl Loader<i64> for $loader {
            type Value = $module::Model;
            type Error = Arc<DbErr>;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                let ids = keys.iter().copied();
                by_id::<$module::Entity>(&self.0, $module::Column::Id, ids, |row| row.id).await
            }
        }
    };
}

by_id_loader!(
    /// Loads organisations by id.
    OrganizationLoader,
    organization
);
by_id_loader!(
    /// Loads uploads by id.
    UploadLoader,
    upload
);

/// Where a fact came from: the row, its upload and the unit that uploaded it.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The source row.
    pub row: source_row::Model,
    /// Its upload.
    pub upload: upload::Model,
    /// The uploading unit.
    pub unit: member_unit::Model,
}

/// Loads provenance by source-row id (three statements for any number of rows).
pub struct ProvenanceLoader(pub DatabaseConnection);

impl Loader<i64> for ProvenanceLoader {
    type Value = Provenance;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let db = &self.0;
        let rows =
            by_id::<source_row::Entity>(db, source_row::Column::Id, keys.iter().copied(), |r| r.id)
                .await?;
        let upload_ids = rows.values().map(|r| r.upload_id);
        let uploads = by_id::<upload::Entity>(db, upload::Column::Id, upload_ids, |u| u.id).await?;
        let unit_ids = uploads.values().map(|u| u.member_unit_id);
        let units =
            by_id::<member_unit::Entity>(db, member_unit::Column::Id, unit_ids, |u| u.id).await?;
        Ok(rows
            .into_values()
            .filter_map(|row| {
                let upload = uploads.get(&row.upload_id)?.clone();
                let unit = units.get(&upload.member_unit_id)?.clone();
                Some((row.id, Provenance { row, upload, unit }))
            })
            .collect())
    }
}

/// Loads what member units have sent (two statements for all units).
pub struct UnitActivityLoader(pub DatabaseConnection);

impl Loader<i64> for UnitActivityLoader {
    type Value = crate::registry::units::UnitActivity;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut all = crate::registry::units::activity(&self.0)
            .await
            .map_err(Arc::new)?;
        Ok(keys
            .iter()
            .filter_map(|k| Some((*k, all.remove(k)?)))
            .collect())
    }
}

/// A request's loader of `L`, with a cache for the request's lifetime.
pub type Cached<L> = DataLoader<L, HashMapCache>;

/// The request's loader of `L`.
pub fn loader<'a, L: Loader<i64>>(
    ctx: &async_graphql::Context<'a>,
) -> async_graphql::Result<&'a Cached<L>> {
    ctx.data::<Cached<L>>().map_err(|e| {
        crate::error::HubError::Internal(format!("request has no loader: {}", e.message))
            .into_graphql()
    })
}

/// A loader's database error as the API reports it.
fn loader_error(e: Arc<DbErr>) -> async_graphql::Error {
    crate::error::HubError::Internal(format!("loader: {e}")).into_graphql()
}

/// Loads `key` with the request's loader of `L` (batched with the request's other loads,
/// answered from its cache when already loaded).
pub async fn load_one<L>(
    ctx: &async_graphql::Context<'_>,
    key: i64,
) -> async_graphql::Result<Option<L::Value>>
where
    L: Loader<i64, Error = Arc<DbErr>>,
{
    loader::<L>(ctx)?.load_one(key).await.map_err(loader_error)
}

/// Loads `keys` with the request's loader of `L`, by key (keys not found left out).
pub async fn load_many<L>(
    ctx: &async_graphql::Context<'_>,
    keys: impl IntoIterator<Item = i64>,
) -> async_graphql::Result<HashMap<i64, L::Value>>
where
    L: Loader<i64, Error = Arc<DbErr>>,
{
    loader::<L>(ctx)?
        .load_many(keys)
        .await
        .map_err(loader_error)
}

/// Loads `keys` with the request's loader of `L` right away and keeps the answers in its
/// cache. A page knows up front everything its nested lists will ask for, so it need not
/// wait out the loader's batching delay (a millisecond per relation) as `load_many` does.
pub async fn prime<'a, L>(
    ctx: &async_graphql::Context<'a>,
    mut keys: Vec<i64>,
) -> async_graphql::Result<HashMap<i64, L::Value>>
where
    L: Loader<i64, Error = Arc<DbErr>>,
{
    keys.sort_unstable();
    keys.dedup();
    let cached = loader::<L>(ctx)?;
    let values = cached.loader().load(&keys).await.map_err(loader_error)?;
    cached.feed_many(values.clone()).await;
    Ok(values)
}

fn cached<L: Loader<i64>>(loader: L) -> Cached<L> {
    DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
}

/// `request` with fresh loaders over `db`, each with a cache for the request's lifetime.
pub fn with_loaders(request: Request, db: &DatabaseConnection) -> Request {
    request
        .data(cached(ByPerson::<identity_document::Entity>::new(
            db.clone(),
        )))
        .data(cached(ByPerson::<affiliation::Entity>::new(db.clone())))
        .data(cached(ByPerson::<movement::Entity>::new(db.clone())))
        .data(cached(ByPerson::<stay::Entity>::new(db.clone())))
        .data(cached(ByPerson::<health_check::Entity>::new(db.clone())))
        .data(cached(ByPerson::<person_source::Entity>::new(db.clone())))
        .data(cached(OrganizationLoader(db.clone())))
        .data(cached(ProvenanceLoader(db.clone())))
        .data(cached(UploadLoader(db.clone())))
        .data(cached(UnitActivityLoader(db.clone())))
}
