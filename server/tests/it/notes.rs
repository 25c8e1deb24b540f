//! Private notes, on whichever backend the run tests: the leak test (a note's words reach
//! every staff path and no user path: the user's REST reads and polling, the chat channel live
//! and resumed, the reply email, the hosted page, the list's preview and count), a note
//! written during a user's reconnection, search (marked as notes), mentions (the Mentions
//! list, seen on opening the chat, the email when not seen in time), validation, resends and
//! concurrent writers.

use chrono::TimeDelta;
use domain::{
    clock,
    mail::{MailSettings, worker::run_due_jobs},
};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;
use wire::model::Role;

use crate::{
    smtp::{SmtpServer, decoded, mailer_for},
    socket::Client,
    support::{TestApp, error_of, on_server_stacks},
};

/// Words no user may ever read: each note of these tests carries them.
const SECRET: &str = "zebra-refund-7731";

/// A POST of a note as the cookie's owner.
async fn write_note(app: &TestApp, cookie: &str, chat: &str, body: Value) -> reqwest::Response {
    app.send_json(
        Method::POST,
        &format!("/api/admin/chats/{chat}/notes"),
        cookie,
        &body,
    )
    .await
}

/// A staff reply over REST.
async fn reply(app: &TestApp, cookie: &str, chat: &str, content: &str) -> Value {
    let res = app
        .send_json(
            Method::POST,
            &format!("/api/admin/chats/{chat}/messages"),
            cookie,
            &json!({ "content": content }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.expect("message")
}

/// Frames the client receives until a `new_message` whose content is `content`; all of them.
async fn frames_until_message(client: &mut Client, content: &str) -> Vec<Value> {
    let mut frames = Vec::new();
    loop {
        let frame = client.next().await;
        let done = frame["type"] == "new_message" && frame["message"]["content"] == content;
        frames.push(frame);
        if done {
            return frames;
        }
    }
}

fn assert_no_secret(path: &str, seen: &str) {
    assert!(
        !seen.to_lowercase().contains(SECRET),
        "a note reached the user through {path}: {seen}"
    );
}

#[test]
fn notes_reach_every_staff_path_and_no_user_path() {
    // The hosted page, rendered for a signed-in user, needs the server's stack.
    on_server_stacks(leak_test());
}

async fn leak_test() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start().await;
    let (_, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let user = app.sign_up("uma@example.com", "right password").await;
    let res = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .header(header::COOKIE, &user)
        .json(&json!({ "content": "I was charged twice" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::CREATED);
    let first: Value = res.json().await.expect("message");
    let chat: Value = app.get_json_with_cookie("/api/support_chat", &user).await;
    let chat_id = chat["id"].as_str().expect("chat id").to_owned();

    // Live: the user follows the chat, a colleague the admin channel.
    let mut user_socket = Client::connect(&app, Some(&user)).await;
    user_socket.expect("ready").await;
    let (_, subscribed) = user_socket.subscribe_chat(&chat_id, None).await;
    let resume_from = subscribed["seq"].as_i64().expect("seq");
    let mut colleague = Client::staff(&app, &maya).await;
    colleague
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    colleague.expect("subscribed").await;
    // A staff member's own chat socket follows the chat like the user's does.
    let mut staff_chat_socket = Client::staff(&app, &maya).await;
    staff_chat_socket.subscribe_chat(&chat_id, None).await;

    let note = format!("@maya the customer was refunded last week ({SECRET})");
    let res = write_note(&app, &maya, &chat_id, json!({ "content": note })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let written: Value = res.json().await.expect("note");
    assert_eq!(written["content"], note);
    assert_eq!(written["author"]["name"], "maya");
    // Nobody mentions themselves.
    assert_eq!(written["mentions"], json!([]));
    let answer = "We refunded the second charge.";
    reply(&app, &maya, &chat_id, answer).await;

    // Staff: the admin channel carries the note, then the reply's list entry.
    let heard = colleague.until("new_note").await;
    assert_eq!(heard["chat_id"], chat_id);
    assert_eq!(heard["note"]["id"], written["id"]);
    let staff_view = app
        .get_json_with_cookie(&format!("/api/admin/chats/{chat_id}"), &maya)
        .await;
    assert_eq!(staff_view["notes"][0]["content"], note);

    // The user's socket, live: the reply arrives and nothing of the note before it.
    for frame in frames_until_message(&mut user_socket, answer).await {
        assert_no_secret("the chat channel, live", &frame.to_string());
    }
    // A chat channel carries messages, never notes, even to staff.
    for frame in frames_until_message(&mut staff_chat_socket, answer).await {
        assert_no_secret("a staff chat channel", &frame.to_string());
    }
    // Resumed with `after` from before the note.
    drop(user_socket);
    let mut resumed = Client::connect(&app, Some(&user)).await;
    resumed.expect("ready").await;
    let (replayed, _) = resumed.subscribe_chat(&chat_id, Some(resume_from)).await;
    assert_eq!(replayed.len(), 1, "the reply, replayed");
    assert_no_secret("the chat channel, resumed", &format!("{replayed:?}"));
    // REST: the chat, polling after the first message, older pages.
    for path in [
        "/api/support_chat".to_owned(),
        format!(
            "/api/support_chat/messages?after={}",
            first["id"].as_str().expect("id")
        ),
        "/api/me".to_owned(),
    ] {
        let res = app.get_with_cookie(&path, &user).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_no_secret(&path, &res.text().await.expect("body"));
    }
    // The hosted page the user reads, with its server-rendered widget.
    let page = app.get_with_cookie("/", &user).await;
    let page = page.text().await.expect("page");
    assert!(page.contains(answer), "the page renders the conversation");
    assert_no_secret("the hosted page", &page);
    // The list's preview and count (the user-facing figures): the reply, two messages.
    let listed: Vec<Value> = app
        .get_with_cookie("/api/admin/chats", &maya)
        .await
        .json()
        .await
        .expect("list");
    let entry = listed
        .iter()
        .find(|entry| entry["id"] == chat_id)
        .expect("the chat is listed");
    assert_eq!(entry["last_message_preview"], answer);
    assert_eq!(entry["message_count"], 2);
    // The reply email: the reply, not the note.
    let settings = MailSettings {
        app_name: "Confab".into(),
        public_url: app.url.clone(),
        max_attempts: 3,
    };
    let later = clock::now() + TimeDelta::minutes(6);
    let sent = run_due_jobs(&app.db, &mailer_for(&smtp.url()), &settings, later)
        .await
        .expect("worker");
    assert_eq!(sent, 1);
    let mail = decoded(&smtp.received()[0].data);
    assert!(mail.contains(answer), "{mail}");
    assert_no_secret("the reply email", &mail);
}

#[tokio::test]
async fn a_note_written_while_the_user_reconnects_never_reaches_the_resumed_stream() {
    let app = TestApp::spawn_with(&[
        "--messages-per-minute",
        "100000",
        "--message-burst",
        "100000",
    ])
    .await;
    let (token, chat_id) = crate::socket::visitor_with_chat(&app).await;
    let maya = app.admin_session("maya@confab.test").await;
    let mut user_socket = Client::visitor(&app, &token).await;
    let (_, subscribed) = user_socket.subscribe_chat(&chat_id, None).await;
    let mut last_seq = subscribed["seq"].as_i64().expect("seq");
    drop(user_socket);

    // Notes and replies are written while the user reconnects, again and again.
    const ROUNDS: usize = 8;
    let writer = async {
        for round in 0..ROUNDS {
            let res = write_note(
                &app,
                &maya,
                &chat_id,
                json!({ "content": format!("round {round}: {SECRET}") }),
            )
            .await;
            assert_eq!(res.status(), StatusCode::CREATED);
            reply(&app, &maya, &chat_id, &format!("reply {round}")).await;
        }
    };
    let reader = async {
        let mut heard = Vec::new();
        for _ in 0..ROUNDS {
            let mut resumed = Client::visitor(&app, &token).await;
            let (replayed, subscribed) = resumed.subscribe_chat(&chat_id, Some(last_seq)).await;
            heard.extend(replayed);
            last_seq = subscribed["seq"].as_i64().expect("seq");
            // A little live traffic before the next reconnection.
            resumed.still_serves().await;
            drop(resumed);
        }
        heard
    };
    let ((), mut heard) = tokio::join!(writer, reader);
    let mut last = Client::visitor(&app, &token).await;
    let (replayed, _) = last.subscribe_chat(&chat_id, Some(last_seq)).await;
    heard.extend(replayed);
    let replies: Vec<&str> = heard
        .iter()
        .filter_map(|frame| frame["message"]["content"].as_str())
        .collect();
    let expected: Vec<String> = (0..ROUNDS).map(|round| format!("reply {round}")).collect();
    assert_eq!(replies, expected, "every reply once, in order");
    assert_no_secret("a resumed stream", &format!("{heard:?}"));
    let staff_view = app
        .get_json_with_cookie(&format!("/api/admin/chats/{chat_id}"), &maya)
        .await;
    assert_eq!(staff_view["notes"].as_array().map(Vec::len), Some(ROUNDS));
}

#[tokio::test]
async fn bad_notes_are_refused_and_a_resend_is_the_same_note() {
    let app = TestApp::spawn().await;
    let (token, chat_id) = crate::socket::visitor_with_chat(&app).await;
    let maya = app.admin_session("maya@confab.test").await;
    let user = app.sign_up("uma@example.com", "right password").await;

    for (body, status) in [
        (
            json!({ "content": "   " }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "content": "x".repeat(5_001) }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "content": "a\u{0}b" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({}), StatusCode::BAD_REQUEST),
        (
            json!({ "content": "hi", "client_id": null }),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let res = write_note(&app, &maya, &chat_id, body.clone()).await;
        assert_eq!(res.status(), status, "{body}");
    }
    let res = write_note(
        &app,
        &maya,
        &Uuid::now_v7().to_string(),
        json!({ "content": "hi" }),
    )
    .await;
    assert_eq!(error_of(res).await.0, StatusCode::NOT_FOUND);
    // Users may not write notes, on their own chat or any other.
    let res = write_note(&app, &user, &chat_id, json!({ "content": "hi" })).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .http
        .post(app.at(&format!("/api/admin/chats/{chat_id}/notes")))
        .bearer_auth(&token)
        .json(&json!({ "content": "hi" }))
        .send()
        .await
        .expect("POST");
    assert!(
        matches!(
            res.status(),
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
        ),
        "{}",
        res.status()
    );

    let client_id = Uuid::now_v7();
    let body = json!({ "content": "once", "client_id": client_id });
    let first = write_note(&app, &maya, &chat_id, body.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("note");
    let again = write_note(&app, &maya, &chat_id, body).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.expect("note");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["client_id"], json!(client_id));
    let staff_view = app
        .get_json_with_cookie(&format!("/api/admin/chats/{chat_id}"), &maya)
        .await;
    assert_eq!(staff_view["notes"].as_array().map(Vec::len), Some(1));
}

/// Many colleagues writing notes on one chat at once, some resending: every note stored once,
/// in order, with its mentions.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_notes_are_each_stored_once_with_their_mentions() {
    const WRITERS: usize = 12;
    let app = TestApp::spawn().await;
    let (_, chat_id) = crate::socket::visitor_with_chat(&app).await;
    let (tom_id, _) = app.staff_session("tom@confab.test", Role::Agent).await;
    let mut writers = Vec::new();
    for n in 0..WRITERS {
        let (_, cookie) = app
            .staff_session(&format!("agent{n}@confab.test"), Role::Agent)
            .await;
        writers.push(cookie);
    }
    let posts = writers.iter().enumerate().map(|(n, cookie)| {
        let app = &app;
        let chat_id = &chat_id;
        async move {
            let body =
                json!({ "content": format!("note {n} for @tom"), "client_id": Uuid::now_v7() });
            let (a, b) = tokio::join!(
                write_note(app, cookie, chat_id, body.clone()),
                write_note(app, cookie, chat_id, body)
            );
            let mut statuses = [a.status(), b.status()];
            statuses.sort();
            assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED]);
        }
    });
    futures::future::join_all(posts).await;
    let (_, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let staff_view = app
        .get_json_with_cookie(&format!("/api/admin/chats/{chat_id}"), &maya)
        .await;
    let notes = staff_view["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), WRITERS);
    let ids: Vec<&str> = notes.iter().filter_map(|n| n["id"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "oldest first");
    for note in notes {
        assert_eq!(note["mentions"], json!([{ "id": tom_id, "name": "tom" }]));
    }
}

#[tokio::test]
async fn search_finds_notes_and_says_so() {
    let app = TestApp::spawn().await;
    let maya = app.admin_session("maya@confab.test").await;
    let (token, by_note) = crate::socket::visitor_with_chat(&app).await;
    assert_eq!(
        app.post_as(&token, "my order").await.status(),
        StatusCode::CREATED
    );
    let (other, by_message) = crate::socket::visitor_with_chat(&app).await;
    assert_eq!(
        app.post_as(&other, "is this a reseller account?")
            .await
            .status(),
        StatusCode::CREATED
    );
    let res = write_note(
        &app,
        &maya,
        &by_note,
        json!({ "content": "probably a reseller, check the VAT id" }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let found = app
        .get_json_with_cookie("/api/admin/chats?q=reseller", &maya)
        .await;
    let found = found.as_array().expect("list");
    assert_eq!(found.len(), 2);
    let item = |chat: &str| {
        found
            .iter()
            .find(|item| item["id"] == chat)
            .expect("found")
            .clone()
    };
    let noted = item(&by_note);
    assert_eq!(noted["match_in_note"], true);
    assert!(
        noted["match_snippet"]
            .as_str()
            .is_some_and(|s| s.contains("reseller")),
        "{noted}"
    );
    let messaged = item(&by_message);
    assert!(messaged.get("match_in_note").is_none(), "{messaged}");
    // A user's own chat never searches anything.
    let user = app
        .get_json("/api/support_chat", Some(&token))
        .await
        .to_string();
    assert!(!user.contains("reseller"), "{user}");
}

#[tokio::test]
async fn a_mention_is_listed_seen_on_opening_and_emailed_when_not_seen_in_time() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start().await;
    let (_, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (tom_id, tom) = app.staff_session("tom@confab.test", Role::Agent).await;
    let (ann_id, _) = app.staff_session("ann@confab.test", Role::Agent).await;
    let (_, seen_chat) = crate::socket::visitor_with_chat(&app).await;
    let (_, unseen_chat) = crate::socket::visitor_with_chat(&app).await;
    for chat in [&seen_chat, &unseen_chat] {
        let res = write_note(
            &app,
            &maya,
            chat,
            json!({ "content": format!("@tom @ann look at {chat}") }),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    use domain::chats::mentions;
    assert_eq!(mentions::unseen(&app.db, tom_id).await.expect("count"), 2);
    let listed = mentions::of_person(&app.db, tom_id).await.expect("list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].chat_id.to_string(), unseen_chat, "newest first");
    assert!(
        listed
            .iter()
            .all(|m| !m.seen && m.note.author.name == "maya")
    );

    // Tom opens one chat: its mention is seen; Ann's are not.
    app.get_json_with_cookie(&format!("/api/admin/chats/{seen_chat}"), &tom)
        .await;
    assert_eq!(mentions::unseen(&app.db, tom_id).await.expect("count"), 1);
    assert_eq!(mentions::unseen(&app.db, ann_id).await.expect("count"), 2);

    let settings = MailSettings {
        app_name: "Confab".into(),
        public_url: app.url.clone(),
        max_attempts: 3,
    };
    let mailer = mailer_for(&smtp.url());
    // Not yet due.
    let early = run_due_jobs(
        &app.db,
        &mailer,
        &settings,
        clock::now() + TimeDelta::minutes(4),
    )
    .await
    .expect("worker");
    assert_eq!(early, 0);
    let sent = run_due_jobs(
        &app.db,
        &mailer,
        &settings,
        clock::now() + TimeDelta::minutes(6),
    )
    .await
    .expect("worker");
    assert_eq!(sent, 3, "Tom's unseen mention and Ann's two");
    let mails = smtp.received();
    let to_tom: Vec<String> = mails
        .iter()
        .filter(|mail| mail.to.iter().any(|to| to.contains("tom@")))
        .map(|mail| decoded(&mail.data))
        .collect();
    assert_eq!(to_tom.len(), 1);
    assert!(
        to_tom[0].contains(&format!("look at {unseen_chat}")),
        "{}",
        to_tom[0]
    );
    assert!(to_tom[0].contains(&format!("/admin/chats/{unseen_chat}")));
    // Once each: a later run sends nothing more.
    let again = run_due_jobs(
        &app.db,
        &mailer,
        &settings,
        clock::now() + TimeDelta::hours(1),
    )
    .await
    .expect("worker");
    assert_eq!(again, 0);
}
