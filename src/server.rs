//! Starting and stopping the HTTP server (`hub serve`).
//!
//! [`Application::build`] connects, migrates, binds and reports the real port (bind port 0
//! in tests); [`Application::run_until_stopped`] serves until SIGINT or SIGTERM and lets
//! requests in flight finish.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::db;
use crate::derived::CityCache;
use crate::derived::cache::keep_timeline_current;
use crate::error::HubError;
use crate::graphql::build_schema;
use crate::http::{AppState, router};
use chrono_tz::Tz;
use std::sync::Arc;
use std::time::Duration;

/// A hub server that is bound to its address but not yet serving.
pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
    db: DatabaseConnection,
    city: Arc<CityCache>,
    timezone: Tz,
}

/// How often a serving hub checks whether the store changed, to build the next city
/// timeline before a dashboard asks.
const TIMELINE_REFRESH: Duration = Duration::from_secs(15);

impl Application {
    /// Connect to the database of `settings`, migrate it, build the schema and the routes,
    /// and bind `settings.bind`.
    pub async fn build(settings: Settings) -> Result<Self, HubError> {
        let db = db::connect_and_migrate(&settings).await?;
        Self::build_with_db(settings, db).await
    }

    /// Like [`Application::build`] over an already connected (and migrated) database.
    pub async fn build_with_db(
        settings: Settings,
        db: DatabaseConnection,
    ) -> Result<Self, HubError> {
        let mut config: crate::graphql::SchemaConfig = (&settings).into();
        config.read_audit = crate::auth::audit::ReadAudit::for_store(&db);
        let schema = build_schema(db.clone(), config);
        let city = Arc::clone(schema.city_cache());
        let timezone = settings.time_zone();
        let listener = TcpListener::bind(settings.bind).await?;
        let local_addr = listener.local_addr()?;
        schema.read_audit().move_leftovers(&db);
        let state = AppState::new(db.clone(), schema, settings);
        Ok(Self {
            listener,
            local_addr,
            router: router(state),
            db,
            city,
            timezone,
        })
    }

    /// The city-wide figures this instance keeps (its timeline among them).
    pub fn city_cache(&self) -> Arc<CityCache> {
        Arc::clone(&self.city)
    }

    /// The port the server is bound to (the real one when `bind` asked for port 0).
    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serve until SIGINT or SIGTERM, then finish the requests in flight and close the
    /// database pool.
    pub async fn run_until_stopped(self) -> Result<(), HubError> {
        self.run_until(shutdown_signal()).await
    }

    /// Serve until `signal` completes, then shut down gracefully.
    pub async fn run_until<F>(self, signal: F) -> Result<(), HubError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        tracing::info!(address = %self.local_addr, "hub is listening");
        let refresh = tokio::spawn(keep_timeline_current(
            Arc::clone(&self.city),
            self.db.clone(),
            self.timezone,
            TIMELINE_REFRESH,
        ));
        // PostgreSQL: told of every change at once (the refresh above stays the fallback).
        let listen = tokio::spawn(crate::derived::notify::listen(
            Arc::clone(&self.city),
            self.db.clone(),
            self.timezone,
        ));
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .await;
        refresh.abort();
        listen.abort();
        served?;
        tracing::info!("server stopped; closing the database pool");
        self.db.close().await?;
        Ok(())
    }
}

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
