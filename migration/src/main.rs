//! Thin CLI over the hub's migrations (`cargo run -p migration -- up`); `hub migrate` does
//! the same from the main binary. Reads `DATABASE_URL`.

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(migration::Migrator).await;
}
