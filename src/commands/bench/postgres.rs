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
            url: crate::db::with_database(admin_url, &name),
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
