//! The accept loop: every TCP connection gets a deadline for its request headers (which is
//! also how long an idle keep-alive connection may wait for its next request), a cap on
//! connections per client address, the client's address resolved once per request (see
//! `domain::client_addr`), and a graceful end when the server shuts down.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
    time::Duration,
};

use crate::client_addr::{self, ForwardedHeader, TrustedNet};
use axum::{Router, extract::ConnectInfo};
use domain::client_addr::ClientAddr;
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
};
use tokio::net::{TcpListener, TcpStream};
use tower::Service;

/// How long a client may take to send a request's headers, and how long a keep-alive
/// connection may sit idle before its next request.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How the accept loop treats connections.
#[derive(Clone, Debug)]
pub struct ConnectionRules {
    /// Proxies whose forwarded headers name the client; never capped.
    pub trusted_proxies: Vec<TrustedNet>,
    /// The one header those proxies write the client into.
    pub forwarded_header: ForwardedHeader,
    /// Connections open at once per client address (IPv6: per /64).
    pub per_address: u32,
}

/// Open connections per address key.
#[derive(Default)]
struct OpenConnections(Mutex<HashMap<String, u32>>);

impl OpenConnections {
    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<String, u32>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a new connection from `key`, unless it already has `cap` open.
    fn open(self: &Arc<Self>, key: String, cap: u32) -> Option<ConnectionSlot> {
        let mut counts = self.counts();
        let open = counts.entry(key.clone()).or_default();
        if *open >= cap {
            return None;
        }
        *open += 1;
        Some(ConnectionSlot {
            open: Arc::clone(self),
            key,
        })
    }
}

/// One counted connection; uncounted when dropped.
struct ConnectionSlot {
    open: Arc<OpenConnections>,
    key: String,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut counts = self.open.counts();
        if let Some(open) = counts.get_mut(&self.key) {
            *open -= 1;
            if *open == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting and waits
/// for open connections to finish (idle ones are closed at once).
///
/// # Errors
/// Never: failed accepts are logged and retried.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    rules: ConnectionRules,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    http.http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(HEADER_TIMEOUT));
    let http = Arc::new(http);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(OpenConnections::default());
    let rules = Arc::new(rules);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %err, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let proxied = rules.trusted_proxies.iter().any(|n| n.contains(peer.ip()));
        let slot = if proxied {
            None
        } else {
            let key = ClientAddr::from(peer.ip()).limit_key();
            match open.open(key, rules.per_address) {
                Some(slot) => Some(slot),
                None => {
                    metrics::counter!("confab_connections_refused_total").increment(1);
                    tracing::warn!(client.addr = %peer.ip(), "too many connections from one address");
                    drop(stream);
                    continue;
                }
            }
        };
        // The router as a hyper service for this connection: each request carries the peer
        // (`ConnectInfo`) and the client address resolved from it.
        let router = router.clone();
        let connection_rules = Arc::clone(&rules);
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            let client = client_addr::resolve(
                peer.ip(),
                request.headers(),
                &connection_rules.trusted_proxies,
                connection_rules.forwarded_header,
            );
            request.extensions_mut().insert(ConnectInfo(peer));
            request.extensions_mut().insert(client);
            router.clone().call(request)
        });
        let connection =
            http.serve_connection_with_upgrades(TokioIo::new(stream_with_nodelay(stream)), service);
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            // Ends with an error for every client that goes away mid-request; nothing to do.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

fn stream_with_nodelay(stream: TcpStream) -> TcpStream {
    // Small frames (socket messages, JSON answers) should not wait for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    stream
}
