//! Several instances on one PostgreSQL database: a user on one and staff on another talk
//! live, and delivery survives the loss of every database connection and a restart of the
//! database server (the relay listener reconnects and resynchronises). Skipped on SQLite,
//! which serves one process.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use reqwest::header;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::json;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};
use uuid::Uuid;

use crate::{
    socket::{Client, visitor_with_chat},
    support::{ConfabProcess, TestApp, free_port, session_cookie, visitor_at, wait_ready},
};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A socket on the instance at `port` following the chat, with a token or a cookie.
async fn follow(port: u16, token: Option<&str>, cookie: Option<&str>, chat_id: &str) -> Socket {
    let mut request = format!("ws://127.0.0.1:{port}/ws")
        .into_client_request()
        .expect("request");
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert(header::COOKIE, cookie.parse().expect("cookie"));
    }
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let mut frames = Vec::new();
    if let Some(token) = token {
        frames.push(json!({"type": "auth", "token": token}));
    }
    frames.push(json!({"type": "subscribe", "channel": "chat", "chat_id": chat_id}));
    for frame in frames {
        socket
            .send(Message::text(frame.to_string()))
            .await
            .expect("send");
    }
    // Only a subscribed socket hears what is posted next: a message committed before then is
    // in no replay and no delivery, so the test waits here instead of racing the server.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Some(Ok(message))) = tokio::time::timeout(left, socket.next()).await else {
            panic!("the socket on port {port} was never subscribed");
        };
        if let Message::Text(text) = message {
            let frame: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            match frame["type"].as_str() {
                Some("subscribed") => return socket,
                Some("error") => panic!("subscribing on port {port} was refused: {frame}"),
                _ => {}
            }
        }
    }
}

/// The `seq` of the next `count` messages the socket delivers.
async fn seqs_of(socket: &mut Socket, count: i64, patience: Duration) -> Vec<i64> {
    let deadline = Instant::now() + patience;
    let mut seqs = Vec::new();
    while (seqs.len() as i64) < count {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Some(Ok(message))) = tokio::time::timeout(left, socket.next()).await else {
            panic!("delivery stopped after {seqs:?}");
        };
        if let Message::Text(text) = message {
            let frame: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            if frame["type"] == "new_message" {
                seqs.push(frame["message"]["seq"].as_i64().expect("seq"));
            }
        }
    }
    seqs
}

/// Tests that need PostgreSQL (instances sharing one database): `make check` filters them out on
/// SQLite (`--skip ::postgres::`), `make test` runs them on PostgreSQL.
mod postgres {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn instances_on_one_postgresql_deliver_each_others_messages() {
        let first = TestApp::spawn().await;
        assert_eq!(
            first.backend(),
            DatabaseBackend::Postgres,
            "needs PostgreSQL: DATABASE_URL=postgres://… (make test runs it)"
        );
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

    /// Two `confab` processes on one PostgreSQL server that restarts in the middle: a user on one
    /// and staff on the other exchange messages, and both see every message once, in order. The
    /// restart would disturb tests running beside it, so `make test` runs this one alone against a
    /// server of its own (`CONFAB_TEST_PG_DIR` names its data directory).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[ignore = "restarts the PostgreSQL server; make test runs it alone"]
    async fn two_processes_survive_a_postgresql_restart() {
        const MESSAGES: i64 = 8;
        let Ok(pg_dir) = std::env::var("CONFAB_TEST_PG_DIR") else {
            panic!("CONFAB_TEST_PG_DIR must name the throwaway server's directory");
        };
        let test_db = crate::support::TestDb::new().await;
        let db = test_db.migrated().await;
        domain::auth::accounts::create_admin(&db, "desk@example.com", None, "staff-password")
            .await
            .expect("staff account");
        let patience = Duration::from_secs(60);
        let http = crate::support::http_client();
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
        let signed_in = http
            .post(format!("{base_b}/rpc/auth/sign_in"))
            .form(&[
                ("email", "desk@example.com"),
                ("password", "staff-password"),
            ])
            .send()
            .await
            .expect("sign in on B");
        let cookie = session_cookie(&signed_in).expect("staff session");

        // The user follows on A, staff on B.
        let mut user = follow(port_a, Some(&token), None, &chat_id).await;
        let mut staff = follow(port_b, None, Some(&cookie), &chat_id).await;

        // Odd messages from the user on A, even ones from staff on B; retried with the same
        // client_id while the database is down.
        let post = |n: i64| {
            let (http, chat_id) = (http.clone(), chat_id.clone());
            let (url, credential) = if n % 2 == 1 {
                (
                    format!("{base_a}/api/support_chat/messages"),
                    (header::AUTHORIZATION, format!("Bearer {token}")),
                )
            } else {
                (
                    format!("{base_b}/api/admin/chats/{chat_id}/messages"),
                    (header::COOKIE, cookie.clone()),
                )
            };
            async move {
                let deadline = Instant::now() + patience;
                let client_id = Uuid::now_v7();
                loop {
                    assert!(Instant::now() < deadline, "message {n} never went through");
                    let res = http
                        .post(&url)
                        .header(credential.0.clone(), &credential.1)
                        .json(&json!({"content": format!("message {n}"), "client_id": client_id}))
                        .send()
                        .await;
                    // What a client retries: no answer, or the server's own trouble while its
                    // database restarts (5xx). A refusal (4xx) would be refused again: a bug.
                    match res {
                        Ok(r) if r.status().is_success() => return,
                        Ok(r) if r.status().is_client_error() => {
                            let status = r.status();
                            panic!(
                                "message {n} refused: {status} {}",
                                r.text().await.unwrap_or_default()
                            );
                        }
                        Ok(_) | Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                }
            }
        };
        for n in 1..=3 {
            post(n).await;
        }
        let restart = std::process::Command::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/throwaway-postgres.sh"
        ))
        .args(["restart", &pg_dir])
        .status()
        .expect("run the restart");
        assert!(restart.success(), "PostgreSQL restarted");
        for n in 4..=MESSAGES {
            post(n).await;
        }

        let expected: Vec<i64> = (1..=MESSAGES).collect();
        assert_eq!(
            seqs_of(&mut user, MESSAGES, patience).await,
            expected,
            "the user on A"
        );
        assert_eq!(
            seqs_of(&mut staff, MESSAGES, patience).await,
            expected,
            "staff on B"
        );
    }
}
