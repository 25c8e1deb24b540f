//! Benchmark: uploads over real HTTP on 127.0.0.1 into local storage (a temporary directory),
//! with the database on SQLite (a temporary file) or PostgreSQL (`DATABASE_URL=postgres://…`).
//! Twenty visitors each upload 1 MB files one after another, all twenty at once; prints the
//! throughput (MB/s of files stored) and the latency of one upload (p50/p95/p99). Every upload
//! must be stored (201): a refused one fails the run. `make bench` runs both backends.

use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::multipart::{Form, Part};
use server::config::Cli;

mod common;
use common::{database_url, http_client, record_row};

/// Visitors uploading at once.
const CLIENTS: usize = 20;
/// Uploads each visitor makes, one after another.
const UPLOADS_EACH: usize = 15;
/// Uploads each makes first, not measured.
const WARM_UP: usize = 1;
/// The file: 1 MB.
const FILE_BYTES: usize = 1_000_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (url, _dir) = database_url().await?;
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let db = server::database::connect(&url).await?;
    server::database::migrate(&db).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let files = tempfile::tempdir()?;
    let storage = files.path().display().to_string();
    let args = Cli::try_parse_from([
        "confab",
        "--addr",
        &addr.to_string(),
        "--storage-url",
        &storage,
        // Twenty visitors from one address, each uploading back to back: the limits have tests
        // of their own.
        "--widget-sessions-per-hour",
        "1000",
        "--message-burst",
        "1000",
        "--messages-per-minute",
        "100000",
    ])?
    .serve;
    tokio::spawn(server::serve_on(
        listener,
        server::build_state(&args, db)?,
        args.connection_rules(),
        std::future::pending(),
    ));
    let base = format!("http://{addr}");
    let http = http_client();
    let mut tokens = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        let session: serde_json::Value = http
            .post(format!("{base}/api/widget/session"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let token = session["token"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("a visitor session without a token"))?;
        tokens.push(token.to_owned());
    }
    // A PDF's header, then bytes that do not compress: a file stored as it came.
    let mut file = b"%PDF-1.7\n".to_vec();
    let mut seed = 0x2545_f491_u32;
    while file.len() < FILE_BYTES {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        file.push(seed.to_le_bytes()[0]);
    }

    let started = Instant::now();
    let clients = tokens.into_iter().map(|token| {
        let (http, base, file) = (http.clone(), base.clone(), file.clone());
        tokio::spawn(async move {
            let mut times = Vec::with_capacity(UPLOADS_EACH);
            for i in 0..WARM_UP + UPLOADS_EACH {
                let form =
                    Form::new().part("file", Part::bytes(file.clone()).file_name("scan.pdf"));
                let sent = Instant::now();
                let res = http
                    .post(format!("{base}/api/support_chat/attachments"))
                    .bearer_auth(&token)
                    .multipart(form)
                    .send()
                    .await?;
                anyhow::ensure!(
                    res.status() == reqwest::StatusCode::CREATED,
                    "an upload was refused: {}",
                    res.status()
                );
                res.bytes().await?;
                if i >= WARM_UP {
                    times.push(sent.elapsed());
                }
            }
            Ok::<_, anyhow::Error>(times)
        })
    });
    let mut times: Vec<Duration> = Vec::new();
    for client in futures::future::join_all(clients).await {
        times.extend(client??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: usize| ms(times[(times.len() * q / 100).min(times.len() - 1)]);
    let stored = (CLIENTS * (WARM_UP + UPLOADS_EACH) * FILE_BYTES) as f64 / 1_000_000.0;
    let throughput = stored / elapsed;
    println!(
        "{backend}: {CLIENTS} clients × {} uploads of 1 MB in {elapsed:.1} s: {throughput:.1} MB/s; \
         one upload p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
        WARM_UP + UPLOADS_EACH,
        at(50),
        at(95),
        at(99)
    );
    record_row(
        "uploads",
        &[
            backend.to_owned(),
            CLIENTS.to_string(),
            format!("{}", CLIENTS * (WARM_UP + UPLOADS_EACH)),
            format!("{throughput:.1} MB/s"),
            format!("{:.1} ms", at(50)),
            format!("{:.1} ms", at(95)),
            format!("{:.1} ms", at(99)),
        ],
    )?;
    Ok(())
}
