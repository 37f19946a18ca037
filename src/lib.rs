//! The Daqing foreign-affairs data hub: the library behind the `hub` binary.
//!
//! - [`auth`] — principals, roles, the access policy, tokens and the audit log;
//! - [`config`] — typed, layered settings;
//! - [`db`] — connecting to SQLite or PostgreSQL and migrating;
//! - [`registry`] — plain async queries over the database;
//! - [`service`] — what HTTP handlers and resolvers both do (uploads, daily reports);
//! - [`graphql`] — the one GraphQL schema;
//! - [`http`] and [`server`] — the axum routes and the server's life cycle;
//! - [`cli`] and [`commands`] — the command line;
//! - [`error`] — the one error type and its public codes;
//! - [`telemetry`] — logging;
//! - [`time`] — days and times in the hub's time zone.

pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod derived;
pub mod error;
pub mod export;
pub mod graphql;
pub mod http;
pub mod ingest;
pub mod registry;
pub mod server;
pub mod service;
pub mod supplies;
pub mod telemetry;
pub mod time;
pub mod web;

pub use config::Settings;
pub use error::HubError;
pub use graphql::{HubSchema, build_schema};
pub use server::Application;
