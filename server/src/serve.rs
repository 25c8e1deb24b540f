//! `confab serve`: open the database, migrate, seed staff accounts as configured, listen, and
//! stop cleanly on Ctrl-C or SIGTERM.

use std::{future::Future, sync::Arc, time::Duration};

use anyhow::Context;
use app::http::state::AppState;
use domain::{
    attachments,
    auth::{accounts, password, sessions},
    chats,
    effects::Effects,
    hub::Hub,
    limits::Limits,
    mail::{Mailer, worker},
    relay,
};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::{
    config::{GlobalArgs, ServeArgs},
    connections::{self, ConnectionRules},
    database,
    router::build_router,
    telemetry,
};

/// Serves until a shutdown signal arrives.
pub(crate) async fn serve(args: ServeArgs, global: &GlobalArgs) -> anyhow::Result<()> {
    let db = database::connect(&global.database_url).await?;
    database::migrate(&db).await?;
    seed_admins(&args, &db).await?;

    let state = build_state(&args, db)?;
    tracing::info!(storage = ?state.effects.files.storage, "attachments are stored here");
    let mailer = Mailer::from_settings(&args.transport_settings())?;
    tracing::info!(mailer = ?mailer, "reply emails go out through this transport");
    worker::spawn(
        state.db.clone(),
        mailer,
        args.mail_settings(),
        Arc::clone(&state.effects),
    );
    if !state.leptos_options.css_file_path().exists() {
        tracing::warn!(
            site_root = %args.site_root.display(),
            "built site not found: pages will load without styles or interactivity; \
             build it with `cargo leptos build --release` (or use `make run`)"
        );
    }

    if let Some(addr) = args.network.metrics_addr {
        let local = telemetry::serve_metrics(addr, state.db.clone()).await?;
        tracing::info!(addr = %local, "Prometheus metrics at /metrics");
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
    serve_on(listener, state, args.connection_rules(), shutdown_signal())
        .await
        .context("the HTTP server stopped with an error")
}

/// The state every request sees, from the configuration and an open database.
///
/// # Errors
/// When the attachments' storage cannot be opened.
pub fn build_state(args: &ServeArgs, db: DatabaseConnection) -> anyhow::Result<AppState> {
    let limits = Arc::new(Limits::for_database(args.limit_settings(), &db));
    Ok(AppState {
        leptos_options: args.leptos_options(),
        db,
        auth: Arc::new(args.auth_settings()),
        limits,
        effects: Arc::new(Effects {
            hub: Arc::new(Hub::default()),
            reply_email_delay: args.reply_email_delay(),
            reply_jobs: tokio::sync::Notify::new(),
            snoozes: tokio::sync::Notify::new(),
            auto_assign_capacity: args.auto_assign_capacity,
            files: Arc::new(
                args.files()
                    .context("could not open the attachments' storage")?,
            ),
        }),
    })
}

/// Serves the router on `listener` until `shutdown` resolves, with what runs beside it: the
/// relay to other instances (PostgreSQL) and the upkeep of shared limits. Tests call this too,
/// so they see exactly what production serves, client addresses and timeouts included.
///
/// # Errors
/// When the server fails to accept connections.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    rules: ConnectionRules,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hub = Arc::clone(&state.effects.hub);
    if relay::start(&state.db, &hub, &state.effects.files) {
        tracing::info!("relaying live events to other instances through PostgreSQL");
    }
    state.limits.spawn_upkeep();
    tokio::spawn(async {
        if let Err(err) = password::prepare_decoy().await {
            tracing::warn!(error = %err, "could not prepare the unknown-email decoy hash");
        }
    });
    spawn_session_sweep(state.db.clone(), Arc::clone(&hub));
    attachments::sweep::spawn(state.db.clone(), Arc::clone(&state.effects.files));
    chats::snooze::spawn_wake_ups(state.db.clone(), Arc::clone(&state.effects));
    let app = build_router(state);
    // Open sockets would keep a graceful shutdown waiting forever: they are asked to close
    // (1012, "resume elsewhere") as soon as the shutdown begins.
    let closer = Arc::clone(&hub);
    let shutdown = async move {
        shutdown.await;
        closer.close_all();
    };
    let served = connections::serve(listener, app, rules, shutdown).await;
    // Sockets are upgraded connections, which the graceful shutdown does not wait for: give
    // each a moment to send its 1012 before the process exits and cuts it off.
    let deadline = tokio::time::Instant::now() + SOCKETS_CLOSE_WITHIN;
    while hub.connections() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    served
}

/// How long a stopping server waits for its sockets to send their close frames.
const SOCKETS_CLOSE_WITHIN: Duration = Duration::from_secs(5);

/// Every 30 s, closes sockets whose sessions ended without this process hearing of it.
fn spawn_session_sweep(db: DatabaseConnection, hub: Arc<Hub>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            every.tick().await;
            match sessions::close_sockets_of_ended_sessions(&db, &hub).await {
                Ok(0) => {}
                Ok(ended) => {
                    tracing::info!(
                        sessions = ended,
                        "closed sockets of sessions that ended unheard"
                    );
                }
                Err(err) => tracing::warn!(error = %err, "could not check sockets' sessions"),
            }
        }
    });
}

/// Creates the staff accounts the configuration asks for: the operator's
/// (`CONFAB_ADMIN_EMAIL`), and in development (`--dev-admin`) one with a printed password.
async fn seed_admins(args: &ServeArgs, db: &DatabaseConnection) -> anyhow::Result<()> {
    if let (Some(email), Some(password)) = (&args.admin_email, &args.admin_password) {
        let created = accounts::ensure_admin(db, email, password.expose())
            .await
            .context("could not create the admin from CONFAB_ADMIN_EMAIL")?;
        if created.is_some() {
            tracing::info!("created the staff account given by CONFAB_ADMIN_EMAIL");
        }
    }
    if args.dev_admin {
        match accounts::ensure_dev_admin(db)
            .await
            .context("could not create the development admin")?
        {
            Some(password) => println!(
                "\n  Development admin created (shown once):\n    email:    {}\n    password: {password}\n  Sign in at {}/signin\n",
                accounts::DEV_ADMIN_EMAIL,
                args.public_url()
            ),
            None => println!(
                "\n  Staff sign-in: {}/signin (the development admin's password was printed when it was created;\n  delete data/confab.db to start over, or add staff with `confab admin create`)\n",
                args.public_url()
            ),
        }
    }
    Ok(())
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
