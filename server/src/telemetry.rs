//! What operators see: `tracing` events to stderr (filtered by `CONFAB_LOG`), a span per HTTP
//! request, and Prometheus metrics on a listener of their own (`CONFAB_METRICS_ADDR`), never
//! on the public one: behind a proxy every request would look local there.
//!
//! The metrics (names as exported):
//! - `confab_http_requests_total{method,route,status}` and `confab_http_request_duration_seconds`
//! - `confab_sockets_open{kind}` (anonymous, user, staff)
//! - `confab_messages_posted_total{sender}`
//! - `confab_socket_frames_refused_total{reason}` and `confab_socket_frames_dropped_total`
//! - `confab_reply_emails_total{outcome}` (sent, skipped, retry, failed) and
//!   `confab_reply_email_jobs{state}` (pending, failed: read at scrape time)
//! - `confab_db_pool_connections{state}` (in_use, idle)
//! - `confab_rate_limited_total{limit}`, `confab_connections_refused_total`,
//!   `confab_password_hashing_busy_total`

use std::{net::SocketAddr, sync::OnceLock, time::Instant};

use anyhow::Context;
use axum::{
    Router,
    extract::{MatchedPath, Request},
    http::{Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use domain::client_addr::ClientAddr;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::DatabaseConnection;
use tower_http::trace::TraceLayer;
use tracing::Span;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. A second call (tests spawn many apps) is harmless.
pub(crate) fn init(filter: &str) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(filter)
        .with_context(|| format!("CONFAB_LOG={filter:?} is not a valid log filter"))?;
    // Err only means a subscriber is already installed, which is fine.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}

/// Latency buckets, in seconds: from a cached page to a slow search.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide Prometheus recorder (once; later calls reuse it).
///
/// # Errors
/// When another recorder was installed first.
fn prometheus() -> anyhow::Result<PrometheusHandle> {
    if let Some(handle) = PROMETHEUS.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets(LATENCY_BUCKETS)
        .context("invalid histogram buckets")?
        .install_recorder()
        .context("could not install the metrics recorder")?;
    Ok(PROMETHEUS.get_or_init(|| handle).clone())
}

/// Serves `GET /metrics` on `addr` in the Prometheus text format, for as long as the process
/// runs; returns the address it listens on.
///
/// # Errors
/// When the address cannot be bound or the recorder cannot be installed.
pub async fn serve_metrics(addr: SocketAddr, db: DatabaseConnection) -> anyhow::Result<SocketAddr> {
    let handle = prometheus()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("could not listen for metrics on {addr}"))?;
    let local = listener.local_addr().context("metrics listener address")?;
    let upkeep = handle.clone();
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let handle = upkeep.clone();
            let db = db.clone();
            async move {
                record_pool(&db);
                record_jobs(&db).await;
                handle.run_upkeep();
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    handle.render(),
                )
                    .into_response()
            }
        }),
    );
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            tracing::error!(error = %err, "the metrics listener stopped");
        }
    });
    Ok(local)
}

/// The pool's connections in use and idle, read at scrape time.
fn record_pool(db: &DatabaseConnection) {
    let (size, idle) = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
    metrics::gauge!("confab_db_pool_connections", "state" => "in_use").set(f64::from(size - idle));
    metrics::gauge!("confab_db_pool_connections", "state" => "idle").set(f64::from(idle));
}

/// Reply-email jobs waiting and failed for good, read at scrape time.
async fn record_jobs(db: &DatabaseConnection) {
    use domain::{entities::notification_job::JobStatus, reply_emails};
    for (state, status) in [
        ("pending", JobStatus::Pending),
        ("failed", JobStatus::Failed),
    ] {
        match reply_emails::count_in(db, status).await {
            // Job counts stay far below 2^52, where f64 stops being exact.
            Ok(count) => {
                metrics::gauge!("confab_reply_email_jobs", "state" => state).set(count as f64)
            }
            Err(err) => tracing::warn!(error = %err, "could not count reply email jobs"),
        }
    }
}

/// Counts and times every routed request by its route (the pattern, never the raw path, so
/// ids do not explode the label set) and status. Installed with `route_layer`, where the
/// matched route is known; static files (the fallback) are not counted.
pub(crate) async fn track_http(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    // A fixed set: a client may send any method name, and each name would be a new series.
    let method = match *request.method() {
        Method::GET | Method::POST | Method::PUT | Method::PATCH | Method::DELETE => {
            request.method().as_str().to_owned()
        }
        Method::HEAD | Method::OPTIONS => request.method().as_str().to_owned(),
        _ => "other".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("confab_http_requests_total",
        "method" => method.clone(), "route" => route.clone(), "status" => status)
    .increment(1);
    metrics::histogram!("confab_http_request_duration_seconds",
        "method" => method, "route" => route)
    .record(started.elapsed().as_secs_f64());
    response
}

/// A span per request (method, path, client address), closed with its status and latency.
pub(crate) fn trace_layer<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router.layer(
        TraceLayer::new_for_http()
            .make_span_with(|request: &Request| {
                let client = request
                    .extensions()
                    .get::<ClientAddr>()
                    .copied()
                    .unwrap_or_default();
                tracing::info_span!("request",
                    method = %request.method(),
                    path = %logged_path(request.uri().path()),
                    client.addr = %client,
                    status = tracing::field::Empty,
                )
            })
            .on_request(())
            .on_response(
                |response: &Response, latency: std::time::Duration, span: &Span| {
                    span.record("status", response.status().as_u16());
                    tracing::debug!(latency_ms = latency.as_millis() as u64, "answered");
                },
            )
            .on_failure(()),
    )
}

/// A request path as the log records it: an invitation link's token is a credential (it makes
/// a staff account), so `/join/{token}` is logged without it.
fn logged_path(path: &str) -> &str {
    if path.starts_with("/join/") {
        "/join/…"
    } else {
        path
    }
}
