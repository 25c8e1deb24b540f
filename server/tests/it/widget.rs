//! Visitors of embedding sites: anonymous and verified widget sessions, the allowed-origins
//! policy, and the new-session rate limit.

use domain::entities::columns::{RoleColumn, SenderColumn};
use domain::{
    clock,
    entities::{SupportChat, SupportMessage, User, support_chat, support_message, user},
};
use reqwest::{Response, StatusCode, header};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{TestApp, error_of};

const SECRET: &str = "test identity secret";
const SHOP: &str = "https://shop.example.com";

/// `user-hash` as an embedding site computes it.
fn user_hash(external_id: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(external_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn widget_app() -> TestApp {
    TestApp::spawn_with(&["--identity-secret", SECRET, "--widget-origins", SHOP]).await
}

async fn start(app: &TestApp, token: Option<&str>, body: Option<Value>) -> Response {
    let mut request = app
        .http
        .post(app.at("/api/widget/session"))
        .header(header::ORIGIN, SHOP);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("POST")
}

async fn session_of(res: Response) -> (String, Value) {
    assert!(res.status().is_success(), "{}", res.status());
    let body: Value = res.json().await.expect("json");
    let token = body["token"].as_str().expect("token").to_owned();
    (token, body["visitor"].clone())
}

#[tokio::test]
async fn anonymous_visitors_get_a_token_they_can_resume_and_add_an_email_to() {
    let app = widget_app().await;
    let res = start(&app, None, None).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], SHOP);
    let (token, visitor) = session_of(res).await;
    assert_eq!(token.len(), 64);
    assert_eq!(visitor["email"], Value::Null);
    assert_eq!(visitor["verified"], false);

    let me = app.get_json("/api/me", Some(&token)).await;
    assert_eq!(me["id"], visitor["id"]);

    let resumed = start(&app, Some(&token), None).await;
    assert_eq!(resumed.status(), StatusCode::OK);
    let (same, again) = session_of(resumed).await;
    assert_eq!(
        (same.as_str(), &again["id"]),
        (token.as_str(), &visitor["id"])
    );

    let patch = |body: &'static str| {
        app.http
            .patch(app.at("/api/widget/visitor"))
            .bearer_auth(&token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
    };
    let updated: Value = patch(r#"{"email":"Visitor@Example.com"}"#)
        .await
        .expect("PATCH")
        .json()
        .await
        .expect("json");
    assert_eq!(updated["email"], "visitor@example.com");
    let (status, code, _) = error_of(patch(r#"{"email":"nope"}"#).await.expect("PATCH")).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let (status, _, message) = error_of(patch(r#"{"email": "#).await.expect("PATCH")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("not valid JSON"), "{message}");
}

#[tokio::test]
async fn verified_identities_need_the_right_hash_and_follow_the_person() {
    let app = widget_app().await;
    let wrong = start(
        &app,
        None,
        Some(json!({ "user_id": "cust-1", "email": "c1@example.com", "user_hash": user_hash("cust-2") })),
    )
    .await;
    let (status, _, message) = error_of(wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(message.contains("user-hash does not match"), "{message}");
    assert_eq!(
        User::find().count(&app.db).await.expect("count"),
        0,
        "nothing created"
    );

    let claim = json!({
        "user_id": "cust-1", "email": "C1@example.com", "name": "Cleo", "user_hash": user_hash("cust-1")
    });
    let res = start(&app, None, Some(claim.clone())).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, first) = session_of(res).await;
    assert_eq!(first["verified"], true);
    assert_eq!(first["email"], "c1@example.com");
    assert_eq!(
        first["email_verified"], false,
        "user_hash signs the id, not the email"
    );
    assert_eq!(first["name"], "Cleo");

    // Another device, same person: same user.
    let (_, second) = session_of(start(&app, None, Some(claim)).await).await;
    assert_eq!(second["id"], first["id"]);

    let half = start(&app, None, Some(json!({ "user_id": "cust-1" }))).await;
    assert_eq!(half.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// An identity token as an embedding site's server signs it.
fn identity_token(secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).expect("key"),
    )
    .expect("sign")
}

#[tokio::test]
async fn identity_tokens_verify_id_email_and_name_until_they_expire() {
    let app = widget_app().await;
    let now = chrono::Utc::now().timestamp();
    let claims =
        json!({ "sub": "cust-5", "email": "Five@Example.com", "name": "Fay", "exp": now + 600 });

    for (what, token) in [
        ("forged", identity_token("another secret", &claims)),
        (
            "expired",
            identity_token(SECRET, &json!({ "sub": "cust-5", "exp": now - 120 })),
        ),
        (
            "without exp",
            identity_token(SECRET, &json!({ "sub": "cust-5" })),
        ),
        ("not a JWT", "not.a.jwt".to_owned()),
    ] {
        let res = start(&app, None, Some(json!({ "identity_token": token }))).await;
        let (status, _, message) = error_of(res).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {message}");
        if what == "expired" {
            assert!(message.contains("expired"), "{message}");
        }
    }
    assert_eq!(
        User::find().count(&app.db).await.expect("count"),
        0,
        "nothing created"
    );

    let token = identity_token(SECRET, &claims);
    let res = start(&app, None, Some(json!({ "identity_token": token }))).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, visitor) = session_of(res).await;
    assert_eq!(visitor["verified"], true);
    assert_eq!(visitor["email"], "five@example.com");
    assert_eq!(visitor["email_verified"], true);
    assert_eq!(visitor["name"], "Fay");
    // The same person by the legacy hash: same user, and the unsigned email is not verified.
    let (_, again) = session_of(
        start(
            &app,
            None,
            Some(json!({ "user_id": "cust-5", "email": "five@example.com", "user_hash": user_hash("cust-5") })),
        )
        .await,
    )
    .await;
    assert_eq!(again["id"], visitor["id"]);
    assert_eq!(again["email_verified"], false);

    let mixed = start(
        &app,
        None,
        Some(json!({ "identity_token": token, "user_id": "cust-5" })),
    )
    .await;
    assert_eq!(mixed.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn verification_is_refused_when_no_secret_is_configured() {
    let app = TestApp::spawn().await;
    let res = app
        .http
        .post(app.at("/api/widget/session"))
        .json(&json!({ "user_id": "u", "user_hash": user_hash("u") }))
        .send()
        .await
        .expect("POST");
    let (status, _, message) = error_of(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("CONFAB_IDENTITY_SECRET"), "{message}");
}

async fn chat_with_message(app: &TestApp, user_id: Uuid, text: &str) -> Uuid {
    let now = clock::now();
    let chat = support_chat::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        last_message_at: Set(Some(now)),
        admin_viewed_at: Set(None),
        archived_at: Set(None),
        assignee_id: Set(None),
        snoozed_until: Set(None),
        last_seq: Set(1),
        message_count: Set(1),
        last_message_preview: Set(Some(text.to_owned())),
        last_message_sender: Set(Some(SenderColumn::User)),
        last_user_message_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("chat");
    support_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(chat.id),
        seq: Set(1),
        client_id: Set(None),
        content: Set(text.to_owned()),
        author_id: Set(None),
        sender_type: Set(SenderColumn::User),
        read_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("message");
    chat.id
}

fn id_of(visitor: &Value) -> Uuid {
    visitor["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("uuid id")
}

#[tokio::test]
async fn an_anonymous_visitor_who_verifies_keeps_their_conversation() {
    let app = widget_app().await;
    // First time: anonymous, writes, then the site signs them in.
    let (anon_token, anon) = session_of(start(&app, None, None).await).await;
    let chat_id = chat_with_message(&app, id_of(&anon), "hello from the shop").await;
    let claim = json!({ "user_id": "cust-7", "user_hash": user_hash("cust-7") });
    let (_, verified) = session_of(start(&app, Some(&anon_token), Some(claim.clone())).await).await;
    let chat = SupportChat::find_by_id(chat_id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("chat kept");
    assert_eq!(chat.user_id, id_of(&verified));
    // The anonymous token was retired.
    let me = app
        .http
        .get(app.at("/api/me"))
        .bearer_auth(&anon_token)
        .send()
        .await
        .expect("GET");
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

    // Later, on a new device: anonymous again, writes, verifies: both messages in one chat.
    let (token2, anon2) = session_of(start(&app, None, None).await).await;
    chat_with_message(&app, id_of(&anon2), "hello from my phone").await;
    let (_, again) = session_of(start(&app, Some(&token2), Some(claim)).await).await;
    assert_eq!(again["id"], verified["id"]);
    let chats = SupportChat::find()
        .filter(support_chat::Column::UserId.eq(id_of(&verified)))
        .all(&app.db)
        .await
        .expect("query");
    assert_eq!(chats.len(), 1);
    let messages = SupportMessage::find()
        .filter(support_message::Column::ChatId.eq(chats[0].id))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(messages, 2);
    let leftover = User::find_by_id(id_of(&anon2))
        .one(&app.db)
        .await
        .expect("query");
    assert!(leftover.is_none(), "the emptied anonymous user is removed");
    assert_eq!(
        User::find()
            .filter(user::Column::Role.eq(RoleColumn::User))
            .count(&app.db)
            .await
            .expect("count"),
        1
    );
}

/// A conversation merged into the verified person's chat keeps what staff wrote about it:
/// its notes (with their mentions) and its labels, each label once.
#[tokio::test]
async fn notes_and_labels_follow_a_merged_conversation() {
    let app = widget_app().await;
    let (tom_id, _) = app
        .staff_session("tom@confab.test", wire::model::Role::Agent)
        .await;
    let (_, maya) = app
        .staff_session("maya@confab.test", wire::model::Role::Admin)
        .await;
    let claim = json!({ "user_id": "cust-9", "user_hash": user_hash("cust-9") });
    let (_, verified) = session_of(start(&app, None, Some(claim.clone())).await).await;
    let kept = chat_with_message(&app, id_of(&verified), "first device").await;
    let (token, anon) = session_of(start(&app, None, None).await).await;
    let merged = chat_with_message(&app, id_of(&anon), "second device").await;
    let label = |name: &str| {
        let body = json!({ "name": name, "color": "#1d4ed8" });
        let app = &app;
        let maya = maya.clone();
        async move {
            let res = app
                .send_json(reqwest::Method::POST, "/api/admin/labels", &maya, &body)
                .await;
            let label: Value = res.json().await.expect("label");
            label["id"].as_str().expect("id").to_owned()
        }
    };
    let (vip, billing) = (label("vip").await, label("billing").await);
    for (chat, labels) in [(kept, vec![&vip]), (merged, vec![&vip, &billing])] {
        let res = app
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/admin/chats/{chat}/labels"),
                &maya,
                &json!({ "label_ids": labels }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // The same client id on both chats (staff choose it): the merge still goes through.
    let client_id = Uuid::now_v7();
    for (chat, content) in [(kept, "kept note"), (merged, "@tom this one is a reseller")] {
        let res = app
            .send_json(
                reqwest::Method::POST,
                &format!("/api/admin/chats/{chat}/notes"),
                &maya,
                &json!({ "content": content, "client_id": client_id }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    session_of(start(&app, Some(&token), Some(claim)).await).await;
    let chat = app
        .get_json_with_cookie(&format!("/api/admin/chats/{kept}"), &maya)
        .await;
    assert_eq!(chat["notes"][0]["content"], "kept note");
    assert_eq!(chat["notes"][1]["content"], "@tom this one is a reseller");
    assert_eq!(chat["notes"][1]["mentions"][0]["id"], json!(tom_id));
    let mut names: Vec<&str> = chat["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .filter_map(|l| l["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["billing", "vip"]);
    let mentions = domain::chats::mentions::of_person(&app.db, tom_id)
        .await
        .expect("mentions");
    assert_eq!(mentions.len(), 1);
    assert_eq!(mentions[0].chat_id, kept);
    // The label's list finds the merged chat where it now is.
    let listed = app
        .get_json_with_cookie(&format!("/api/admin/chats?label={billing}"), &maya)
        .await;
    assert_eq!(listed[0]["id"], json!(kept));
}

#[tokio::test]
async fn only_allowed_origins_may_use_the_widget() {
    let app = widget_app().await;
    let res = app
        .http
        .post(app.at("/api/widget/session"))
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .expect("POST");
    let (status, _, message) = error_of(res).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(message.contains("CONFAB_WIDGET_ORIGINS"), "{message}");

    let preflight = preflight(&app, SHOP).await;
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        preflight.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        SHOP
    );
    let allowed = preflight.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .expect("ascii");
    assert!(allowed.contains("authorization"), "{allowed}");

    // Cross-site by nature, so the forgery guard leaves the widget API to CORS.
    let res = app
        .http
        .post(app.at("/api/widget/session"))
        .header(header::ORIGIN, SHOP)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::CREATED);
}

/// README: origins not in `CONFAB_WIDGET_ORIGINS` get 403, preflights included: a browser on
/// such a page gets no CORS grant, so it never sends the request itself.
#[tokio::test]
async fn a_preflight_from_a_refused_origin_gets_no_grant() {
    let app = widget_app().await;
    let preflight = preflight(&app, "https://evil.example").await;
    let headers = preflight.headers().clone();
    for grant in [
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::ACCESS_CONTROL_ALLOW_METHODS,
        header::ACCESS_CONTROL_ALLOW_HEADERS,
    ] {
        assert!(
            !headers.contains_key(&grant),
            "{grant} granted: {headers:?}"
        );
    }
    let (status, code, message) = error_of(preflight).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(message.contains("CONFAB_WIDGET_ORIGINS"), "{message}");
}

/// What a browser asks before a widget call from `origin`.
async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.http
        .request(reqwest::Method::OPTIONS, app.at("/api/widget/session"))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization, content-type",
        )
        .send()
        .await
        .expect("OPTIONS")
}

#[tokio::test]
async fn new_visitor_sessions_are_limited_per_ip() {
    let app =
        TestApp::spawn_with(&["--widget-origins", SHOP, "--widget-sessions-per-hour", "3"]).await;
    for _ in 0..3 {
        assert_eq!(start(&app, None, None).await.status(), StatusCode::CREATED);
    }
    let limited = start(&app, None, None).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn tokens_only_work_where_they_were_issued() {
    let app = widget_app().await;
    let (widget_token, _) = session_of(start(&app, None, None).await).await;
    let as_cookie = format!("confab_session={widget_token}");
    assert_eq!(
        app.get_with_cookie("/api/me", &as_cookie).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let cookie = app.sign_up("iv@example.com", "right password").await;
    let browser_token = cookie.trim_start_matches("confab_session=");
    let res = app
        .http
        .get(app.at("/api/me"))
        .bearer_auth(browser_token)
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
