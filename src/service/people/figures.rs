//! The city's headline figures as of a time, for every surface that shows them: the
//! GraphQL `overview` (the dashboard) and the daily brief read them here, through the city
//! cache when the caller keeps one, so the two never disagree.

use chrono::{DateTime, Utc};

use super::People;
use crate::auth::{Operation, Principal};
use crate::derived::{self, Overview};
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
}
