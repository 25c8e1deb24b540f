//! The `/ws` protocol with a real WebSocket client against the real server: delivery both
//! ways, authorization, idempotent sends, lossless resume, and bad clients that do not
//! disturb good ones.

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use futures::{SinkExt, StreamExt};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, protocol::frame::coding::CloseCode},
};
use uuid::Uuid;

use domain::hub::{QUEUE_PER_CONNECTION, Topic};
use wire::protocol::ServerFrame;

use crate::support::TestApp;

/// How long a test waits for a frame that should come.
const PATIENCE: Duration = Duration::from_secs(10);

/// A protocol client.
pub(crate) struct Client {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Client {
    /// Connects, with the session cookie when given.
    pub(crate) async fn connect(app: &TestApp, cookie: Option<&str>) -> Self {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        Self::connect_with(app, &headers).await
    }

    /// Connects with these request headers (a cookie, an `Origin`, …).
    pub(crate) async fn connect_with(app: &TestApp, headers: &[(&str, &str)]) -> Self {
        let url = format!("{}/ws", app.url.replacen("http", "ws", 1));
        let mut request = url.into_client_request().expect("request");
        for (name, value) in headers {
            request.headers_mut().insert(
                header::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                value.parse().expect("header value"),
            );
        }
        let (socket, _) = connect_async(request).await.expect("WebSocket upgrade");
        Self { socket }
    }

    /// Reads until the server closes the connection; returns the close code, if it sent one.
    pub(crate) async fn closed(&mut self, within: Duration) -> Option<u16> {
        tokio::time::timeout(within, async {
            loop {
                match self.socket.next().await {
                    Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                    Some(Ok(_)) => {}
                    _ => return None,
                }
            }
        })
        .await
        .expect("the server closed the socket in time")
    }

    /// Connects and authenticates with a widget token.
    pub(crate) async fn visitor(app: &TestApp, token: &str) -> Self {
        let mut client = Self::connect(app, None).await;
        client.send(json!({"type": "auth", "token": token})).await;
        client.expect("ready").await;
        client
    }

    /// Connects as staff (cookie) and reads the `ready` frame.
    pub(crate) async fn staff(app: &TestApp, cookie: &str) -> Self {
        let mut client = Self::connect(app, Some(cookie)).await;
        client.expect("ready").await;
        client
    }

    pub(crate) async fn send(&mut self, frame: Value) {
        self.send_text(frame.to_string()).await;
    }

    /// Sends a text frame as written (for frames a JSON library would not produce).
    pub(crate) async fn send_text(&mut self, text: String) {
        self.socket
            .send(Message::text(text))
            .await
            .expect("send frame");
    }

    /// The next text frame, skipping protocol pings.
    pub(crate) async fn next(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("a frame within the patience")
                .expect("the socket is open")
                .expect("a readable frame");
            match message {
                Message::Text(text) => return serde_json::from_str(&text).expect("JSON frame"),
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// The next frame, which must be of `kind`.
    pub(crate) async fn expect(&mut self, kind: &str) -> Value {
        let frame = self.next().await;
        assert_eq!(frame["type"], kind, "{frame}");
        frame
    }

    /// Frames until one of `kind` arrives; returns it.
    pub(crate) async fn until(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// Subscribes to a chat; returns the `subscribed` frame after any replayed messages,
    /// which are returned too.
    pub(crate) async fn subscribe_chat(
        &mut self,
        chat_id: &str,
        after: Option<i64>,
    ) -> (Vec<Value>, Value) {
        let mut frame = json!({"type": "subscribe", "channel": "chat", "chat_id": chat_id});
        if let Some(after) = after {
            frame["after"] = json!(after);
        }
        self.send(frame).await;
        let mut replayed = Vec::new();
        loop {
            let frame = self.next().await;
            match frame["type"].as_str() {
                Some("new_message") => replayed.push(frame),
                Some("subscribed") => return (replayed, frame),
                _ => panic!("unexpected frame while subscribing: {frame}"),
            }
        }
    }

    /// Round trip: `ping` answered by `pong` proves the connection still serves.
    pub(crate) async fn still_serves(&mut self) {
        self.send(json!({"type": "ping"})).await;
        self.until("pong").await;
    }
}

/// An app that lets one person post any number of messages at once (the message limit has
/// tests of its own).
async fn app_without_message_limit() -> TestApp {
    TestApp::spawn_with(&[
        "--messages-per-minute",
        "1000000",
        "--message-burst",
        "1000000",
    ])
    .await
}

/// A visitor with a chat: token and chat id.
pub(crate) async fn visitor_with_chat(app: &TestApp) -> (String, String) {
    crate::support::visitor_at(&app.http, &app.url).await
}

#[tokio::test]
async fn messages_flow_live_from_user_to_staff_and_back() {
    let app = TestApp::spawn().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let staff_cookie = app.admin_session("desk@example.com").await;

    let mut staff = Client::staff(&app, &staff_cookie).await;
    staff
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    staff.expect("subscribed").await;
    let (_, subscribed) = staff.subscribe_chat(&chat_id, None).await;
    assert_eq!(subscribed["seq"], 0);

    let mut user = Client::visitor(&app, &token).await;
    user.subscribe_chat(&chat_id, None).await;
    let client_id = Uuid::now_v7();
    user.send(json!({"type": "send_message", "chat_id": chat_id, "content": "Hello, anyone?", "client_id": client_id}))
        .await;
    let sent = user.expect("sent").await;
    let echo = user.expect("new_message").await;
    assert_eq!(
        echo["message"]["client_id"],
        client_id.to_string(),
        "the sender's own copy"
    );
    assert_eq!(sent["client_id"], client_id.to_string());
    assert_eq!(sent["message"]["seq"], 1);
    assert_eq!(sent["message"]["sender_type"], "user");

    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(staff.next().await);
    }
    let of = |kind: &str| {
        seen.iter()
            .find(|f| f["type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {seen:?}"))
            .clone()
    };
    assert_eq!(
        of("new_user_message")["message"]["content"],
        "Hello, anyone?"
    );
    assert_eq!(of("new_message")["message"]["id"], sent["message"]["id"]);
    let item = of("chat_updated")["chat"].clone();
    assert_eq!(
        (item["id"].as_str(), item["unread"].as_bool()),
        (Some(chat_id.as_str()), Some(true))
    );

    staff.send(json!({"type": "send_message", "chat_id": chat_id, "content": "Hi! How can we help?", "client_id": Uuid::now_v7()}))
        .await;
    let reply = user.until("new_message").await;
    assert_eq!(reply["message"]["content"], "Hi! How can we help?");
    assert_eq!(reply["message"]["sender_type"], "admin");
    assert_eq!(reply["message"]["seq"], 2);

    user.send(json!({"type": "mark_read", "chat_id": chat_id}))
        .await;
    let read = staff.until("read").await;
    assert_eq!(read["up_to_seq"], 2);
    assert_eq!(read["reader"], "user", "the user read the staff messages");

    // Staff open the chat: the user's message is read, and the widget hears it ("Seen").
    let opened = app
        .get_with_cookie(&format!("/api/admin/chats/{chat_id}"), &staff_cookie)
        .await;
    assert_eq!(opened.status(), 200);
    // (The user's own read receipt comes first.)
    let seen = loop {
        let read = user.until("read").await;
        if read["reader"] != "user" {
            break read;
        }
    };
    assert_eq!(
        (seen["reader"].as_str(), seen["up_to_seq"].as_i64()),
        (Some("admin"), Some(2))
    );
    let messages = app
        .get_json("/api/support_chat/messages", Some(&token))
        .await;
    let messages = messages.as_array().expect("an array");
    assert!(
        messages.iter().all(|m| !m["read_at"].is_null()),
        "both sides' messages are read: {messages:?}"
    );
}

#[tokio::test]
async fn subscriptions_are_refused_to_whoever_may_not_see_them() {
    let app = TestApp::spawn().await;
    let (token_a, _) = visitor_with_chat(&app).await;
    let (_, chat_b) = visitor_with_chat(&app).await;

    let mut a = Client::visitor(&app, &token_a).await;
    a.send(json!({"type": "subscribe", "channel": "chat", "chat_id": chat_b}))
        .await;
    let someone_elses = a.expect("error").await;
    a.send(json!({"type": "subscribe", "channel": "chat", "chat_id": Uuid::now_v7()}))
        .await;
    let unknown = a.expect("error").await;
    assert_eq!(someone_elses["code"], "not_found");
    assert_eq!(
        (
            someone_elses["code"].clone(),
            someone_elses["message"].clone()
        ),
        (unknown["code"].clone(), unknown["message"].clone()),
        "another's chat and no chat look the same"
    );
    a.send(json!({"type": "send_message", "chat_id": chat_b, "content": "sneaky", "client_id": Uuid::now_v7()}))
        .await;
    assert_eq!(a.expect("error").await["code"], "not_found");

    a.send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    assert_eq!(a.expect("error").await["code"], "forbidden");

    let mut nobody = Client::connect(&app, None).await;
    for frame in [
        json!({"type": "subscribe", "channel": "chat", "chat_id": chat_b}),
        json!({"type": "subscribe", "channel": "admin"}),
        json!({"type": "send_message", "chat_id": chat_b, "content": "hi", "client_id": Uuid::now_v7()}),
        json!({"type": "typing", "chat_id": chat_b}),
        json!({"type": "mark_read", "chat_id": chat_b}),
    ] {
        nobody.send(frame.clone()).await;
        let refused = nobody.expect("error").await;
        assert_eq!(refused["code"], "unauthorized", "{frame}");
    }
    nobody
        .send(json!({"type": "auth", "token": "not-a-token"}))
        .await;
    assert_eq!(nobody.expect("error").await["code"], "unauthorized");

    let stored = app.get_json("/api/support_chat", Some(&token_a)).await;
    assert_eq!(stored["messages"], json!([]), "nothing was written");
}

#[tokio::test]
async fn the_same_client_id_twice_is_one_message_and_two_answers() {
    let app = TestApp::spawn().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let mut user = Client::visitor(&app, &token).await;
    let client_id = Uuid::now_v7();
    let frame = json!({"type": "send_message", "chat_id": chat_id, "content": "only once", "client_id": client_id});
    user.send(frame.clone()).await;
    let first = user.expect("sent").await;
    user.send(frame).await;
    let second = user.expect("sent").await;
    assert_eq!(first["message"], second["message"]);

    // REST resends with the same id agree.
    let res = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .bearer_auth(&token)
        .json(&json!({"content": "only once", "client_id": client_id}))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::OK, "a resend answers 200");
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["id"], first["message"]["id"]);

    let stored = app.get_json("/api/support_chat", Some(&token)).await;
    assert_eq!(stored["messages"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_resumed_subscriber_gets_every_missed_message_once_in_order() {
    const MISSED: usize = 100;
    let app = app_without_message_limit().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let staff_cookie = app.admin_session("desk@example.com").await;

    let mut staff = Client::staff(&app, &staff_cookie).await;
    let (_, subscribed) = staff.subscribe_chat(&chat_id, None).await;
    let resume_from = subscribed["seq"].as_i64().expect("seq");
    drop(staff);

    // Two writers at once: the visitor over REST, staff over the socket.
    let rest_writer = async {
        for i in 0..MISSED / 2 {
            let res = app
                .http
                .post(app.at("/api/support_chat/messages"))
                .bearer_auth(&token)
                .json(&json!({"content": format!("rest {i}")}))
                .send()
                .await
                .expect("POST");
            assert_eq!(res.status(), StatusCode::CREATED);
        }
    };
    let socket_writer = async {
        let mut writer = Client::staff(&app, &staff_cookie).await;
        for i in 0..MISSED / 2 {
            writer
                .send(json!({"type": "send_message", "chat_id": chat_id, "content": format!("ws {i}"), "client_id": Uuid::now_v7()}))
                .await;
            writer.until("sent").await;
            // Stay under the per-connection frame rate.
            tokio::time::sleep(Duration::from_millis(110)).await;
        }
    };
    tokio::join!(rest_writer, socket_writer);

    let mut resumed = Client::staff(&app, &staff_cookie).await;
    let (replayed, subscribed) = resumed.subscribe_chat(&chat_id, Some(resume_from)).await;
    let seqs: Vec<i64> = replayed
        .iter()
        .map(|f| f["message"]["seq"].as_i64().expect("seq"))
        .collect();
    let expected: Vec<i64> = (1..=MISSED as i64).collect();
    assert_eq!(seqs, expected, "every missed message once, in seq order");
    assert_eq!(subscribed["seq"], MISSED as i64);
}

/// README (`/ws`): replay and live traffic overlapping. Two writers keep posting while a staff
/// subscriber resumes again and again from the last `seq` it saw, reading a little live traffic
/// each time; across all its connections it gets every message once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resuming_while_writers_post_loses_and_repeats_nothing() {
    const WRITERS: usize = 2;
    const EACH: usize = 150;
    const TOTAL: i64 = (WRITERS * EACH) as i64;
    let app = app_without_message_limit().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let staff_cookie = app.admin_session("desk@example.com").await;

    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (http, url, token) = (
                app.http.clone(),
                app.at("/api/support_chat/messages"),
                token.clone(),
            );
            tokio::spawn(async move {
                for i in 0..EACH {
                    let res = http
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"content": format!("writer {writer} message {i}")}))
                        .send()
                        .await
                        .expect("POST");
                    assert_eq!(res.status(), StatusCode::CREATED);
                }
            })
        })
        .collect();

    let mut received: Vec<i64> = Vec::new();
    let mut overlapping_rounds = 0;
    let mut rounds = 0;
    loop {
        let writing = writers.iter().any(|w| !w.is_finished());
        let last = received.last().copied().unwrap_or(0);
        if last == TOTAL {
            break;
        }
        rounds += 1;
        assert!(rounds < 10_000, "the subscriber never caught up");
        let mut client = Client::staff(&app, &staff_cookie).await;
        let (replayed, _) = client.subscribe_chat(&chat_id, Some(last)).await;
        let mut live = 0;
        received.extend(
            replayed
                .iter()
                .map(|f| f["message"]["seq"].as_i64().expect("seq")),
        );
        // A little live traffic, then away again, often mid-stream.
        while let Ok(frame) = tokio::time::timeout(Duration::from_millis(20), client.next()).await {
            if frame["type"] == "new_message" {
                received.push(frame["message"]["seq"].as_i64().expect("seq"));
                live += 1;
            }
            if live == 5 {
                break;
            }
        }
        if writing && !replayed.is_empty() && live > 0 {
            overlapping_rounds += 1;
        }
    }
    for writer in writers {
        writer.await.expect("writer");
    }
    assert_eq!(
        received,
        (1..=TOTAL).collect::<Vec<_>>(),
        "every message once, in seq order, across {rounds} resumptions"
    );
    assert!(
        overlapping_rounds >= 3,
        "only {overlapping_rounds} of {rounds} rounds replayed while writers were posting and then read live messages"
    );
}

/// README (`/ws`): the server pings a quiet socket every 25 s and closes one that answered
/// nothing for 70 s (1001, at the first ping check past 70 s: 75 s); one that answers the pings
/// stays open. The test moves the runtime's clock (which the server's timers and `last_heard`
/// run on) instead of waiting, and reads both sockets all along.
#[tokio::test]
async fn quiet_sockets_are_pinged_every_25_s_and_silent_ones_closed_after_70_s() {
    let app = TestApp::spawn().await;
    let (token, _) = visitor_with_chat(&app).await;
    let silent = MutedClient::visitor(&app, &token).await;
    let silent_ready = tokio::time::Instant::now();
    let answering = Client::visitor(&app, &token).await;
    let answering_ready = tokio::time::Instant::now();
    tokio::time::pause();
    let silent = tokio::spawn(heard_on(silent.socket, silent_ready));
    let answering = tokio::spawn(heard_on(answering.socket, answering_ready));
    // With the clock paused, this sleep advances it from timer to timer, running every task
    // that each one wakes.
    tokio::time::sleep(Duration::from_secs(101)).await;
    assert_eq!(
        silent.await.expect("silent reader"),
        [
            Heard::Ping(25),
            Heard::Ping(50),
            Heard::Closed(75, Some(1001))
        ],
        "pinged, then closed as idle at the first check past 70 s"
    );
    answering.abort();
    assert!(
        answering.await.is_err_and(|e| e.is_cancelled()),
        "the answering socket was still open at 101 s"
    );
}

/// What a client heard, in whole seconds after it was ready.
#[derive(Debug, PartialEq)]
enum Heard {
    Ping(u64),
    Closed(u64, Option<u16>),
}

/// Reads a socket until it closes; its pings and close, timed from `ready`.
async fn heard_on<S>(mut socket: WebSocketStream<S>, ready: tokio::time::Instant) -> Vec<Heard>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let at = || ready.elapsed().as_secs_f64().round() as u64;
    let mut heard = Vec::new();
    loop {
        match socket.next().await {
            Some(Ok(Message::Ping(_))) => heard.push(Heard::Ping(at())),
            Some(Ok(Message::Close(frame))) => {
                heard.push(Heard::Closed(at(), frame.map(|f| u16::from(f.code))));
                return heard;
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => {
                heard.push(Heard::Closed(at(), None));
                return heard;
            }
        }
    }
}

/// A client that reads but never answers: once authenticated, nothing it writes leaves (its
/// WebSocket library answers each ping as it reads; those answers vanish).
struct MutedClient {
    socket: WebSocketStream<MutedStream>,
}

impl MutedClient {
    async fn visitor(app: &TestApp, token: &str) -> Self {
        let addr = app.url.trim_start_matches("http://").to_owned();
        let tcp = TcpStream::connect(&addr).await.expect("connect");
        let mute = Arc::new(AtomicBool::new(false));
        let stream = MutedStream {
            tcp,
            mute: Arc::clone(&mute),
        };
        let (mut socket, _) = tokio_tungstenite::client_async(format!("ws://{addr}/ws"), stream)
            .await
            .expect("WebSocket upgrade");
        let auth = json!({"type": "auth", "token": token}).to_string();
        socket.send(Message::text(auth)).await.expect("auth");
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message
                && serde_json::from_str::<Value>(&text).expect("JSON")["type"] == "ready"
            {
                mute.store(true, Ordering::SeqCst);
                return Self { socket };
            }
        }
        panic!("no `ready`");
    }
}

/// A TCP stream whose writes are swallowed once `mute` is set.
struct MutedStream {
    tcp: TcpStream,
    mute: Arc<AtomicBool>,
}

impl tokio::io::AsyncRead for MutedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for MutedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if this.mute.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.tcp).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.mute.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

/// README (`/ws`): a connection that falls 256 frames behind is closed with 1013, so it
/// reconnects and resumes, instead of slowing everyone else; 256 waiting frames are still
/// fine, and the visitor's next socket serves.
#[tokio::test]
async fn a_socket_256_frames_behind_is_closed_with_1013() {
    assert_eq!(QUEUE_PER_CONNECTION, 256, "README states 256");
    let app = TestApp::spawn().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let topic = Topic::Chat(chat_id.parse().expect("chat id"));
    let mut full = Client::visitor(&app, &token).await;
    full.subscribe_chat(&chat_id, None).await;
    // Published without an await between them: on this single-threaded runtime the
    // connection cannot drain any of them meanwhile.
    for _ in 0..256 {
        app.state.effects.hub.publish(topic, ServerFrame::Pong);
    }
    for _ in 0..256 {
        full.expect("pong").await;
    }
    full.still_serves().await;

    let mut behind = Client::visitor(&app, &token).await;
    behind.subscribe_chat(&chat_id, None).await;
    drop(full);
    for _ in 0..257 {
        app.state.effects.hub.publish(topic, ServerFrame::Pong);
    }
    assert_eq!(behind.closed(PATIENCE).await, Some(1013));
    let mut again = Client::visitor(&app, &token).await;
    again.still_serves().await;
}

#[tokio::test]
async fn bad_clients_get_errors_while_others_keep_working() {
    let app = TestApp::spawn().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let (other_token, other_chat) = visitor_with_chat(&app).await;
    let mut good = Client::visitor(&app, &other_token).await;
    good.subscribe_chat(&other_chat, None).await;

    let mut bad = Client::visitor(&app, &token).await;
    bad.socket
        .send(Message::text("{not json"))
        .await
        .expect("send");
    assert_eq!(bad.expect("error").await["code"], "invalid");
    bad.send(json!({"type": "teleport"})).await;
    assert_eq!(bad.expect("error").await["code"], "invalid");
    bad.send(json!({"type": "send_message", "chat_id": chat_id, "content": "   ", "client_id": Uuid::now_v7()}))
        .await;
    let blank = bad.expect("error").await;
    assert_eq!(blank["code"], "invalid");
    assert!(
        blank["ref"].is_string(),
        "the error names the client id: {blank}"
    );
    bad.still_serves().await;

    // A flood: past the burst, frames are refused with rate_limited.
    for _ in 0..40 {
        bad.send(json!({"type": "ping"})).await;
    }
    let mut limited = 0;
    for _ in 0..40 {
        let frame = bad.next().await;
        if frame["code"] == "rate_limited" {
            limited += 1;
        }
    }
    assert!(limited >= 15, "{limited} of 40 refused");
    good.still_serves().await;

    // An oversized frame closes that connection with 1009.
    let huge = json!({"type": "send_message", "chat_id": chat_id, "content": "x".repeat(server::MAX_FRAME_BYTES), "client_id": Uuid::now_v7()});
    let _ = bad.socket.send(Message::text(huge.to_string())).await;
    let closed = tokio::time::timeout(PATIENCE, async {
        loop {
            match bad.socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| f.code),
                Some(Ok(_)) => {}
                _ => return None,
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(closed, Some(CloseCode::Size));

    good.send(json!({"type": "send_message", "chat_id": other_chat, "content": "still here", "client_id": Uuid::now_v7()}))
        .await;
    good.until("sent").await;
}

#[tokio::test]
async fn rest_writes_reach_subscribed_sockets() {
    let app = TestApp::spawn().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let staff_cookie = app.admin_session("desk@example.com").await;
    let mut staff = Client::staff(&app, &staff_cookie).await;
    staff
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    staff.expect("subscribed").await;
    staff.subscribe_chat(&chat_id, None).await;

    let res = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .bearer_auth(&token)
        .json(&json!({"content": "over REST"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::CREATED);
    let live = staff.until("new_message").await;
    assert_eq!(live["message"]["content"], "over REST");

    let res = app
        .http
        .post(app.at(&format!("/api/admin/chats/{chat_id}/archive")))
        .header(header::COOKIE, &staff_cookie)
        .send()
        .await
        .expect("POST archive");
    assert_eq!(res.status(), StatusCode::OK);
    let updated = loop {
        let frame = staff.until("chat_updated").await;
        if frame["chat"]["archived"] == true {
            break frame;
        }
    };
    assert_eq!(updated["chat"]["id"], chat_id.as_str());
}

#[tokio::test]
async fn typing_reaches_the_other_side_once_per_burst_and_never_the_typist() {
    let app = TestApp::spawn().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let staff_cookie = app.admin_session("desk@example.com").await;
    let mut staff = Client::staff(&app, &staff_cookie).await;
    staff.subscribe_chat(&chat_id, None).await;
    let mut user = Client::visitor(&app, &token).await;
    user.subscribe_chat(&chat_id, None).await;

    for _ in 0..3 {
        user.send(json!({"type": "typing", "chat_id": chat_id}))
            .await;
    }
    user.send(json!({"type": "ping"})).await;
    assert_eq!(
        user.next().await["type"],
        "pong",
        "the typist hears nothing of it"
    );
    let typing = staff.next().await;
    assert_eq!(
        (typing["type"].as_str(), typing["sender_type"].as_str()),
        (Some("typing"), Some("user"))
    );
    staff.send(json!({"type": "ping"})).await;
    assert_eq!(
        staff.next().await["type"],
        "pong",
        "one typing event for the burst"
    );
}

#[tokio::test]
async fn pages_of_other_sites_may_not_open_the_socket() {
    let app = TestApp::spawn_with(&["--widget-origins", "https://shop.example.com"]).await;
    let refused = open_from(&app, "https://evil.example").await;
    assert!(
        matches!(&refused, Err(tokio_tungstenite::tungstenite::Error::Http(res)) if res.status() == StatusCode::FORBIDDEN),
        "{refused:?}"
    );
    assert!(open_from(&app, "https://shop.example.com").await.is_ok());
    assert!(
        open_from(&app, &app.url).await.is_ok(),
        "the app's own pages"
    );
}

/// Opens the socket as a page of `origin` would.
async fn open_from(
    app: &TestApp,
    origin: &str,
) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, tokio_tungstenite::tungstenite::Error> {
    let url = format!("{}/ws", app.url.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert(header::ORIGIN, origin.parse().expect("origin"));
    connect_async(request).await.map(|(socket, _)| socket)
}
