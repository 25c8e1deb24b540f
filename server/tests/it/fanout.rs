//! Several instances on one PostgreSQL database: a user on one and staff on another talk
//! live, and delivery survives the loss of every database connection and a restart of the
//! database server (the relay listener reconnects and resynchronises). Skipped on SQLite,
//! which serves one process.

use futures::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::json;
use uuid::Uuid;

use crate::{
    socket::{Client, visitor_with_chat},
    support::{ConfabProcess, TestApp, free_port, visitor_at, wait_ready},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_on_one_postgresql_deliver_each_others_messages() {
    let first = TestApp::spawn().await;
    if first.backend() != DatabaseBackend::Postgres {
        return;
    }
    let second = first.another_instance().await;
    let (token, chat_id) = visitor_with_chat(&first).await;
    let staff_cookie = second.admin_session("desk@example.com").await;

    let mut user = Client::visitor(&first, &token).await;
    user.subscribe_chat(&chat_id, None).await;
    let mut staff = Client::staff(&second, &staff_cookie).await;
    staff
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    staff.expect("subscribed").await;
    staff.subscribe_chat(&chat_id, None).await;

    user.send(json!({"type": "send_message", "chat_id": chat_id, "content": "from instance one", "client_id": Uuid::now_v7()}))
        .await;
    let heard = staff.until("new_message").await;
    assert_eq!(heard["message"]["content"], "from instance one");
    let alert = staff.until("new_user_message").await;
    assert_eq!(alert["chat_id"], chat_id.as_str());

    staff.send(json!({"type": "send_message", "chat_id": chat_id, "content": "from instance two", "client_id": Uuid::now_v7()}))
        .await;
    let reply = loop {
        let frame = user.until("new_message").await;
        if frame["message"]["sender_type"] == "admin" {
            break frame;
        }
    };
    assert_eq!(reply["message"]["content"], "from instance two");
    // Staff's own copy of the reply, after the `sent` answer.
    let echo = staff.until("new_message").await;
    assert_eq!(echo["message"]["seq"], 2);

    // Every connection to the database dies, the relay listeners' included; messages posted
    // meanwhile on the first instance still reach staff on the second, once each, in order.
    let killed = Statement::from_string(
        DatabaseBackend::Postgres,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    first
        .db
        .execute_raw(killed)
        .await
        .expect("terminate connections");
    for i in 0..5 {
        let res = first
            .http
            .post(first.at("/api/support_chat/messages"))
            .bearer_auth(&token)
            .json(&json!({"content": format!("while reconnecting {i}")}))
            .send()
            .await
            .expect("POST");
        assert!(res.status().is_success(), "{}", res.status());
    }
    let mut seqs = Vec::new();
    while seqs.len() < 5 {
        let frame = staff.until("new_message").await;
        seqs.push(frame["message"]["seq"].as_i64().expect("seq"));
    }
    assert_eq!(seqs, [3, 4, 5, 6, 7], "every message once, in order");
}

/// Two `confab` processes on one PostgreSQL server that restarts in the middle: delivery
/// resumes with nothing lost or duplicated. The restart would disturb tests running beside
/// it, so `make test` runs this one alone against a server of its own
/// (`CONFAB_TEST_PG_DIR` names its data directory).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "restarts the PostgreSQL server; make test runs it alone"]
async fn two_processes_survive_a_postgresql_restart() {
    let Ok(pg_dir) = std::env::var("CONFAB_TEST_PG_DIR") else {
        panic!("CONFAB_TEST_PG_DIR must name the throwaway server's directory");
    };
    let test_db = crate::support::TestDb::new().await;
    let _db = test_db.migrated().await;
    let patience = std::time::Duration::from_secs(60);
    let http = reqwest::Client::new();
    let (port_a, port_b) = (free_port(), free_port());
    let _a = ConfabProcess::start(&test_db.url, port_a);
    let _b = ConfabProcess::start(&test_db.url, port_b);
    let (base_a, base_b) = (
        format!("http://127.0.0.1:{port_a}"),
        format!("http://127.0.0.1:{port_b}"),
    );
    wait_ready(&http, &base_a, patience).await;
    wait_ready(&http, &base_b, patience).await;

    let (token, chat_id) = visitor_at(&http, &base_a).await;

    // A visitor follows the chat on instance B; messages are posted on instance A.
    let (mut follower, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port_b}/ws"))
        .await
        .expect("connect to B");
    for frame in [
        json!({"type": "auth", "token": token}),
        json!({"type": "subscribe", "channel": "chat", "chat_id": chat_id}),
    ] {
        follower
            .send(tokio_tungstenite::tungstenite::Message::text(
                frame.to_string(),
            ))
            .await
            .expect("send");
    }
    let post = |i: usize| {
        let (http, base_a, token) = (http.clone(), base_a.clone(), token.clone());
        async move {
            let deadline = std::time::Instant::now() + patience;
            let client_id = Uuid::now_v7();
            // Retried with the same client_id while the database is down.
            loop {
                assert!(
                    std::time::Instant::now() < deadline,
                    "message {i} never went through"
                );
                let res = http
                    .post(format!("{base_a}/api/support_chat/messages"))
                    .bearer_auth(&token)
                    .json(&json!({"content": format!("message {i}"), "client_id": client_id}))
                    .send()
                    .await;
                if res.is_ok_and(|r| r.status().is_success()) {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    };
    for i in 0..3 {
        post(i).await;
    }
    let restart = std::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/throwaway-postgres.sh"
    ))
    .args(["restart", &pg_dir])
    .status()
    .expect("run the restart");
    assert!(restart.success(), "PostgreSQL restarted");
    for i in 3..8 {
        post(i).await;
    }

    let mut seqs = Vec::new();
    let deadline = std::time::Instant::now() + patience;
    while seqs.len() < 8 {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let Ok(Some(Ok(message))) = tokio::time::timeout(left, follower.next()).await else {
            panic!("delivery stopped after {seqs:?}");
        };
        if let tokio_tungstenite::tungstenite::Message::Text(text) = message {
            let frame: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            if frame["type"] == "new_message" {
                seqs.push(frame["message"]["seq"].as_i64().expect("seq"));
            }
        }
    }
    assert_eq!(
        seqs,
        (1..=8).collect::<Vec<i64>>(),
        "every message once, in order"
    );
}
