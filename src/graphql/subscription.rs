//! Subscriptions over the GraphQL websocket protocols (`graphql-transport-ws` and
//! `graphql-ws`, at `GET /graphql/ws`): `uploadLanded` and `figuresChanged`, so a
//! dashboard updates when a unit's upload lands instead of polling.
//!
//! Both are woken when the store changes: at once after a write commits on this instance
//! and, on PostgreSQL, at the notification of a write on any instance
//! ([`crate::derived::notify`]); failing that they look at the store every
//! `graphql.subscription_fallback_secs` (another instance on SQLite). The token is checked
//! when the connection opens and again while it stays open (the websocket handler closes
//! the connection when it is revoked or expires), the role when a subscription starts, as
//! for queries; a connection holds at most `graphql.subscriptions_per_connection`
//! subscriptions ([`ConnectionLimits`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_graphql::{Context, ID, Result, SimpleObject, Subscription as GqlSubscription};
use chrono::{DateTime, Utc};
use entity::{member_unit, upload};
use futures::Stream;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::city::Overview;
use super::context::{authorize, database, timezone};
use crate::auth::Operation;
use crate::derived::CityCache;
use crate::derived::cache::store_version;
use crate::derived::notify::wait_for_change;
use crate::error::{GqlResultExt, HubError};

/// How long a subscription run without a websocket connection's limits waits at most
/// between two looks at the store.
pub const POLL: Duration = Duration::from_secs(2);

/// What a websocket connection allows its subscriptions: at most `limit` at once, and how
/// long each waits at most between two looks at the store. The websocket handler puts it
/// in the connection's data; a subscription run without it has no limit and waits [`POLL`].
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    open: Arc<AtomicUsize>,
    limit: usize,
    fallback: Duration,
}

impl ConnectionLimits {
    /// Limits of a new connection.
    pub fn new(limit: usize, fallback: Duration) -> Self {
        Self {
            open: Arc::new(AtomicUsize::new(0)),
            limit,
            fallback,
        }
    }

    /// A place for one more subscription, or `TOO_MANY_SUBSCRIPTIONS`.
    fn slot(&self) -> Result<Slot, HubError> {
        self.open
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.limit).then_some(n + 1)
            })
            .map(|_| Slot(Arc::clone(&self.open)))
            .map_err(|_| {
                HubError::TooManySubscriptions(format!(
                    "this connection holds {limit} subscriptions, the most it may: complete one or open another connection / 本连接的订阅数已达上限（{limit}个），请先结束一个订阅",
                    limit = self.limit
                ))
            })
    }
}

/// A subscription's place in its connection, given back when the subscription ends.
#[derive(Debug)]
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A subscription's place (when its connection limits them) and its fallback wait.
fn open(ctx: &Context<'_>) -> Result<(Option<Slot>, Duration)> {
    match ctx.data_opt::<ConnectionLimits>() {
        Some(limits) => Ok((Some(limits.slot().gql()?), limits.fallback)),
        None => Ok((None, POLL)),
    }
}

/// An upload that landed. 已入库的上传。
#[derive(Debug, Clone, SimpleObject)]
pub struct UploadLanded {
    /// The upload. 上传编号。
    pub upload_id: ID,
    /// Code of the member unit that uploaded. 上传单位代码。
    pub unit_code: String,
    /// Source kind. 数据类型。
    pub kind: String,
    /// Rows accepted. 导入行数。
    pub accepted_rows: i32,
    /// Rows rejected. 未导入行数。
    pub rejected_rows: i32,
    /// When. 上传时间。
    pub uploaded_at: DateTime<Utc>,
}

/// The subscription root. 订阅。
#[derive(Debug, Default, Clone, Copy)]
pub struct Subscription;

/// Uploads landed after `after` (ids), of `unit` alone when given, oldest first.
async fn landed_since(
    db: &DatabaseConnection,
    after: i64,
    unit: Option<i64>,
) -> Result<Vec<UploadLanded>, sea_orm::DbErr> {
    let mut query = upload::Entity::find()
        .filter(upload::Column::Id.gt(after))
        .filter(upload::Column::Status.eq("imported"))
        .order_by_asc(upload::Column::Id);
    if let Some(unit) = unit {
        query = query.filter(upload::Column::MemberUnitId.eq(unit));
    }
    let uploads = query.all(db).await?;
    let units = member_unit::Entity::find().all(db).await?;
    Ok(uploads
        .into_iter()
        .map(|u| UploadLanded {
            upload_id: ID(u.id.to_string()),
            unit_code: units
                .iter()
                .find(|m| m.id == u.member_unit_id)
                .map(|m| m.code.clone())
                .unwrap_or_default(),
            kind: u.kind,
            accepted_rows: u.accepted_rows,
            rejected_rows: u.rejected_rows,
            uploaded_at: u.uploaded_at,
        })
        .collect())
}

/// The latest upload id in the store.
async fn latest_upload(db: &DatabaseConnection) -> Result<i64, sea_orm::DbErr> {
    Ok(upload::Entity::find()
        .order_by_desc(upload::Column::Id)
        .one(db)
        .await?
        .map_or(0, |u| u.id))
}

#[GqlSubscription]
impl Subscription {
    /// Each upload as it lands (from the moment of subscribing): an uploader's own unit's,
    /// everyone else's all. 每次上传入库时推送（上传员仅本单位）。
    async fn upload_landed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = UploadLanded>> {
        let grant = authorize(ctx, Operation::ReadUploads)?;
        let (slot, fallback) = open(ctx)?;
        let unit = grant.restricted_to().map(|u| u.id);
        let db = database(ctx)?.clone();
        // Told of changes from before the starting point on: none is missed.
        let told = ctx.data::<Arc<CityCache>>()?.changes.subscribe();
        let start = latest_upload(&db).await.map_err(HubError::from).gql()?;
        Ok(futures::stream::unfold(
            (db, start, Vec::<UploadLanded>::new(), told, slot),
            move |(db, mut seen, mut pending, mut told, slot)| async move {
                loop {
                    if !pending.is_empty() {
                        let next = pending.remove(0);
                        return Some((next, (db, seen, pending, told, slot)));
                    }
                    wait_for_change(&mut told, fallback).await;
                    match landed_since(&db, seen, unit).await {
                        Ok(found) => {
                            if let Some(last) = found.last() {
                                seen = last.upload_id.parse().unwrap_or(seen);
                            }
                            pending = found;
                        }
                        Err(error) => tracing::warn!(%error, "uploadLanded cannot read uploads"),
                    }
                }
            },
        ))
    }

    /// The headline figures now, then again each time the store changes (an upload, a
    /// merge, on any hub instance). 总体情况：订阅时推送一次，此后数据变化时推送。
    async fn figures_changed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = Overview>> {
        authorize(ctx, Operation::ReadFigures)?;
        let (slot, fallback) = open(ctx)?;
        let db = database(ctx)?.clone();
        let tz = timezone(ctx);
        let cache: Arc<CityCache> = Arc::clone(ctx.data::<Arc<CityCache>>()?);
        let told = cache.changes.subscribe();
        Ok(futures::stream::unfold(
            (db, cache, None, told, slot),
            move |(db, cache, mut version, mut told, slot)| async move {
                loop {
                    if version.is_some() {
                        wait_for_change(&mut told, fallback).await;
                    }
                    let now = match store_version(&db).await {
                        Ok(now) => now,
                        Err(error) => {
                            tracing::warn!(%error, "figuresChanged cannot read the store");
                            version = version.or(Some((0, 0, 0)));
                            continue;
                        }
                    };
                    if version == Some(now) {
                        continue;
                    }
                    let at = Utc::now();
                    match cache.overview(&db, at, tz).await {
                        Ok(figures) => {
                            let figures = Overview { as_of: at, figures };
                            return Some((figures, (db, cache, Some(now), told, slot)));
                        }
                        Err(error) => {
                            tracing::warn!(%error, "figuresChanged cannot compute the figures");
                            version = Some(now);
                        }
                    }
                }
            },
        ))
    }
}
