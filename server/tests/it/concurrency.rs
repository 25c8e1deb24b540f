//! Many clients writing at once, over HTTP, as real traffic does: no write may fail because
//! another one was running, and every accepted write must be stored.

use std::collections::HashSet;

use futures::future::join_all;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

use crate::support::TestApp;

/// How many clients write at the same moment.
const CLIENTS: usize = 50;

/// Posts `content` as the visitor; returns the status and the body.
async fn post(app: &TestApp, token: &str, content: String) -> (StatusCode, Value) {
    let res = app.post_as(token, &content).await;
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Every post was answered 201 Created.
fn assert_all_created(results: &[(StatusCode, Value)]) {
    let failures: Vec<_> = results
        .iter()
        .filter(|(status, _)| *status != StatusCode::CREATED)
        .collect();
    assert!(failures.is_empty(), "failed posts: {failures:?}");
}

fn app_flags() -> [&'static str; 6] {
    [
        "--widget-sessions-per-hour",
        "1000",
        "--messages-per-minute",
        "1000000",
        "--message-burst",
        "1000000",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_posts_into_one_chat_are_all_stored() {
    let app = TestApp::spawn_with(&app_flags()).await;
    let token = app.visitor_token().await;
    // The chat exists before the burst, so every request races on posting alone.
    let chat = app.get_json("/api/support_chat", Some(&token)).await;
    let chat_id = chat["id"].as_str().expect("chat id").to_owned();

    let results = join_all((0..CLIENTS).map(|i| {
        let (app, token) = (&app, token.as_str());
        post(app, token, format!("burst message {i}"))
    }))
    .await;

    assert_all_created(&results);

    let stored = app
        .get_json("/api/support_chat/messages?limit=200", Some(&token))
        .await;
    let contents: HashSet<&str> = stored
        .as_array()
        .expect("array")
        .iter()
        .map(|m| m["content"].as_str().expect("content"))
        .collect();
    assert_eq!(contents.len(), CLIENTS, "every message stored once");
    for i in 0..CLIENTS {
        assert!(contents.contains(format!("burst message {i}").as_str()));
    }
    // The chat's newest-activity time is the newest message's, not an older writer's.
    let newest = stored
        .as_array()
        .and_then(|m| m.last())
        .expect("a newest message");
    let chat_row =
        domain::entities::SupportChat::find_by_id(chat_id.parse::<uuid::Uuid>().expect("uuid"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("chat row");
    assert_eq!(
        chat_row
            .last_message_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        newest["created_at"].as_str().map(str::to_owned),
        "last_message_at is the newest message's time"
    );
    // The list's figures on the row counted every one of them, and name the newest.
    assert_eq!(chat_row.message_count, CLIENTS as i64);
    assert_eq!(
        chat_row.last_message_preview.as_deref(),
        newest["content"].as_str()
    );
}

/// Fifty sends of one message (one `client_id`) at once, as a client retrying on a flaky
/// network might: one creates it (201), every other answers it (200), it is stored once. On
/// PostgreSQL the resends wait for the chat's row lock and must then see the message the first
/// one committed, not the database as it was when their statement began.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_resends_of_one_message_at_once_store_it_once() {
    let app = TestApp::spawn_with(&app_flags()).await;
    let token = app.visitor_token().await;
    app.get_json("/api/support_chat", Some(&token)).await;
    let client_id = uuid::Uuid::now_v7();

    let results = join_all((0..CLIENTS).map(|_| {
        let (app, token) = (&app, token.as_str());
        async move {
            let res = app
                .http
                .post(app.at("/api/support_chat/messages"))
                .bearer_auth(token)
                .json(&serde_json::json!({ "content": "once", "client_id": client_id }))
                .send()
                .await
                .expect("send");
            let status = res.status();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    }))
    .await;

    let created = results
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .count();
    let answered = results
        .iter()
        .filter(|(status, _)| *status == StatusCode::OK)
        .count();
    assert_eq!(
        (created, answered),
        (1, CLIENTS - 1),
        "one created, the rest answered: {:?}",
        results
            .iter()
            .map(|(status, _)| status.as_u16())
            .collect::<Vec<_>>()
    );
    let ids: HashSet<&str> = results
        .iter()
        .map(|(_, body)| body["id"].as_str().expect("a message id"))
        .collect();
    assert_eq!(ids.len(), 1, "every answer is the same message");
    let stored = app
        .get_json("/api/support_chat/messages", Some(&token))
        .await;
    assert_eq!(stored.as_array().map(Vec::len), Some(1), "stored once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_visitors_posting_at_once_are_all_stored() {
    let app = TestApp::spawn_with(&app_flags()).await;
    // The visitors' sessions are created at once too: another write path under contention.
    let tokens = join_all((0..CLIENTS).map(|_| app.visitor_token())).await;

    let results = join_all(
        tokens
            .iter()
            .enumerate()
            .map(|(i, token)| post(&app, token, format!("visitor {i} says hi"))),
    )
    .await;
    assert_all_created(&results);

    let messages = domain::entities::SupportMessage::find()
        .count(&app.db)
        .await
        .expect("count messages");
    let chats = domain::entities::SupportChat::find()
        .count(&app.db)
        .await
        .expect("count chats");
    assert_eq!(messages, CLIENTS as u64, "one stored message per visitor");
    assert_eq!(chats, CLIENTS as u64, "one chat per visitor");

    // Every message written in the crowd is in the search index (the triggers ran inside
    // each posting transaction): all of them by a shared word, each one by its own number.
    use domain::{chat_search::SearchTerms, chats as chat_service};
    let search = |q: &str| SearchTerms::parse(q).expect("valid").expect("not blank");
    let all = chat_service::list_for_admin(
        &app.db,
        chat_service::ListScope::Active,
        Some(&search("says")),
        None,
        None,
        200,
    )
    .await
    .expect("search");
    assert_eq!(all.chats.len(), CLIENTS);
    assert!(all.chats.iter().all(|c| {
        c.match_snippet
            .as_deref()
            .is_some_and(|s| s.contains("says"))
    }));
    let one = chat_service::list_for_admin(
        &app.db,
        chat_service::ListScope::Active,
        Some(&search("visitor 37")),
        None,
        None,
        200,
    )
    .await
    .expect("search");
    assert_eq!(one.chats.len(), 1);
    assert_eq!(
        one.chats[0].match_snippet.as_deref(),
        Some("visitor 37 says hi")
    );
}

/// Staff opening a chat is a write too (it marks the user's messages read): staff views
/// racing the user's posts all succeed, and every post is stored and counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_views_racing_user_posts_all_succeed() {
    let app = TestApp::spawn_with(&app_flags()).await;
    let staff = app.admin_session("racer@example.com").await;
    let token = app.visitor_token().await;
    let chat = app.get_json("/api/support_chat", Some(&token)).await;
    let chat_id = chat["id"].as_str().expect("chat id").to_owned();

    let posts = join_all((0..CLIENTS / 2).map(|i| {
        let (app, token) = (&app, token.as_str());
        post(app, token, format!("racing message {i}"))
    }));
    let views = join_all((0..CLIENTS / 2).map(|_| {
        let (app, staff, path) = (&app, staff.as_str(), format!("/api/admin/chats/{chat_id}"));
        async move { app.get_with_cookie(&path, staff).await.status() }
    }));
    let (posted, viewed) = futures::join!(posts, views);

    assert_all_created(&posted);
    assert!(
        viewed.iter().all(|s| *s == StatusCode::OK),
        "staff views: {viewed:?}"
    );
    let chat_row =
        domain::entities::SupportChat::find_by_id(chat_id.parse::<uuid::Uuid>().expect("uuid"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("chat row");
    assert_eq!(chat_row.message_count, (CLIENTS / 2) as i64);
    assert_eq!(chat_row.last_seq, (CLIENTS / 2) as i64);
}
