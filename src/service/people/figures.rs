//! The city's figures for a principal: the headline figures (the dashboard and the daily
//! brief read them here, through the city cache when the caller keeps one, so the two never
//! disagree), cross counts by two dimensions and the present trend over a filtered set,
//! with the same policy, unit scope and presence default as the lists.

use chrono::{DateTime, NaiveDate, Utc};

use super::People;
use super::query::Presence;
use super::read::{authorize_filter, count_filter, scoped};
use crate::auth::{Operation, Principal};
use crate::derived::{self, Cell, Dimension, Overview, PersonFilter, TrendPoint};
use crate::error::HubError;

impl People<'_> {
    /// The headline figures as of `at` (`FORBIDDEN` for a role that may not read figures).
    pub async fn overview(
        &self,
        principal: &Principal,
        at: DateTime<Utc>,
    ) -> Result<Overview, HubError> {
        principal.authorize(Operation::ReadFigures)?;
        Ok(match self.cache {
            Some(cache) => cache.overview(self.db, at, self.tz).await?,
            None => derived::overview(self.db, at, self.tz).await?,
        })
    }

    /// People matching `filter` of `presence` counted by two dimensions (keys as
    /// [`People::counts`] gives them); an uploader counts its own people through its own
    /// facts. The cells of two dimensions that give each person one key (nationality,
    /// managing unit, visa status, organisation kind) sum to the people counted.
    pub async fn cross_counts(
        &self,
        principal: &Principal,
        (rows, columns): (Dimension, Dimension),
        filter: PersonFilter,
        presence: Presence,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<Cell>, HubError> {
        let filter = count_filter(principal, filter, presence)?;
        Ok(derived::cross_counts(self.db, (rows, columns), &filter, as_of, self.tz).await?)
    }

    /// Present people at the end of each day from `from` to `to`, never later than
    /// `until`: of everyone from the city timeline, of the people matching `filter` (when
    /// it holds a condition) in one SQL statement over every day.
    pub async fn present_trend(
        &self,
        principal: &Principal,
        filter: PersonFilter,
        (from, to): (NaiveDate, NaiveDate),
        until: DateTime<Utc>,
    ) -> Result<Vec<TrendPoint>, HubError> {
        let grant = authorize_filter(principal, Operation::ReadFigures, &filter)?;
        if filter == PersonFilter::default() {
            return Ok(match self.cache {
                Some(cache) => {
                    cache
                        .present_trend(self.db, from, to, until, self.tz)
                        .await?
                }
                None => derived::present_trend(self.db, from, to, until, self.tz).await?,
            });
        }
        let filter = scoped(Presence::Present.list_filter(filter), &grant);
        Ok(derived::filtered_trend(self.db, &filter, (from, to), until, self.tz).await?)
    }
}
