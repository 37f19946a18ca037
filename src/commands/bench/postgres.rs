//! A throw-away PostgreSQL database for a benchmark: created under a unique name on the
//! server of the URL given, dropped afterwards.

use std::time::{SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::error::HubError;

/// A uniquely named database on a PostgreSQL server.
#[derive(Debug)]
pub struct ScratchDatabase {
    /// URL of the server's database given on the command line (used to create and drop).
    admin_url: String,
    /// Name of the scratch database.
    pub name: String,
    /// URL of the scratch database.
    pub url: String,
}

impl ScratchDatabase {
    /// Create `hub_bench_<pid>_<nanos>` on the server of `admin_url`.
    pub async fn create(admin_url: &str) -> Result<Self, HubError> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = format!("hub_bench_{}_{nanos}", std::process::id());
        let admin = connect_admin(admin_url).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        admin.close().await?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        })
    }

    /// Drop the database (closing any connection left to it).
    pub async fn drop_database(self) -> Result<(), HubError> {
        let admin = connect_admin(&self.admin_url).await?;
        admin
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .await?;
        admin.close().await?;
        Ok(())
    }
}

/// One connection to the server, without statement logging (dropping a database takes a
/// while and is no slow query worth a warning).
async fn connect_admin(url: &str) -> Result<DatabaseConnection, HubError> {
    let mut options = ConnectOptions::new(url);
    options.max_connections(1).sqlx_logging(false);
    Ok(Database::connect(options).await?)
}

/// `url` with its database replaced by `name`, query parameters kept.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_is_swapped_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "b1"),
            "postgres://postgres@127.0.0.1:5432/b1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "b2"),
            "postgres://u:p@h/b2?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "b3"),
            "postgres://h:5432/b3"
        );
    }
}
