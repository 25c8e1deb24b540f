//! The Confab process: configuration, database start-up, the HTTP router and the command line.
//!
//! `main.rs` only parses arguments and calls [`run`]; integration tests call [`build_router`]
//! so they exercise exactly the router production serves.

// The app's view types (rendered here on the server) nest deeper than the default limit.
#![recursion_limit = "256"]

mod admin;
mod backup;
mod client_addr;
pub mod config;
pub mod connections;
pub mod database;
mod embed_assets;
mod files;
mod health;
mod http_hygiene;
mod migrate;
mod rest;
mod router;
mod security;
mod serve;
mod socket;
mod static_files;
mod telemetry;
mod unsubscribe;

pub use http_hygiene::MAX_BODY_BYTES;
pub use router::build_router;
pub use serve::{build_state, serve_on, shutdown_signal};
pub use socket::MAX_FRAME_BYTES;
pub use telemetry::serve_metrics;

use config::{Cli, Command};

/// Runs the command the command line asked for (`serve` when none).
///
/// # Errors
/// Any failure that should stop the process, with its context, for `main` to print.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    telemetry::init(&cli.global.log)?;
    match cli.command {
        None => serve::serve(cli.serve, &cli.global).await,
        Some(Command::Serve(args)) => serve::serve(*args, &cli.global).await,
        Some(Command::Migrate { action }) => migrate::migrate(action, &cli.global).await,
        Some(Command::Admin { action }) => admin::admin(action, &cli.global).await,
        Some(Command::Backup { path }) => backup::backup(&path, &cli.global).await,
        Some(Command::Files { action }) => files::command(action, &cli.global).await,
    }
}
