//! Confab on the internet: client addresses behind trusted proxies only, limits per person
//! across every way of posting, sockets that end with their session (on every instance),
//! cookies that count only on Confab's own pages, and sockets that cannot pin the server
//! (unauthenticated, not reading, over-long escaped messages).

use std::time::{Duration, Instant};

use futures::future::join_all;
use reqwest::{StatusCode, header};
use sea_orm::{DatabaseBackend, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    socket::{Client, visitor_with_chat},
    support::{TestApp, error_of},
};

/// Starts a widget session as a client the proxy names in `X-Forwarded-For`.
async fn session_forwarded_for(app: &TestApp, forwarded: &str) -> StatusCode {
    app.http
        .post(app.at("/api/widget/session"))
        .header("x-forwarded-for", forwarded)
        .send()
        .await
        .expect("POST /api/widget/session")
        .status()
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let trusting = TestApp::spawn_with(&[
        "--trusted-proxies",
        "127.0.0.1,10.0.0.0/8",
        "--widget-sessions-per-hour",
        "2",
    ])
    .await;
    for _ in 0..2 {
        assert_eq!(
            session_forwarded_for(&trusting, "203.0.113.1").await,
            StatusCode::CREATED
        );
    }
    assert_eq!(
        session_forwarded_for(&trusting, "203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the named client used up its allowance"
    );
    // Another client behind the same proxy is counted on its own; a forged entry on the
    // left (written by the client) does not change who it is.
    assert_eq!(
        session_forwarded_for(&trusting, "203.0.113.1, 203.0.113.2").await,
        StatusCode::CREATED
    );
    assert_eq!(
        session_forwarded_for(&trusting, "203.0.113.2, 10.1.2.3").await,
        StatusCode::CREATED,
        "a second trusted hop is skipped"
    );
    assert_eq!(
        session_forwarded_for(&trusting, "203.0.113.2").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // IPv6 clients share one allowance per /64.
    assert_eq!(
        session_forwarded_for(&trusting, "2001:db8:1:2::1").await,
        StatusCode::CREATED
    );
    assert_eq!(
        session_forwarded_for(&trusting, "2001:db8:1:2:ffff::9").await,
        StatusCode::CREATED
    );
    assert_eq!(
        session_forwarded_for(&trusting, "2001:db8:1:2::3").await,
        StatusCode::TOO_MANY_REQUESTS,
        "same /64"
    );
    assert_eq!(
        session_forwarded_for(&trusting, "2001:db8:1:3::1").await,
        StatusCode::CREATED,
        "another /64"
    );

    // Without trusted proxies the header is the client's own word: ignored.
    let plain = TestApp::spawn_with(&["--widget-sessions-per-hour", "2"]).await;
    for (i, forwarded) in ["198.51.100.1", "198.51.100.2"].into_iter().enumerate() {
        assert_eq!(
            session_forwarded_for(&plain, forwarded).await,
            StatusCode::CREATED,
            "session {i}"
        );
    }
    assert_eq!(
        session_forwarded_for(&plain, "198.51.100.3").await,
        StatusCode::TOO_MANY_REQUESTS,
        "every request counted against the real peer"
    );
}

/// Posts over REST as the bearer or cookie holder; returns the status.
async fn post_rest(
    app: &TestApp,
    bearer: Option<&str>,
    cookie: Option<&str>,
    n: usize,
) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for i in 0..n {
        let mut request = app
            .http
            .post(app.at("/api/support_chat/messages"))
            .json(&json!({"content": format!("rest {i}")}));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        statuses.push(request.send().await.expect("POST").status());
    }
    statuses
}

#[tokio::test]
async fn one_message_allowance_per_person_across_rest_server_functions_and_sockets() {
    let app = TestApp::spawn_with(&["--message-burst", "6", "--messages-per-minute", "1"]).await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let mut socket = Client::visitor(&app, &token).await;
    socket.subscribe_chat(&chat_id, None).await;

    assert!(
        post_rest(&app, Some(&token), None, 3)
            .await
            .iter()
            .all(StatusCode::is_success)
    );
    for i in 0..3 {
        socket
            .send(json!({"type": "send_message", "chat_id": chat_id, "content": format!("ws {i}"), "client_id": Uuid::now_v7()}))
            .await;
        socket.until("sent").await;
    }
    // The seventh message, by either route, is refused and not stored.
    let refused = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .bearer_auth(&token)
        .json(&json!({"content": "one too many"}))
        .send()
        .await
        .expect("POST");
    assert!(refused.headers().contains_key(header::RETRY_AFTER));
    let (status, code, _) = error_of(refused).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let client_id = Uuid::now_v7();
    socket
        .send(json!({"type": "send_message", "chat_id": chat_id, "content": "also too many", "client_id": client_id}))
        .await;
    let error = socket.until("error").await;
    assert_eq!(error["code"], "rate_limited");
    assert_eq!(error["ref"], client_id.to_string());
    let stored = domain::entities::SupportMessage::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(stored, 6, "nothing stored past the allowance");

    // Another person is not affected; a hosted-app user shares one allowance between REST
    // and the server function.
    let (other, _) = visitor_with_chat(&app).await;
    assert_eq!(
        post_rest(&app, Some(&other), None, 1).await,
        [StatusCode::CREATED]
    );
    let cookie = app.sign_up("ada@example.com", "correct horse").await;
    assert!(
        post_rest(&app, None, Some(&cookie), 3)
            .await
            .iter()
            .all(StatusCode::is_success)
    );
    for i in 0..3 {
        let sent = app
            .rpc(
                "chat/send",
                &[("content", &format!("rpc {i}"))],
                Some(&cookie),
            )
            .await;
        assert_eq!(sent.status(), StatusCode::OK, "server function post {i}");
    }
    let refused = app
        .rpc("chat/send", &[("content", "over")], Some(&cookie))
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key(header::RETRY_AFTER));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_posts_from_one_person_store_exactly_the_allowance() {
    let app = TestApp::spawn_with(&["--message-burst", "20", "--messages-per-minute", "1"]).await;
    let (token, _) = visitor_with_chat(&app).await;
    let statuses = join_all((0..50).map(|i| {
        let request = app
            .http
            .post(app.at("/api/support_chat/messages"))
            .bearer_auth(&token)
            .json(&json!({"content": format!("burst {i}")}));
        async move { request.send().await.expect("POST").status() }
    }))
    .await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((created, limited), (20, 30), "{statuses:?}");
    let stored = domain::entities::SupportMessage::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(stored, 20);
}

#[tokio::test]
async fn sockets_per_person_and_per_address_are_capped() {
    let app = TestApp::spawn_with(&["--sockets-per-user", "2", "--sockets-per-address", "4"]).await;
    let (token, _) = visitor_with_chat(&app).await;
    let _first = Client::visitor(&app, &token).await;
    let _second = Client::visitor(&app, &token).await;
    let mut third = Client::connect(&app, None).await;
    third.send(json!({"type": "auth", "token": token})).await;
    let refused = third.until("error").await;
    assert_eq!(refused["code"], "rate_limited");
    // Two more connections fill the address's four slots; the fifth upgrade is refused.
    let _fourth = Client::connect(&app, None).await;
    let url = format!("{}/ws", app.url.replacen("http", "ws", 1));
    let fifth = tokio_tungstenite::connect_async(url).await;
    match fifth {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        }
        other => panic!("expected 429 at the upgrade, got {other:?}"),
    }
}

/// The staff cookie and socket of a new staff member on `app`.
async fn staff_socket(app: &TestApp, email: &str) -> (String, Client) {
    let cookie = app.admin_session(email).await;
    let mut socket = Client::staff(app, &cookie).await;
    socket
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    socket.expect("subscribed").await;
    (cookie, socket)
}

#[tokio::test]
async fn signing_out_closes_that_sessions_sockets_at_once() {
    let app = TestApp::spawn().await;
    let (cookie, mut socket) = staff_socket(&app, "desk@example.com").await;
    // Another session of the same person stays open.
    let other_cookie = app.sign_in("desk@example.com", "staff-password").await;
    let mut other = Client::staff(&app, &other_cookie).await;

    let started = Instant::now();
    let res = app.rpc("auth/sign_out", &[], Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let code = socket.closed(Duration::from_secs(1)).await;
    assert_eq!(code, Some(wire::protocol::CLOSE_SIGNED_OUT));
    assert!(started.elapsed() < Duration::from_secs(1));
    other.still_serves().await;
}

#[tokio::test]
async fn revoked_and_carried_over_visitor_tokens_close_their_sockets() {
    let secret = "hardening secret";
    let app = TestApp::spawn_with(&["--identity-secret", secret]).await;
    // DELETE /api/widget/session (the element's logout()).
    let (token, _) = visitor_with_chat(&app).await;
    let mut socket = Client::visitor(&app, &token).await;
    let res = app
        .http
        .delete(app.at("/api/widget/session"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        socket.closed(Duration::from_secs(1)).await,
        Some(wire::protocol::CLOSE_SIGNED_OUT)
    );
    let after = app
        .http
        .get(app.at("/api/support_chat"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    assert_eq!(
        after.status(),
        StatusCode::UNAUTHORIZED,
        "the token is dead"
    );

    // Carried over to a verified identity: the anonymous token's sockets close.
    let (token, _) = visitor_with_chat(&app).await;
    let mut socket = Client::visitor(&app, &token).await;
    let hash = {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(b"customer-9");
        hex::encode(mac.finalize().into_bytes())
    };
    let res = app
        .http
        .post(app.at("/api/widget/session"))
        .bearer_auth(&token)
        .json(&json!({"user_id": "customer-9", "user_hash": hash}))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        socket.closed(Duration::from_secs(1)).await,
        Some(wire::protocol::CLOSE_SIGNED_OUT)
    );

    // The verified person again with their own token (a second tab): the token stays, and
    // the sockets it opened stay connected.
    let verified: Value = res.json().await.expect("JSON");
    let verified_token = verified["token"].as_str().expect("token").to_owned();
    let mut first_tab = Client::visitor(&app, &verified_token).await;
    let again = app
        .http
        .post(app.at("/api/widget/session"))
        .bearer_auth(&verified_token)
        .json(&json!({"user_id": "customer-9", "user_hash": hash}))
        .send()
        .await
        .expect("POST");
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.expect("JSON");
    assert_eq!(again["token"], verified_token.as_str());
    first_tab.still_serves().await;
}

#[tokio::test]
async fn a_socket_closes_when_its_session_expires() {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::spawn().await;
    let (token, _) = visitor_with_chat(&app).await;
    // The session has two seconds left.
    domain::entities::Session::update_many()
        .col_expr(
            domain::entities::session::Column::ExpiresAt,
            Expr::value(domain::clock::now() + chrono::Duration::seconds(2)),
        )
        .filter(
            domain::entities::session::Column::Kind
                .eq(domain::entities::session::SessionKind::Widget),
        )
        .exec(&app.db)
        .await
        .expect("shorten the session");
    let mut socket = Client::visitor(&app, &token).await;
    assert_eq!(
        socket.closed(Duration::from_secs(5)).await,
        Some(wire::protocol::CLOSE_SIGNED_OUT)
    );
}

#[tokio::test]
async fn a_staff_cookie_from_a_widget_page_gets_no_staff_socket() {
    let shop = "https://shop.example.com";
    let app = TestApp::spawn_with(&["--widget-origins", shop]).await;
    let cookie = app.admin_session("desk@example.com").await;
    let mut socket = Client::connect_with(&app, &[("cookie", &cookie), ("origin", shop)]).await;
    socket
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    let refused = socket.next().await;
    assert_eq!(refused["type"], "error", "no `ready`: {refused}");
    assert_eq!(refused["code"], "unauthorized");
    // The same cookie from Confab's own page still works.
    let own = app.url.clone();
    let mut staff = Client::connect_with(&app, &[("cookie", &cookie), ("origin", &own)]).await;
    let ready: Value = staff.expect("ready").await;
    assert_eq!(ready["user"]["role"], "admin");
}

#[tokio::test]
async fn a_socket_that_never_authenticates_is_closed_after_ten_seconds() {
    let app = TestApp::spawn().await;
    let mut socket = Client::connect(&app, None).await;
    let started = Instant::now();
    // Pings keep the connection busy, but do not authenticate it.
    socket.send(json!({"type": "ping"})).await;
    socket.expect("pong").await;
    let code = socket.closed(Duration::from_secs(15)).await;
    assert_eq!(code, Some(wire::protocol::CLOSE_UNAUTHENTICATED));
    let waited = started.elapsed();
    assert!(
        (Duration::from_secs(9)..Duration::from_secs(12)).contains(&waited),
        "closed after {waited:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_that_stops_reading_is_dropped() {
    let app = TestApp::spawn_with(&[
        "--message-burst",
        "100000",
        "--messages-per-minute",
        "100000",
    ])
    .await;
    let cookie = app.admin_session("desk@example.com").await;
    // A staff client with a tiny receive window that never reads again.
    let stream = {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(4096).expect("small buffer");
        socket
            .connect(
                app.url
                    .trim_start_matches("http://")
                    .parse()
                    .expect("address"),
            )
            .await
            .expect("connect")
    };
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "{}/ws",
            app.url.replacen("http", "ws", 1)
        ))
        .expect("request");
    request
        .headers_mut()
        .insert(header::COOKIE, cookie.parse().expect("cookie"));
    let (mut stalled, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .expect("upgrade");
    {
        use futures::{SinkExt, StreamExt};
        stalled
            .send(tokio_tungstenite::tungstenite::Message::text(
                json!({"type": "subscribe", "channel": "admin"}).to_string(),
            ))
            .await
            .expect("subscribe");
        // Reads `ready` and `subscribed`, then never again.
        while let Some(Ok(message)) = stalled.next().await {
            if message
                .to_text()
                .is_ok_and(|t| t.contains("\"subscribed\""))
            {
                break;
            }
        }
    }
    assert_eq!(app.state.effects.hub.connections(), 1);
    // A visitor writes long messages; each becomes admin-channel frames (about 5.5 KB) it
    // never reads, until the kernel's buffers (up to 4 MiB on loopback) are full and the
    // server's writes stall.
    let (token, _) = visitor_with_chat(&app).await;
    let long = "z".repeat(5_000);
    for _ in 0..3_000 {
        let res = app
            .http
            .post(app.at("/api/support_chat/messages"))
            .bearer_auth(&token)
            .json(&json!({ "content": long }))
            .send()
            .await
            .expect("POST");
        assert!(res.status().is_success());
        if app.state.effects.hub.connections() == 0 {
            break;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.state.effects.hub.connections() > 0 {
        assert!(
            Instant::now() < deadline,
            "the stalled socket is still held"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(stalled);
}

#[tokio::test]
async fn the_longest_escaped_message_is_sent_without_a_reconnect() {
    let app = TestApp::spawn().await;
    let (token, chat_id) = visitor_with_chat(&app).await;
    let mut socket = Client::visitor(&app, &token).await;
    socket.subscribe_chat(&chat_id, None).await;
    // 5,000 control characters: valid, and 30,000 bytes once JSON-escaped.
    let content = "\u{1}".repeat(4_999) + "x";
    let frame = json!({"type": "send_message", "chat_id": chat_id, "content": content, "client_id": Uuid::now_v7()});
    assert!(frame.to_string().len() > 16 * 1024);
    socket.send(frame).await;
    let sent = socket.until("sent").await;
    assert_eq!(
        sent["message"]["content"].as_str().map(str::len),
        Some(5_000)
    );
    // 5,000 emoji escaped as surrogate pairs, as Python's json.dumps sends them: 12 bytes each.
    let escaped = "\\ud83d\\ude00".repeat(5_000);
    let client_id = Uuid::now_v7();
    let raw = format!(
        r#"{{"type":"send_message","chat_id":"{chat_id}","content":"{escaped}","client_id":"{client_id}"}}"#
    );
    assert!(raw.len() > 60_000);
    socket.send_text(raw).await;
    let sent = socket.until("sent").await;
    assert_eq!(
        sent["message"]["content"]
            .as_str()
            .map(|c| c.chars().count()),
        Some(5_000)
    );
    socket.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_cut_off_and_never_pile_up() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(&["--connections-per-address", "1000"]).await;
    let addr = app.url.trim_start_matches("http://").to_owned();
    // 300 connections that send half a request's headers, and one that sends its headers but
    // only part of the body it announced.
    let mut stalled = Vec::new();
    for _ in 0..300 {
        let mut stream = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        stream
            .write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("half a request");
        stalled.push(stream);
    }
    let mut slow_body = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    slow_body
        .write_all(
            b"POST /api/widget/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na",
        )
        .await
        .expect("part of a body");
    let started = Instant::now();

    // Everyone else is served meanwhile.
    let res = app.http.get(app.at("/readyz")).send().await.expect("GET");
    assert_eq!(res.status(), StatusCode::OK);

    // The server answers the slow body with 408 and closes the half requests: each read ends.
    let mut answer = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        slow_body.read_to_string(&mut answer),
    )
    .await
    .expect("the slow body was cut off in time")
    .expect("read");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    for mut stream in stalled {
        let mut rest = Vec::new();
        tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut rest))
            .await
            .expect("closed in time")
            .expect("read");
    }
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(9), "cut off after {waited:?}");
}

#[tokio::test]
async fn sockets_whose_session_vanished_unheard_are_closed_by_the_sweep() {
    let app = TestApp::spawn().await;
    let (token, _) = visitor_with_chat(&app).await;
    let mut socket = Client::visitor(&app, &token).await;
    let other_token = app.visitor_token().await;
    let mut bystander = Client::visitor(&app, &other_token).await;
    // The session row goes without any announcement (as when a relay notification is lost).
    let hash = domain::auth::token::hash(&token);
    {
        use sea_orm::{ColumnTrait, QueryFilter};
        domain::entities::Session::delete_many()
            .filter(domain::entities::session::Column::TokenHash.eq(hash))
            .exec(&app.db)
            .await
            .expect("delete the session row");
    }
    let closed =
        domain::auth::sessions::close_sockets_of_ended_sessions(&app.db, &app.state.effects.hub)
            .await
            .expect("sweep");
    assert_eq!(closed, 1);
    assert_eq!(
        socket.closed(Duration::from_secs(1)).await,
        Some(wire::protocol::CLOSE_SIGNED_OUT)
    );
    bystander.still_serves().await;
}

/// Tests that need PostgreSQL (instances sharing one database): `make check` filters them out on
/// SQLite (`--skip ::postgres::`), `make test` runs them on PostgreSQL.
mod postgres {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn signing_out_on_one_instance_closes_sockets_on_another() {
        let first = TestApp::spawn().await;
        assert_eq!(
            first.backend(),
            DatabaseBackend::Postgres,
            "needs PostgreSQL: DATABASE_URL=postgres://… (make test runs it)"
        );
        let second = first.another_instance().await;
        let cookie = first.admin_session("desk@example.com").await;
        let mut socket = Client::staff(&second, &cookie).await;
        socket
            .send(json!({"type": "subscribe", "channel": "admin"}))
            .await;
        socket.expect("subscribed").await;
        let res = first.rpc("auth/sign_out", &[], Some(&cookie)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            socket.closed(Duration::from_secs(1)).await,
            Some(wire::protocol::CLOSE_SIGNED_OUT)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn limits_hold_across_instances_on_postgresql() {
        let flags = ["--message-burst", "4", "--messages-per-minute", "1"];
        let first = TestApp::spawn_with(&flags).await;
        assert_eq!(
            first.backend(),
            DatabaseBackend::Postgres,
            "needs PostgreSQL: DATABASE_URL=postgres://… (make test runs it)"
        );
        let second = first.another_instance_with(&flags).await;
        let (token, _) = visitor_with_chat(&first).await;
        let mut statuses = post_rest(&first, Some(&token), None, 2).await;
        statuses.extend(post_rest(&second, Some(&token), None, 2).await);
        assert!(statuses.iter().all(StatusCode::is_success), "{statuses:?}");
        assert_eq!(
            post_rest(&second, Some(&token), None, 1).await,
            [StatusCode::TOO_MANY_REQUESTS]
        );
        assert_eq!(
            post_rest(&first, Some(&token), None, 1).await,
            [StatusCode::TOO_MANY_REQUESTS]
        );
    }
}
