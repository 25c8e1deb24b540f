//! The chat REST API over HTTP: every endpoint, cookie and bearer callers, and bad input.

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{TestApp, error_of};

const SHOP: &str = "https://shop.example.com";

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app
        .http
        .request(method, app.at(path))
        .header(header::COOKIE, cookie);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

async fn json_of(res: reqwest::Response, expected: StatusCode) -> Value {
    assert_eq!(res.status(), expected);
    res.json().await.expect("json")
}

#[tokio::test]
async fn a_conversation_through_every_endpoint() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("uma@example.com", "right password").await;
    let admin = app.admin_session("desk@example.com").await;

    let chat = json_of(
        call(&app, Method::GET, "/api/support_chat", &user, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(chat["messages"], json!([]));
    let chat_id = chat["id"].as_str().expect("id").to_owned();

    let sent = json_of(
        call(
            &app,
            Method::POST,
            "/api/support_chat/messages",
            &user,
            Some(json!({"content": " Hello! "})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(sent["content"], "Hello!");
    assert_eq!(sent["sender_type"], "user");
    assert_eq!(sent["read_at"], Value::Null);
    let created_at = sent["created_at"].as_str().expect("timestamp");
    assert!(
        created_at.ends_with('Z') && created_at.contains('T'),
        "ISO-8601 UTC: {created_at}"
    );

    let list = json_of(
        call(&app, Method::GET, "/api/admin/chats", &admin, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list[0]["id"], chat_id.as_str());
    assert_eq!(list[0]["user_email"], "uma@example.com");
    assert_eq!(list[0]["unread"], true);
    assert_eq!(list[0]["message_count"], 1);
    assert_eq!(list[0]["last_message_preview"], "Hello!");

    let viewed = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/admin/chats/{chat_id}"),
            &admin,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(viewed["user_email"], "uma@example.com");
    assert_eq!(viewed["messages"][0]["content"], "Hello!");
    let list = json_of(
        call(
            &app,
            Method::GET,
            "/api/admin/chats?archived=false",
            &admin,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        list[0]["unread"], false,
        "viewing records the admin's visit"
    );

    let reply = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/admin/chats/{chat_id}/messages"),
            &admin,
            Some(json!({"content": "Hi Uma"})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(reply["sender_type"], "admin");

    let chat = json_of(
        call(&app, Method::GET, "/api/support_chat", &user, None).await,
        StatusCode::OK,
    )
    .await;
    let contents: Vec<&str> = chat["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(contents, ["Hello!", "Hi Uma"]);

    let marked = json_of(
        call(
            &app,
            Method::PATCH,
            "/api/support_chat/mark_read",
            &user,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(marked, json!({"marked_read": 1}));
    let marked = json_of(
        call(
            &app,
            Method::PATCH,
            "/api/support_chat/mark_read",
            &user,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(marked, json!({"marked_read": 0}));

    let first_id = chat["messages"][0]["id"].as_str().expect("id");
    let newer = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/support_chat/messages?after={first_id}"),
            &user,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(newer.as_array().map(Vec::len), Some(1));
    assert_eq!(newer[0]["content"], "Hi Uma");
    assert!(newer[0]["read_at"].is_string(), "read receipt shown");
    let older = json_of(
        call(
            &app,
            Method::GET,
            &format!(
                "/api/support_chat?before={}&limit=5",
                newer[0]["id"].as_str().expect("id")
            ),
            &user,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(older["messages"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn archiving_restoring_and_the_users_message_bringing_a_chat_back() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("vic@example.com", "right password").await;
    let admin = app.admin_session("desk@example.com").await;
    let chat = json_of(
        call(&app, Method::GET, "/api/support_chat", &user, None).await,
        StatusCode::OK,
    )
    .await;
    let id = chat["id"].as_str().expect("id").to_owned();

    let state = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/admin/chats/{id}/archive"),
            &admin,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(state["archived"], true);
    let archived = json_of(
        call(
            &app,
            Method::GET,
            "/api/admin/chats?archived=true",
            &admin,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(archived[0]["id"], id.as_str());
    let active = json_of(
        call(&app, Method::GET, "/api/admin/chats", &admin, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(active, json!([]));

    let state = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/admin/chats/{id}/unarchive"),
            &admin,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(state["archived"], false);
    let state = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/admin/chats/{id}/archive"),
            &admin,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(state["archived"], true, "archived again");
    let res = call(
        &app,
        Method::POST,
        "/api/support_chat/messages",
        &user,
        Some(json!({"content": "me again"})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let active = json_of(
        call(&app, Method::GET, "/api/admin/chats", &admin, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(active[0]["id"], id.as_str(), "auto-unarchived");
    assert_eq!(active[0]["archived"], false);
}

#[tokio::test]
async fn widget_visitors_use_the_same_paths_with_a_bearer_token() {
    let app = TestApp::spawn_with(&["--widget-origins", SHOP]).await;
    let session: Value = app
        .http
        .post(app.at("/api/widget/session"))
        .header(header::ORIGIN, SHOP)
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    let token = session["token"].as_str().expect("token");
    let res = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .header(header::ORIGIN, SHOP)
        .header("sec-fetch-site", "cross-site")
        .bearer_auth(token)
        .json(&json!({"content": "from the shop"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], SHOP);
    let chat = app.get_json("/api/support_chat", Some(token)).await;
    assert_eq!(chat["messages"][0]["content"], "from the shop");

    let res = app
        .http
        .get(app.at("/api/support_chat"))
        .header(header::ORIGIN, "https://evil.example")
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "other origins are refused"
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("wes@example.com", "right password").await;
    let admin = app.admin_session("desk@example.com").await;
    let chat = json_of(
        call(&app, Method::GET, "/api/support_chat", &user, None).await,
        StatusCode::OK,
    )
    .await;
    let id = chat["id"].as_str().expect("id").to_owned();

    // (method, path, session, body, expected status, words the message must contain)
    type Case<'a> = (Method, String, &'a str, Option<Value>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        (
            Method::POST,
            "/api/support_chat/messages".into(),
            &user,
            Some(json!({"content": "   "})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
        ),
        (
            Method::POST,
            "/api/support_chat/messages".into(),
            &user,
            Some(json!({"content": "x".repeat(5_001)})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "5000",
        ),
        (
            Method::POST,
            "/api/support_chat/messages".into(),
            &user,
            Some(json!({"text": "hi"})),
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            Method::GET,
            "/api/admin/chats/not-a-uuid".into(),
            &admin,
            None,
            StatusCode::BAD_REQUEST,
            "not a valid id",
        ),
        (
            Method::GET,
            format!("/api/admin/chats/{}", uuid::Uuid::now_v7()),
            &admin,
            None,
            StatusCode::NOT_FOUND,
            "no such chat",
        ),
        (
            Method::POST,
            format!("/api/admin/chats/{}/messages", uuid::Uuid::now_v7()),
            &admin,
            Some(json!({"content": "hi"})),
            StatusCode::NOT_FOUND,
            "no such chat",
        ),
        (
            Method::GET,
            format!("/api/admin/chats/{id}"),
            &user,
            None,
            StatusCode::FORBIDDEN,
            "staff",
        ),
        (
            Method::DELETE,
            "/api/support_chat/messages".into(),
            &user,
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "method",
        ),
        (
            Method::GET,
            "/api/support_chat?limit=0".into(),
            &user,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "limit",
        ),
        (
            Method::GET,
            "/api/support_chat?limit=many".into(),
            &user,
            None,
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            Method::GET,
            format!("/api/support_chat?before=nope&after={id}"),
            &user,
            None,
            StatusCode::BAD_REQUEST,
            "not a valid id",
        ),
        (
            Method::GET,
            format!("/api/support_chat/messages?after={}", uuid::Uuid::now_v7()),
            &user,
            None,
            StatusCode::NOT_FOUND,
            "cursor",
        ),
        (
            Method::GET,
            "/api/admin/chats?archived=maybe".into(),
            &admin,
            None,
            StatusCode::BAD_REQUEST,
            "archived",
        ),
        (
            Method::GET,
            "/api/no/such/thing".into(),
            &user,
            None,
            StatusCode::NOT_FOUND,
            "no such API endpoint",
        ),
    ];
    for (method, path, cookie, body, status, words) in cases {
        let (got, _, message) =
            error_of(call(&app, method.clone(), &path, cookie, body).await).await;
        assert_eq!(got, status, "{method} {path}: {message}");
        assert!(
            message.contains(words),
            "{method} {path}: {message:?} lacks {words:?}"
        );
    }

    let res = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .header(header::COOKIE, &user)
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"content": "unterminated"#)
        .send()
        .await
        .expect("POST");
    let (status, code, message) = error_of(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    assert!(
        message.contains("not valid JSON") && message.contains("line 1"),
        "{message}"
    );

    let chat = json_of(
        call(&app, Method::GET, "/api/support_chat", &user, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        chat["messages"],
        json!([]),
        "nothing was stored by any bad request"
    );
}

#[tokio::test]
async fn server_functions_apply_the_same_rules_as_the_rest_api() {
    /// A server function's JSON answer.
    async fn rpc_json(
        app: &TestApp,
        endpoint: &str,
        args: &[(&str, &str)],
        session: &str,
    ) -> Value {
        app.rpc(endpoint, args, Some(session))
            .await
            .json()
            .await
            .expect("json")
    }

    let app = TestApp::spawn().await;
    let user = app.sign_up("xia@example.com", "right password").await;
    let admin = app.admin_session("desk@example.com").await;

    let sent = app
        .rpc(
            "chat/send",
            &[("content", "  from the hosted widget ")],
            Some(&user),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::OK);
    let sent: Value = sent.json().await.expect("json");
    assert_eq!(sent["content"], "from the hosted widget");
    let blank = app.rpc("chat/send", &[("content", " ")], Some(&user)).await;
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let signed_out = app.rpc("chat/get", &[], None).await;
    assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);

    let chat: Value = app
        .rpc("chat/get", &[], Some(&user))
        .await
        .json()
        .await
        .expect("json");
    let chat_id = chat["id"].as_str().expect("id").to_owned();
    assert_eq!(chat["messages"][0]["id"], sent["id"]);

    let forbidden = app
        .rpc("admin/chats", &[("view", "open")], Some(&user))
        .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let list = rpc_json(&app, "admin/chats", &[("view", "open")], &admin).await;
    assert_eq!(list["chats"][0]["unread"], true);
    assert_eq!(list["next_after"], Value::Null, "one chat: no next page");
    let unread = rpc_json(&app, "admin/unread_count", &[], &admin).await;
    assert_eq!(unread, json!(1), "the user's message is unread");
    let searched = rpc_json(
        &app,
        "admin/chats",
        &[("view", "open"), ("search", "hosted widget")],
        &admin,
    )
    .await;
    assert_eq!(searched["chats"][0]["id"], chat_id.as_str());
    let viewed = rpc_json(&app, "admin/chat", &[("chat_id", &chat_id)], &admin).await;
    assert_eq!(viewed["chat"]["user_email"], "xia@example.com");
    assert_eq!(viewed["user"]["email"], "xia@example.com");
    assert_eq!(viewed["chat"]["messages"].as_array().map(Vec::len), Some(1));
    let unread = rpc_json(&app, "admin/unread_count", &[], &admin).await;
    assert_eq!(unread, json!(0), "viewed: nothing unread");
    let reply = app
        .rpc(
            "admin/reply",
            &[("chat_id", &chat_id), ("content", "hello Xia")],
            Some(&admin),
        )
        .await;
    assert_eq!(reply.status(), StatusCode::OK);
    let unknown = app
        .rpc(
            "admin/reply",
            &[
                ("chat_id", &uuid::Uuid::now_v7().to_string()),
                ("content", "hi"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let marked: Value = app
        .rpc("chat/mark_read", &[], Some(&user))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(marked, json!(1));
    let archived: Value = app
        .rpc(
            "admin/set_archived",
            &[("chat_id", &chat_id), ("archived", "true")],
            Some(&admin),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(archived, json!(true));
    let archived_list: Value = app
        .rpc("admin/chats", &[("view", "resolved")], Some(&admin))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(archived_list["chats"][0]["id"], chat_id.as_str());
}
