//! Running Confab as an operator does, against the real binary: Prometheus metrics on their
//! own listener (parsed as Prometheus parses them, counters that move), and a flood of
//! sign-ups that must not take the process's memory or its readiness down with it.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use futures::future::join_all;
use reqwest::{StatusCode, header};
use serde_json::Value;

use crate::support::{ConfabProcess, TestDb, free_port, memory_kib, wait_ready};

const DEADLINE: Duration = Duration::from_secs(60);

/// The samples of a scrape, as `name{label="value",…}` → value (labels sorted).
async fn scrape(http: &reqwest::Client, url: &str) -> HashMap<String, f64> {
    let res = http.get(url).send().await.expect("GET /metrics");
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()[header::CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = res.text().await.expect("body");
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let parsed = prometheus_parse::Scrape::parse(lines).expect("Prometheus text format");
    parsed
        .samples
        .into_iter()
        .filter_map(|sample| {
            let value = match sample.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => return None,
            };
            let mut labels: Vec<String> = sample
                .labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{v}\""))
                .collect();
            labels.sort();
            Some((format!("{}{{{}}}", sample.metric, labels.join(",")), value))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_apart_and_their_counters_move() {
    let test_db = TestDb::new().await;
    let db = test_db.migrated().await;
    domain::auth::accounts::create_admin(&db, "desk@example.com", None, "staff password")
        .await
        .expect("staff");
    let (port, metrics_port) = (free_port(), free_port());
    let _server = ConfabProcess::start_with_env(
        &test_db.url,
        port,
        &[("CONFAB_METRICS_ADDR", format!("127.0.0.1:{metrics_port}"))],
    );
    let base = format!("http://127.0.0.1:{port}");
    let metrics = format!("http://127.0.0.1:{metrics_port}/metrics");
    let http = crate::support::http_client();
    wait_ready(&http, &base, DEADLINE).await;

    // Never on the public listener.
    let public = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("GET");
    assert_eq!(public.status(), StatusCode::NOT_FOUND);

    let before = scrape(&http, &metrics).await;
    let (token, chat_id) = crate::support::visitor_at(&http, &base).await;
    for i in 0..3 {
        let res = http
            .post(format!("{base}/api/support_chat/messages"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "content": format!("hello {i}") }))
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let after = scrape(&http, &metrics).await;
    let moved = |key: &str| {
        after.get(key).copied().unwrap_or(0.0) - before.get(key).copied().unwrap_or(0.0)
    };
    assert_eq!(
        moved(
            r#"confab_http_requests_total{method="POST",route="/api/support_chat/messages",status="201"}"#
        ),
        3.0,
        "{after:#?}"
    );
    assert_eq!(
        moved(
            r#"confab_http_requests_total{method="POST",route="/api/widget/session",status="201"}"#
        ),
        1.0
    );
    assert_eq!(moved(r#"confab_messages_posted_total{sender="user"}"#), 3.0);
    assert!(
        after
            .keys()
            .any(|k| k.starts_with("confab_http_request_duration_seconds_count")),
        "latency histogram"
    );
    assert!(after.contains_key(r#"confab_db_pool_connections{state="in_use"}"#));
    assert_eq!(
        after.get(r#"confab_reply_email_jobs{state="pending"}"#),
        Some(&0.0)
    );
    // A staff reply waits as a reply-email job.
    let signed_in = http
        .post(format!("{base}/rpc/auth/sign_in"))
        .form(&[
            ("email", "desk@example.com"),
            ("password", "staff password"),
        ])
        .send()
        .await
        .expect("sign in");
    let cookie = crate::support::session_cookie(&signed_in).expect("cookie");
    let reply = http
        .post(format!("{base}/api/admin/chats/{chat_id}/messages"))
        .header(header::COOKIE, &cookie)
        .json(&serde_json::json!({ "content": "a reply" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(reply.status(), StatusCode::CREATED);
    let replied = scrape(&http, &metrics).await;
    assert_eq!(
        replied.get(r#"confab_reply_email_jobs{state="pending"}"#),
        Some(&1.0)
    );
    assert_eq!(
        replied.get(r#"confab_messages_posted_total{sender="staff"}"#),
        Some(&1.0)
    );

    // A socket counts while open.
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}/ws"))
        .await
        .expect("socket");
    {
        use futures::{SinkExt, StreamExt};
        socket
            .send(tokio_tungstenite::tungstenite::Message::text(
                serde_json::json!({"type": "auth", "token": token}).to_string(),
            ))
            .await
            .expect("auth");
        let ready = socket.next().await.expect("frame").expect("readable");
        assert!(ready.to_text().expect("text").contains("ready"));
    }
    let open = scrape(&http, &metrics).await;
    assert_eq!(open.get(r#"confab_sockets_open{kind="user"}"#), Some(&1.0));
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    memory_kib(pid, "VmRSS")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_hundred_parallel_sign_ups_keep_memory_bounded_and_readiness_answering() {
    let test_db = TestDb::new().await;
    let _db = test_db.migrated().await;
    let port = free_port();
    let server = ConfabProcess::start_with_env(
        &test_db.url,
        port,
        &[
            // One test machine plays 400 people: only the hashing capacity may hold them back.
            ("CONFAB_SIGN_UPS_PER_HOUR", "100000".to_owned()),
            ("CONFAB_CONNECTIONS_PER_ADDRESS", "100000".to_owned()),
        ],
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = crate::support::http_builder()
        .timeout(DEADLINE)
        .build()
        .expect("client");
    wait_ready(&http, &base, DEADLINE).await;
    let pid = server.pid();
    let idle = rss_kib(pid);

    // While the flood runs: memory sampled, and readiness asked every 200 ms.
    let flooding = Arc::new(AtomicBool::new(true));
    let peak = Arc::new(AtomicU64::new(idle));
    let slowest_ready_ms = Arc::new(AtomicU64::new(0));
    let watcher = {
        let (flooding, peak, slowest) = (
            Arc::clone(&flooding),
            Arc::clone(&peak),
            Arc::clone(&slowest_ready_ms),
        );
        let probe = crate::support::http_builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        let ready_url = format!("{base}/readyz");
        tokio::spawn(async move {
            while flooding.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                let started = std::time::Instant::now();
                let ready = probe.get(&ready_url).send().await;
                assert!(
                    ready.is_ok_and(|r| r.status() == StatusCode::OK),
                    "/readyz must answer during the flood"
                );
                let took = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                slowest.fetch_max(took, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };

    let answers = join_all((0..400).map(|i| {
        let request = http.post(format!("{base}/rpc/auth/sign_up")).form(&[
            ("email", format!("flood{i}@example.com")),
            ("password", "long enough password".to_owned()),
        ]);
        async move {
            let res = request.send().await.expect("an answer to every sign-up");
            let status = res.status();
            let retry = res.headers().contains_key(header::RETRY_AFTER);
            let body: Value = res.json().await.unwrap_or(Value::Null);
            (status, retry, body)
        }
    }))
    .await;
    flooding.store(false, Ordering::Relaxed);
    watcher
        .await
        .expect("the readiness watcher saw every answer");

    let created = answers
        .iter()
        .filter(|(s, ..)| *s == StatusCode::OK)
        .count();
    for (status, retry, body) in &answers {
        if *status != StatusCode::OK {
            assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
            assert_eq!(body["code"], "busy", "{body}");
            assert!(retry, "503 carries Retry-After");
        }
    }
    let grown_mib = peak.load(Ordering::Relaxed).saturating_sub(idle) / 1024;
    println!(
        "400 parallel sign-ups: {created} created, {} busy; RSS idle {} MiB, peak +{grown_mib} MiB; slowest /readyz {} ms",
        400 - created,
        idle / 1024,
        slowest_ready_ms.load(Ordering::Relaxed)
    );
    assert!(created > 0, "some sign-ups go through");
    assert!(grown_mib < 300, "RSS grew by {grown_mib} MiB");
}
