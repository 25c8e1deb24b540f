//! Benchmark: live delivery over `/ws` at scale. Starts the real `confab` binary on 127.0.0.1
//! (SQLite in a temporary file, or PostgreSQL when `DATABASE_URL` names a server), connects
//! `CONFAB_BENCH_CLIENTS` WebSocket clients (default 1,000; `make bench` also runs 10,000)
//! spread over 100 chats, then posts a fixed rate of messages through the REST API and measures
//! each delivery's round trip (post sent → frame received). Prints latency percentiles,
//! deliveries per second, and the server's resident memory per idle socket and under load.
//! Fails on any lost or repeated delivery, any client that could not connect and subscribe,
//! any refused post and any socket that ended early: those are bugs, not noise. Bounded: a
//! fixed message count, and a deadline on every wait.

use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use futures::{SinkExt, StreamExt, future::join_all};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio_tungstenite::{connect_async, tungstenite::Message};

mod common;
use common::{
    database_url,
    process::{Server, free_port, wait_ready},
    record_row, thousands,
};

/// Chats the clients follow; every message reaches clients / CHATS subscribers.
const CHATS: usize = 100;
/// Messages posted per second during the load phase…
const RATE: u64 = 20;
/// …for this many messages.
const MESSAGES: usize = 300;
/// Clients connecting at once.
const CONNECT_BATCH: usize = 250;
/// The longest any single wait may take.
const DEADLINE: Duration = Duration::from_secs(120);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let clients: usize = std::env::var("CONFAB_BENCH_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let (database, _dir) = database_url().await?;
    let backend = if database.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let port = free_port()?;
    let server = Server::start(&database, port, &[])?;
    let base = format!("http://127.0.0.1:{port}");
    let http = common::http_client();
    wait_ready(&http, &base).await?;

    // 100 visitors, each with a chat.
    let mut visitors = Vec::with_capacity(CHATS);
    for _ in 0..CHATS {
        let session: Value = http
            .post(format!("{base}/api/widget/session"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let token = session["token"].as_str().context("token")?.to_owned();
        let chat: Value = http
            .get(format!("{base}/api/support_chat"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        visitors.push((token, chat["id"].as_str().context("chat id")?.to_owned()));
    }
    let visitors = Arc::new(visitors);
    // Measured once the visitors exist, so the sockets' share is what grows from here.
    let baseline = server.rss_kib()?;

    // Connect every client; each records its deliveries' round trips.
    let epoch = Instant::now();
    let (stop, stopped) = watch::channel(false);
    let failures = Arc::new(Failures::default());
    let connecting = Instant::now();
    let mut tasks = Vec::with_capacity(clients);
    for batch in (0..clients).collect::<Vec<_>>().chunks(CONNECT_BATCH) {
        let ready = join_all(batch.iter().map(|&i| {
            let (token, chat_id) = visitors[i % CHATS].clone();
            let url = format!("ws://127.0.0.1:{port}/ws");
            subscribe(url, token, chat_id)
        }))
        .await;
        for socket in ready {
            match socket {
                Ok(socket) => tasks.push(tokio::spawn(listen(
                    socket,
                    epoch,
                    stopped.clone(),
                    Arc::clone(&failures),
                ))),
                Err(err) => {
                    eprintln!("a client could not connect and subscribe: {err:#}");
                    failures.connections.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    let connected = tasks.len();
    let connect_seconds = connecting.elapsed().as_secs_f64();
    println!(
        "{backend}: {connected} of {clients} clients connected and subscribed in {connect_seconds:.1} s",
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = server.rss_kib()?;

    // The load: MESSAGES posts at RATE per second, round robin over the chats.
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    let loading = Instant::now();
    let mut under_load = idle;
    for n in 0..MESSAGES {
        ticker.tick().await;
        let (token, _) = &visitors[n % CHATS];
        let sent = epoch.elapsed().as_micros();
        let res = http
            .post(format!("{base}/api/support_chat/messages"))
            .bearer_auth(token)
            .json(&json!({ "content": format!("bench {sent}") }))
            .send()
            .await;
        if !res.is_ok_and(|r| r.status().is_success()) {
            failures.posts.fetch_add(1, Ordering::Relaxed);
        }
        if n == MESSAGES / 2 {
            under_load = server.rss_kib()?;
        }
    }
    let load_seconds = loading.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = stop.send(true);
    let mut latencies: Vec<u64> = Vec::new();
    let mut duplicates = 0;
    for task in tasks {
        let heard = tokio::time::timeout(DEADLINE, task).await??;
        latencies.extend(heard.latencies);
        duplicates += heard.duplicates;
    }
    latencies.sort_unstable();
    let expected = MESSAGES * connected / CHATS;
    let delivered = latencies.len();
    let percentile = |p: usize| {
        latencies
            .get((delivered * p / 100).min(delivered.saturating_sub(1)))
            .map_or(0.0, |us| *us as f64 / 1000.0)
    };
    let lost = expected.saturating_sub(delivered);
    let failed_connections = failures.connections.load(Ordering::Relaxed);
    let failed_posts = failures.posts.load(Ordering::Relaxed);
    let ended_sockets = failures.sockets.load(Ordering::Relaxed);
    let per_second = delivered as f64 / load_seconds;
    println!(
        "{backend}: {connected} clients, {MESSAGES} messages at {RATE}/s: round trip p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; {delivered} of {expected} deliveries ({per_second:.0}/s); {lost} lost, {duplicates} repeated; {failed_connections} clients failed to connect, {failed_posts} posts refused, {ended_sockets} sockets ended early",
        percentile(50),
        percentile(95),
        percentile(99),
    );
    let per_socket = |rss: u64| (rss.saturating_sub(baseline)) as f64 / connected.max(1) as f64;
    println!(
        "{backend}: server RSS {} MiB before the sockets, {} MiB idle with {connected} sockets ({:.1} KiB per socket), {} MiB under load ({:.1} KiB per socket)",
        baseline / 1024,
        idle / 1024,
        per_socket(idle),
        under_load / 1024,
        per_socket(under_load),
    );
    let failed = [
        (lost, "deliveries were lost"),
        (duplicates, "deliveries were repeated"),
        (
            failed_connections,
            "clients could not connect and subscribe",
        ),
        (failed_posts, "posts were refused"),
        (ended_sockets, "sockets ended before the run did"),
    ];
    let failed: Vec<String> = failed
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, what)| format!("{count} {what}"))
        .collect();
    if !failed.is_empty() {
        bail!("{}", failed.join("; "));
    }
    record_row(
        "realtime",
        &[
            backend.to_owned(),
            thousands(clients),
            format!("{connect_seconds:.1} s"),
            format!("{:.1} ms", percentile(50)),
            format!("{:.1} ms", percentile(95)),
            format!("{:.1} ms", percentile(99)),
            format!(
                "{} ({}/s)",
                thousands(delivered),
                thousands(per_second.round() as usize)
            ),
            format!("{:.1} KiB", per_socket(idle)),
            format!("{:.1} KiB", per_socket(under_load)),
        ],
    )
}

/// What went wrong during a run, counted; any of it fails the bench.
#[derive(Default)]
struct Failures {
    /// Clients that could not connect, authenticate and subscribe.
    connections: AtomicUsize,
    /// Posts the server did not accept.
    posts: AtomicUsize,
    /// Sockets that errored or closed before the run ended.
    sockets: AtomicUsize,
}

/// What one client heard.
struct Heard {
    /// Each message's round trip in microseconds, once per message.
    latencies: Vec<u64>,
    /// Messages delivered again after their first delivery.
    duplicates: usize,
}

/// Connects, authenticates and subscribes one client.
async fn subscribe(
    url: String,
    token: String,
    chat_id: String,
) -> anyhow::Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
> {
    let (mut socket, _) = tokio::time::timeout(DEADLINE, connect_async(url)).await??;
    socket
        .send(Message::text(
            json!({"type": "auth", "token": token}).to_string(),
        ))
        .await?;
    socket
        .send(Message::text(
            json!({"type": "subscribe", "channel": "chat", "chat_id": chat_id}).to_string(),
        ))
        .await?;
    loop {
        let frame = tokio::time::timeout(DEADLINE, socket.next())
            .await?
            .context("closed while subscribing")??;
        if let Message::Text(text) = frame {
            let frame: Value = serde_json::from_str(&text)?;
            match frame["type"].as_str() {
                Some("subscribed") => return Ok(socket),
                Some("error") => bail!("refused: {frame}"),
                _ => {}
            }
        }
    }
}

/// Reads frames until told to stop; each message's round trip, and how many came again.
async fn listen(
    mut socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    epoch: Instant,
    mut stop: watch::Receiver<bool>,
    failures: Arc<Failures>,
) -> Heard {
    let mut heard = Heard {
        latencies: Vec::new(),
        duplicates: 0,
    };
    let mut seen = HashSet::new();
    loop {
        tokio::select! {
            frame = socket.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let received = epoch.elapsed().as_micros();
                    let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                    if frame["type"] != "new_message" {
                        continue;
                    }
                    if !seen.insert(frame["message"]["id"].to_string()) {
                        heard.duplicates += 1;
                        continue;
                    }
                    let sent = frame["message"]["content"]
                        .as_str()
                        .and_then(|c| c.strip_prefix("bench "))
                        .and_then(|t| t.parse::<u128>().ok());
                    if let Some(sent) = sent {
                        heard.latencies.push(u64::try_from(received.saturating_sub(sent)).unwrap_or(u64::MAX));
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    failures.sockets.fetch_add(1, Ordering::Relaxed);
                    return heard;
                }
            },
            _ = stop.changed() => return heard,
        }
    }
}
