//! `confab serve`: open the database, migrate, listen, and stop cleanly on Ctrl-C or SIGTERM.

use anyhow::Context;
use app::server::state::AppState;
use tokio::net::TcpListener;

use crate::{
    config::{GlobalArgs, ServeArgs},
    database,
    router::build_router,
};

/// Serves until a shutdown signal arrives.
pub(crate) async fn serve(args: ServeArgs, global: &GlobalArgs) -> anyhow::Result<()> {
    let db = database::connect(&global.database_url).await?;
    database::migrate(&db).await?;

    let leptos_options = args.leptos_options();
    let css = leptos_options.css_file_path();
    if !css.exists() {
        tracing::warn!(
            site_root = %args.site_root.display(),
            "built site not found: pages will load without styles or interactivity; \
             build it with `cargo leptos build --release` (or use `make run`)"
        );
    }

    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("could not listen on {}", args.addr))?;
    let local_addr = listener.local_addr().context("listener has no address")?;
    tracing::info!(
        addr = %local_addr,
        public_url = %args.public_url(),
        database = %database::redact_url(&global.database_url),
        "Confab is listening"
    );

    let state = AppState { leptos_options, db };
    axum::serve(listener, build_router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the HTTP server stopped with an error")
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM: what process managers send to stop a service.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
