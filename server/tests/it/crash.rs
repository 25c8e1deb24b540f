//! The server as a process of its own: killed with SIGKILL while clients write, then restarted
//! on the same database, every acknowledged message exists exactly once (clients retry
//! unacknowledged sends with the same `client_id`), and a subscriber that resumes sees every
//! committed message once, in `seq` order. Stopped normally, it closes its sockets with 1012.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use tokio_tungstenite::{connect_async, tungstenite::Message};
use uuid::Uuid;

use domain::entities::{SupportMessage, support_message};

use crate::support::{ConfabProcess, TestDb, free_port, visitor_at, wait_ready};

/// Messages the writer sends, across the crash.
const MESSAGES: usize = 40;
/// The crash comes after this many acknowledged messages.
const CRASH_AFTER: usize = 15;
/// The longest anything may take.
const DEADLINE: Duration = Duration::from_secs(60);

/// Follows the chat over `/ws`, reconnecting and resuming with `after` whenever the socket
/// drops, and records every `seq` delivered, in arrival order.
async fn follow(base: String, token: String, chat_id: String, seen: Arc<Mutex<Vec<i64>>>) {
    let url = format!("{}/ws", base.replacen("http", "ws", 1));
    loop {
        let Ok((mut socket, _)) = connect_async(url.as_str()).await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let after = seen.lock().expect("lock").last().copied().unwrap_or(0);
        let hello = [
            json!({"type": "auth", "token": token}),
            json!({"type": "subscribe", "channel": "chat", "chat_id": chat_id, "after": after}),
        ];
        for frame in hello {
            if socket.send(Message::text(frame.to_string())).await.is_err() {
                continue;
            }
        }
        while let Some(Ok(message)) = socket.next().await {
            let Message::Text(text) = message else {
                continue;
            };
            let frame: Value = serde_json::from_str(&text).expect("JSON frame");
            if frame["type"] == "new_message" {
                let seq = frame["message"]["seq"].as_i64().expect("seq");
                seen.lock().expect("lock").push(seq);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_loses_and_duplicates_nothing() {
    let test_db = TestDb::new().await;
    let db = test_db.migrated().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = crate::support::http_builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let mut server = ConfabProcess::start_with_env(&test_db.url, port, &no_message_limit());
    wait_ready(&http, &base, DEADLINE).await;

    let (token, chat_id) = visitor_at(&http, &base).await;

    let seen = Arc::new(Mutex::new(Vec::new()));
    let follower = tokio::spawn(follow(
        base.clone(),
        token.clone(),
        chat_id.clone(),
        Arc::clone(&seen),
    ));

    let started = Instant::now();
    let mut acknowledged = Vec::new();
    for i in 0..MESSAGES {
        let client_id = Uuid::now_v7();
        // Unacknowledged sends are retried with the same client_id until one is answered.
        loop {
            assert!(started.elapsed() < DEADLINE, "the writer ran out of time");
            let res = http
                .post(format!("{base}/api/support_chat/messages"))
                .bearer_auth(&token)
                .json(&json!({"content": format!("message {i}"), "client_id": client_id}))
                .send()
                .await;
            // Only what a client retries: no answer (the server is down or starting). Any
            // answer but a created or known message is a failure to report, not to hide.
            match res {
                Ok(res)
                    if res.status() == StatusCode::CREATED || res.status() == StatusCode::OK =>
                {
                    acknowledged.push(client_id);
                    break;
                }
                Ok(res) => {
                    let status = res.status();
                    panic!(
                        "message {i} answered {status}: {}",
                        res.text().await.unwrap_or_default()
                    );
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        if acknowledged.len() == CRASH_AFTER {
            server.kill();
            server = ConfabProcess::start_with_env(&test_db.url, port, &no_message_limit());
        }
    }

    for client_id in &acknowledged {
        let copies = SupportMessage::find()
            .filter(support_message::Column::ClientId.eq(*client_id))
            .count(&db)
            .await
            .expect("count");
        assert_eq!(copies, 1, "acknowledged message {client_id} stored once");
    }
    let stored: Vec<i64> = SupportMessage::find()
        .order_by_asc(support_message::Column::Seq)
        .all(&db)
        .await
        .expect("messages")
        .iter()
        .map(|m| m.seq)
        .collect();
    assert_eq!(
        stored,
        (1..=MESSAGES as i64).collect::<Vec<_>>(),
        "no gaps, no extras"
    );

    // The follower catches up with everything committed, once each, in order.
    let deadline = Instant::now() + DEADLINE;
    while seen.lock().expect("lock").len() < MESSAGES && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    follower.abort();
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen, stored, "every committed message once, in seq order");
}

/// Stopping (SIGTERM) closes every socket with 1012, so clients resume at once elsewhere.
#[tokio::test]
async fn a_stopping_server_closes_sockets_with_1012() {
    let test_db = TestDb::new().await;
    let _db = test_db.migrated().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = crate::support::http_client();
    let server = ConfabProcess::start(&test_db.url, port);
    wait_ready(&http, &base, DEADLINE).await;
    let (mut socket, _) = connect_async(format!("ws://127.0.0.1:{port}/ws"))
        .await
        .expect("connect");
    socket
        .send(Message::text(json!({"type": "ping"}).to_string()))
        .await
        .expect("ping");
    server.terminate();
    let code = tokio::time::timeout(DEADLINE, async {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Close(frame) = message {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .expect("closed in time");
    assert_eq!(code, Some(1012));
}

/// 40 messages from one visitor in a moment: past the default message limit, which has tests
/// of its own.
fn no_message_limit() -> [(&'static str, String); 2] {
    [
        ("CONFAB_MESSAGES_PER_MINUTE", "1000000".to_owned()),
        ("CONFAB_MESSAGE_BURST", "1000000".to_owned()),
    ]
}
