//! Subscriptions over the GraphQL websocket protocols (`graphql-transport-ws` and
//! `graphql-ws`, at `GET /graphql/ws`): `uploadLanded` and `figuresChanged`, so a
//! dashboard updates when a unit's upload lands instead of polling.
//!
//! Both watch the store, not the process: an upload landed by any hub instance on the same
//! database is seen (within [`POLL`]). The token is checked when the connection opens and
//! the role when a subscription starts, as for queries.

use std::sync::Arc;
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

/// How often a subscription looks at the store.
pub const POLL: Duration = Duration::from_secs(2);

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
        let unit = grant.restricted_to().map(|u| u.id);
        let db = database(ctx)?.clone();
        let start = latest_upload(&db)
            .await
            .map_err(crate::error::HubError::from)?;
        Ok(futures::stream::unfold(
            (db, start, Vec::<UploadLanded>::new()),
            move |(db, mut seen, mut pending)| async move {
                loop {
                    if !pending.is_empty() {
                        let next = pending.remove(0);
                        return Some((next, (db, seen, pending)));
                    }
                    tokio::time::sleep(POLL).await;
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
        let db = database(ctx)?.clone();
        let tz = timezone(ctx);
        let cache: Arc<CityCache> = Arc::clone(ctx.data::<Arc<CityCache>>()?);
        Ok(futures::stream::unfold(
            (db, cache, None),
            move |(db, cache, mut version)| async move {
                loop {
                    if version.is_some() {
                        tokio::time::sleep(POLL).await;
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
                        Ok(o) => {
                            let figures = Overview {
                                as_of: at,
                                known_people: o.known_people,
                                present_people: o.present_people,
                                countries: o.countries,
                                managing_units: o.managing_units,
                                arrivals: o.arrivals,
                                departures: o.departures,
                                expiring_visas: o.expiring_visas,
                                expired_visas: o.expired_visas,
                            };
                            return Some((figures, (db, cache, Some(now))));
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
