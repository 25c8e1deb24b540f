//! The dashboard's list over HTTP: pages of `limit` chats followed through `Link` headers, in
//! list order, each chat once, with the spec's fields and figures kept on each chat's row.

use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::support::{TestApp, error_of, visitor_at};

/// One page: its chats and the next page's path from `Link`, if any.
async fn page(app: &TestApp, path: &str, staff: &str) -> (Vec<Value>, Option<String>) {
    let res = app.get_with_cookie(path, staff).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let next = res
        .headers()
        .get(header::LINK)
        .map(|v| v.to_str().expect("ascii").to_owned())
        .map(|link| {
            let (target, rel) = link.split_once("; ").expect("<URL>; rel=...");
            assert_eq!(rel, "rel=\"next\"");
            target
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        });
    (res.json().await.expect("json array"), next)
}

async fn post(app: &TestApp, token: &str, content: &str) {
    let res = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .bearer_auth(token)
        .json(&json!({ "content": content }))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_list_pages_through_link_headers_in_order_with_the_spec_fields() {
    let app = TestApp::spawn().await;
    let staff = app.admin_session("lister@example.com").await;
    // Seven chats: five with messages (written in this order), two without.
    let mut with_messages = Vec::new();
    for n in 0..5 {
        let (token, chat_id) = visitor_at(&app.http, &app.url).await;
        let text = if n == 2 {
            "x".repeat(150)
        } else {
            format!("message {n}")
        };
        post(&app, &token, &text).await;
        with_messages.push(chat_id);
    }
    let mut without = Vec::new();
    for _ in 0..2 {
        without.push(visitor_at(&app.http, &app.url).await.1);
    }

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut next = Some("/api/admin/chats?limit=3".to_owned());
    while let Some(path) = next {
        let (chats, link) = page(&app, &path, &staff).await;
        sizes.push(chats.len());
        seen.extend(chats);
        next = link;
    }
    assert_eq!(sizes, [3, 3, 1], "pages of 3; the last has no Link");
    let ids: Vec<&str> = seen.iter().map(|c| c["id"].as_str().expect("id")).collect();
    // Newest activity first; chats without messages last (the newer of them first).
    let mut expected: Vec<&str> = with_messages.iter().rev().map(String::as_str).collect();
    expected.extend(without.iter().rev().map(String::as_str));
    assert_eq!(ids, expected);

    let fields: Vec<&str> = seen[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "archived",
            "id",
            "last_message_at",
            "last_message_preview",
            "last_message_sender",
            "message_count",
            "unread",
            "user_email",
            "user_id"
        ]
    );
    let long = &seen[2];
    assert_eq!(long["message_count"], 1);
    assert_eq!(long["last_message_sender"], "user");
    assert_eq!(long["unread"], true);
    let preview = long["last_message_preview"].as_str().expect("preview");
    assert_eq!(preview.chars().count(), 101, "100 characters and …");
    assert!(preview.ends_with('…'));
    let empty = &seen[6];
    assert_eq!(
        (
            &empty["message_count"],
            &empty["last_message_preview"],
            &empty["unread"]
        ),
        (&json!(0), &Value::Null, &json!(false))
    );
}

#[tokio::test]
async fn figures_follow_every_message_and_staff_views() {
    let app = TestApp::spawn().await;
    let staff = app.admin_session("figures@example.com").await;
    let (token, chat_id) = visitor_at(&app.http, &app.url).await;
    post(&app, &token, "first").await;
    post(&app, &token, "second").await;
    let res = app
        .http
        .post(app.at(&format!("/api/admin/chats/{chat_id}/messages")))
        .header(header::COOKIE, &staff)
        .json(&json!({ "content": "staff answer" }))
        .send()
        .await
        .expect("reply");
    assert_eq!(res.status(), StatusCode::CREATED);
    let (chats, _) = page(&app, "/api/admin/chats", &staff).await;
    assert_eq!(chats[0]["message_count"], 3);
    assert_eq!(chats[0]["last_message_preview"], "staff answer");
    assert_eq!(chats[0]["last_message_sender"], "admin");
    assert_eq!(
        chats[0]["unread"], true,
        "the user wrote; staff never opened it"
    );

    let opened = app
        .get_with_cookie(&format!("/api/admin/chats/{chat_id}"), &staff)
        .await;
    assert_eq!(opened.status(), StatusCode::OK);
    let (chats, _) = page(&app, "/api/admin/chats", &staff).await;
    assert_eq!(chats[0]["unread"], false);
    post(&app, &token, "third").await;
    let (chats, _) = page(&app, "/api/admin/chats", &staff).await;
    assert_eq!(
        (&chats[0]["unread"], &chats[0]["message_count"]),
        (&json!(true), &json!(4))
    );
}

#[tokio::test]
async fn bad_paging_gets_clear_errors() {
    let app = TestApp::spawn().await;
    let staff = app.admin_session("pager@example.com").await;
    for (path, status) in [
        ("/api/admin/chats?limit=0", StatusCode::UNPROCESSABLE_ENTITY),
        (
            "/api/admin/chats?limit=201",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/api/admin/chats?after=nope", StatusCode::BAD_REQUEST),
        (
            "/api/admin/chats?after=01a23300-0a3e-76c6-85e0-d163f108b7c5",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (got, _code, message) = error_of(app.get_with_cookie(path, &staff).await).await;
        assert_eq!(got, status, "{path}");
        assert!(!message.is_empty(), "{path}: a message");
    }
}
