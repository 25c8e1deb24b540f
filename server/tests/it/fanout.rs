//! Several instances on one PostgreSQL database: a user on one and staff on another talk
//! live, and delivery survives the loss of every database connection (the relay listener
//! reconnects and resynchronises). Skipped on SQLite, which serves one process.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::json;
use uuid::Uuid;

use crate::{
    socket::{Client, visitor_with_chat},
    support::TestApp,
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
