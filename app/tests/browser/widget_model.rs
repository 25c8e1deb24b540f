//! The widget's model (`WidgetModel`) against a fake `fetch` and `WebSocket`: a visitor session
//! started, resumed or started over, the token kept under the server's key, the chat loaded and
//! followed live, announcements to the host page (history is not news), a refused identity,
//! a failed load retried, logout, older pages, the visitor's email, and the mute preference.

use std::{cell::RefCell, rc::Rc};

use leptos::prelude::*;
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen_test::wasm_bindgen_test;

use app::{
    browser::{store, stored},
    widget::{Access, Announcement, Identity, Locale, Notice, WidgetModel, WidgetSetup},
};
use wire::{
    model::{HISTORY_PAGE, SenderType, SupportChat, SupportMessage, UserProfile},
    protocol::{ClientFrame, ServerFrame},
};

use super::{
    at,
    fakes::{FakeServer, eventually, wait_ms},
    hello, message, subscribed, visitor,
};

const MUTED_KEY: &str = "confab:widget:muted";

fn token_key(server: &FakeServer) -> String {
    format!("confab:widget:token:{}", server.origin)
}

/// A widget on another site talking to `server`, with nothing stored for it yet.
fn embedded(server: &FakeServer, initial: Option<SupportChat>) -> WidgetModel {
    store(&token_key(server), None);
    WidgetModel::new(WidgetSetup {
        access: Access::Embedded {
            server: server.origin.clone(),
        },
        locale: Locale::En,
        open: false,
        initial,
    })
}

/// What the host page hears, in words.
fn listen(model: &WidgetModel) -> Rc<RefCell<Vec<String>>> {
    let heard = Rc::new(RefCell::new(Vec::new()));
    let into = Rc::clone(&heard);
    model.on_announcement(move |announcement| {
        into.borrow_mut().push(match announcement {
            Announcement::Message(m) => format!("message {}", m.seq),
            Announcement::Unread(n) => format!("unread {n}"),
        });
    });
    heard
}

fn session(token: &str, visitor: &UserProfile) -> serde_json::Value {
    json!({"token": token, "visitor": visitor})
}

fn chat_body(chat: &SupportChat) -> serde_json::Value {
    serde_json::to_value(chat).expect("serialises")
}

fn error_body(message: &str) -> serde_json::Value {
    json!({"error": {"code": "whatever", "message": message}})
}

/// The requests so far as `METHOD path` with their bearer token.
fn calls(server: &FakeServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.url.trim_start_matches(&server.origin),
                r.authorization.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn chat_of(messages: Vec<SupportMessage>) -> SupportChat {
    SupportChat {
        id: Uuid::now_v7(),
        messages,
    }
}

#[wasm_bindgen_test]
fn a_new_model_starts_from_what_the_server_rendered() {
    let full = chat_of(
        (1..=HISTORY_PAGE as i64)
            .map(|seq| {
                message(
                    seq,
                    if seq % 10 == 0 {
                        SenderType::Admin
                    } else {
                        SenderType::User
                    },
                )
            })
            .collect(),
    );
    let hosted = |initial: Option<SupportChat>| {
        WidgetModel::new(WidgetSetup {
            access: Access::Hosted,
            locale: Locale::Ja,
            open: true,
            initial,
        })
    };
    let model = hosted(Some(full.clone()));
    assert!(model.ready());
    assert_eq!(model.chat_id.get_untracked(), Some(full.id));
    assert!(
        model.has_older.get_untracked(),
        "a full page: older ones may exist"
    );
    assert_eq!(model.unread(), HISTORY_PAGE / 10);
    assert!(!model.embedded());
    assert!(!model.connected());
    assert!(
        !model.open.get_untracked(),
        "rendered closed; opened once the browser takes over"
    );

    let short = chat_of(full.messages[1..].to_vec());
    assert!(!hosted(Some(short)).has_older.get_untracked());
    let none = hosted(None);
    assert!(!none.ready());
    assert_eq!(none.unread(), 0);
}

#[wasm_bindgen_test]
async fn an_embedded_widget_starts_a_session_loads_the_chat_and_follows_it_live() {
    let server = FakeServer::new("widget-flow");
    let model = embedded(&server, None);
    assert!(model.embedded() && !model.ready());
    let heard = listen(&model);
    model.start_in_browser();
    wait_ms(50).await;
    assert!(
        server.requests().is_empty(),
        "no conversation yet: nothing happens until the panel opens"
    );
    assert_eq!(*heard.borrow(), ["unread 0"]);

    let me = visitor();
    let chat = chat_of(vec![
        message(1, SenderType::User),
        message(2, SenderType::Admin),
        message(3, SenderType::Admin),
    ]);
    server.reply("POST", "/api/widget/session", 200, &session("tok-1", &me));
    server.reply("GET", "/api/support_chat", 200, &chat_body(&chat));
    model.open.set(true);
    eventually("the socket opens", 2_000, || server.socket_count() == 1).await;
    assert_eq!(
        calls(&server),
        [
            "POST /api/widget/session -",
            "GET /api/support_chat Bearer tok-1"
        ]
    );
    let start = &server.requests()[0];
    assert_eq!(
        start.json(),
        json!({}),
        "an anonymous visitor claims nothing"
    );
    assert_eq!(start.content_type.as_deref(), Some("application/json"));
    assert_eq!(stored(&token_key(&server)).as_deref(), Some("tok-1"));
    assert_eq!(model.visitor.get_untracked(), Some(me));
    assert_eq!(model.chat_id.get_untracked(), Some(chat.id));
    assert!(!model.has_older.get_untracked());
    assert_eq!(model.unread(), 2);

    let socket = server.socket(0);
    socket.open();
    socket.receive(&subscribed(chat.id, 3));
    assert!(model.connected());
    // The panel is open over unread staff messages: they are read as soon as the socket is.
    let sent = socket.sent();
    assert_eq!(sent[..2], hello("tok-1", chat.id, 3));
    assert_eq!(sent[2..], [ClientFrame::MarkRead { chat_id: chat.id }]);
    socket.receive(&ServerFrame::Read {
        chat_id: chat.id,
        reader: SenderType::User,
        read_at: at(1_714_000_900_000),
        up_to_seq: 3,
    });
    eventually("the badge clears", 1_000, || {
        heard.borrow().last().map(String::as_str) == Some("unread 0")
    })
    .await;
    // The history was not news to the host page: only the counts were told.
    assert_eq!(*heard.borrow(), ["unread 0", "unread 2", "unread 0"]);

    // A staff message arriving live is news, and with the panel open it is read at once.
    model.muted.set(true);
    socket.receive(&ServerFrame::NewMessage {
        chat_id: chat.id,
        message: message(4, SenderType::Admin),
    });
    eventually("the host hears of message 4", 1_000, || {
        heard.borrow().iter().any(|h| h == "message 4")
    })
    .await;
    eventually("the new message is marked read", 1_000, || {
        socket.sent().last() == Some(&ClientFrame::MarkRead { chat_id: chat.id })
            && socket.sent().len() == 4
    })
    .await;
    assert!(heard.borrow().iter().any(|h| h == "unread 1"));

    // Logout: the token ends on the server and is forgotten here, with the conversation.
    model.logout();
    eventually("the session is ended on the server", 1_000, || {
        calls(&server).last().map(String::as_str) == Some("DELETE /api/widget/session Bearer tok-1")
    })
    .await;
    assert_eq!(stored(&token_key(&server)), None);
    assert_eq!(model.visitor.get_untracked(), None);
    assert!(!model.open.get_untracked());
    assert!(!model.ready());
    assert!(model.chat.log.with_untracked(|l| l.messages().is_empty()));
    assert!(socket.closed_by_client());
    wait_ms(700).await;
    assert_eq!(server.socket_count(), 1, "no reconnection after logout");
}

#[wasm_bindgen_test]
async fn a_stored_token_resumes_and_a_dead_one_starts_over() {
    let server = FakeServer::new("widget-resume");
    let model = embedded(&server, None);
    store(&token_key(&server), Some("old"));
    let me = visitor();
    let chat = chat_of(vec![message(1, SenderType::User)]);
    server.reply("POST", "/api/widget/session", 200, &session("old", &me));
    server.reply("GET", "/api/support_chat", 401, &error_body("expired"));
    server.reply("POST", "/api/widget/session", 200, &session("new", &me));
    server.reply("GET", "/api/support_chat", 200, &chat_body(&chat));
    // A token is stored: a conversation exists, so the widget connects while still closed.
    model.start_in_browser();
    eventually("the socket opens", 2_000, || server.socket_count() == 1).await;
    assert_eq!(
        calls(&server),
        [
            "POST /api/widget/session Bearer old",
            "GET /api/support_chat Bearer old",
            "POST /api/widget/session -",
            "GET /api/support_chat Bearer new",
        ]
    );
    assert_eq!(stored(&token_key(&server)).as_deref(), Some("new"));
    assert_eq!(model.notice.get_untracked(), None);
    server.socket(0).open();
    assert_eq!(
        server.socket(0).sent()[0],
        ClientFrame::Auth {
            token: "new".into()
        }
    );
    model.logout();
}

#[wasm_bindgen_test]
async fn a_refused_identity_leaves_the_visitor_anonymous_and_says_so() {
    let server = FakeServer::new("widget-identity");
    let model = embedded(&server, None);
    model.identify(Identity {
        user_id: Some("site-42".into()),
        email: Some("ada@example.com".into()),
        name: None,
        user_hash: Some("forged".into()),
        identity_token: None,
    });
    server.reply(
        "POST",
        "/api/widget/session",
        403,
        &error_body("identity refused"),
    );
    server.reply(
        "POST",
        "/api/widget/session",
        200,
        &session("anon", &visitor()),
    );
    server.reply(
        "GET",
        "/api/support_chat",
        200,
        &chat_body(&chat_of(vec![])),
    );
    model.start_in_browser();
    model.open.set(true);
    eventually("the socket opens", 2_000, || server.socket_count() == 1).await;
    let requests = server.requests();
    assert_eq!(
        requests[0].json(),
        json!({"user_id": "site-42", "email": "ada@example.com", "user_hash": "forged"})
    );
    assert_eq!(requests[1].json(), json!({}), "then anonymous");
    assert_eq!(requests[1].authorization, None);
    assert_eq!(model.notice.get_untracked(), Some(Notice::IdentityRefused));
    assert_eq!(stored(&token_key(&server)).as_deref(), Some("anon"));

    // An identity token goes alone: it carries id, email and name itself. Identifying again
    // reconnects as them.
    server.reply(
        "POST",
        "/api/widget/session",
        200,
        &session("ada", &visitor()),
    );
    server.reply(
        "GET",
        "/api/support_chat",
        200,
        &chat_body(&chat_of(vec![])),
    );
    model.identify(Identity {
        user_id: Some("site-42".into()),
        identity_token: Some("jwt.jwt.jwt".into()),
        ..Identity::default()
    });
    eventually("a second socket opens", 2_000, || {
        server.socket_count() == 2
    })
    .await;
    let requests = server.requests();
    assert_eq!(requests[3].json(), json!({"identity_token": "jwt.jwt.jwt"}));
    assert_eq!(requests[3].authorization.as_deref(), Some("Bearer anon"));
    assert!(server.socket(0).closed_by_client());
    model.logout();
}

#[wasm_bindgen_test]
async fn a_chat_that_fails_to_load_is_retried_and_the_notice_cleared() {
    let server = FakeServer::new("widget-retry");
    let model = embedded(&server, None);
    server.reply(
        "POST",
        "/api/widget/session",
        200,
        &session("tok", &visitor()),
    );
    server.reply(
        "GET",
        "/api/support_chat",
        500,
        &error_body("internal error"),
    );
    model.start_in_browser();
    model.open.set(true);
    eventually("the failure shows", 1_000, || {
        model.notice.get_untracked() == Some(Notice::LoadFailed)
    })
    .await;
    server.reply(
        "POST",
        "/api/widget/session",
        200,
        &session("tok", &visitor()),
    );
    server.reply(
        "GET",
        "/api/support_chat",
        200,
        &chat_body(&chat_of(vec![message(1, SenderType::Admin)])),
    );
    // The first retry comes a second later.
    eventually("the retry connects", 2_500, || server.socket_count() == 1).await;
    assert_eq!(model.notice.get_untracked(), None);
    assert_eq!(model.unread(), 1);
    // Opening twice (or again) connects once.
    model.open.set(false);
    model.open.set(true);
    model.connect();
    wait_ms(100).await;
    assert_eq!(server.requests().len(), 4);
    model.logout();
}

#[wasm_bindgen_test]
async fn older_pages_load_before_the_first_message_held() {
    let server = FakeServer::new("widget-older");
    let page = chat_of(
        (51..=50 + HISTORY_PAGE as i64)
            .map(|seq| message(seq, SenderType::User))
            .collect(),
    );
    let model = embedded(&server, Some(page.clone()));
    store(&token_key(&server), Some("tok"));
    let older: Vec<SupportMessage> = (31..=50)
        .map(|seq| message(seq, SenderType::Admin))
        .collect();
    let before = page.messages[0].id;
    server.reply(
        "GET",
        &format!("/api/support_chat/messages?before={before}&limit={HISTORY_PAGE}"),
        200,
        &serde_json::to_value(&older).expect("serialises"),
    );
    assert!(model.has_older.get_untracked());
    model.load_older();
    assert!(model.loading_older.get_untracked());
    model.load_older(); // already loading: no second request
    eventually("the older page is in", 1_000, || {
        !model.loading_older.get_untracked()
    })
    .await;
    assert_eq!(
        calls(&server),
        [format!(
            "GET /api/support_chat/messages?before={before}&limit={HISTORY_PAGE} Bearer tok"
        )]
    );
    let seqs: Vec<i64> = model
        .chat
        .log
        .with_untracked(|l| l.messages().iter().map(|m| m.seq).collect());
    assert_eq!(seqs, (31..=100).collect::<Vec<_>>());
    assert!(!model.has_older.get_untracked(), "a short page is the last");
    model.load_older();
    wait_ms(50).await;
    assert_eq!(server.requests().len(), 1, "nothing older to ask for");
    store(&token_key(&server), None);
}

#[wasm_bindgen_test]
async fn a_visitors_email_is_recorded_or_the_servers_reason_given() {
    let server = FakeServer::new("widget-email");
    let model = embedded(&server, None);
    store(&token_key(&server), Some("tok"));
    let with_email = UserProfile {
        email: Some("ada@example.com".into()),
        ..visitor()
    };
    server.reply(
        "PATCH",
        "/api/widget/visitor",
        200,
        &serde_json::to_value(&with_email).expect("serialises"),
    );
    assert_eq!(model.give_email("ada@example.com".into()).await, Ok(()));
    assert_eq!(model.visitor.get_untracked(), Some(with_email));
    let request = &server.requests()[0];
    assert_eq!(request.json(), json!({"email": "ada@example.com"}));
    assert_eq!(request.authorization.as_deref(), Some("Bearer tok"));

    server.reply(
        "PATCH",
        "/api/widget/visitor",
        400,
        &error_body("that is not an email address"),
    );
    assert_eq!(
        model.give_email("ada".into()).await,
        Err("that is not an email address".into())
    );
    // No answer at all: a message still, never a panic.
    assert!(model.give_email("ada@example.com".into()).await.is_err());
    store(&token_key(&server), None);
}

#[wasm_bindgen_test]
async fn the_hosted_widget_uses_the_session_cookie_on_its_own_origin() {
    let server = FakeServer::page();
    let chat = chat_of(vec![message(1, SenderType::User)]);
    server.reply("GET", "/api/support_chat", 200, &chat_body(&chat));
    let model = WidgetModel::new(WidgetSetup {
        access: Access::Hosted,
        locale: Locale::En,
        open: false,
        initial: Some(chat.clone()),
    });
    // The page rendered the chat: the widget follows it at once.
    model.start_in_browser();
    eventually("the socket opens", 2_000, || server.socket_count() == 1).await;
    assert_eq!(calls(&server), ["GET /api/support_chat -"]);
    server.socket(0).open();
    assert!(matches!(
        server.socket(0).sent()[..],
        [ClientFrame::Subscribe { after: Some(1), .. }]
    ));
    model.logout();
    assert!(server.socket(0).closed_by_client());
}

#[wasm_bindgen_test]
async fn mute_is_remembered_on_the_site() {
    let server = FakeServer::new("widget-mute");
    store(MUTED_KEY, None);
    let model = embedded(&server, None);
    model.toggle_muted();
    assert!(model.muted.get_untracked());
    assert_eq!(stored(MUTED_KEY).as_deref(), Some("1"));
    let next_page = embedded(&server, None);
    next_page.start_in_browser();
    assert!(next_page.muted.get_untracked());
    next_page.toggle_muted();
    assert_eq!(stored(MUTED_KEY), None);
}
