//! The dashboard's list over HTTP: pages of `limit` chats followed through `Link` headers, in
//! list order, each chat once, with the spec's fields and figures kept on each chat's row.

use domain::{
    clock,
    entities::{SupportMessage, columns::SenderColumn, support_message},
};
use reqwest::{StatusCode, header};
use sea_orm::{DatabaseBackend, EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

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
    assert_eq!(
        app.post_as(token, content).await.status(),
        StatusCode::CREATED
    );
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
            "assignee",
            "id",
            "labels",
            "last_message_at",
            "last_message_preview",
            "last_message_sender",
            "message_count",
            "snoozed_until",
            "status",
            "unread",
            "user_email",
            "user_id"
        ],
        "the spec's fields, the team inbox's (assignee, snoozed_until, status) and labels"
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

/// The chats `q` finds on the active tab, in list order, following `Link`s; with snippets.
async fn search(app: &TestApp, staff: &str, q: &str, limit: u32) -> Vec<Value> {
    let mut found = Vec::new();
    let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let mut next = Some(format!("/api/admin/chats?q={encoded}&limit={limit}"));
    while let Some(path) = next {
        let (chats, link) = page(app, &path, staff).await;
        if let Some(link) = &link {
            assert!(
                link.contains("q="),
                "the next page keeps the search: {link}"
            );
        }
        found.extend(chats);
        next = link;
    }
    found
}

fn ids(chats: &[Value]) -> Vec<&str> {
    chats
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect()
}

#[tokio::test]
async fn search_finds_chats_by_message_words_and_email_in_list_order() {
    let app = TestApp::spawn().await;
    let staff = app.admin_session("searcher@example.com").await;
    let (refund_token, refund_chat) = visitor_at(&app.http, &app.url).await;
    post(&app, &refund_token, "Hello, I need help").await;
    post(
        &app,
        &refund_token,
        "Where is my REFUND for order #4521? It has been two weeks.",
    )
    .await;
    post(&app, &refund_token, "thanks").await;
    let (other_token, other_chat) = visitor_at(&app.http, &app.url).await;
    post(&app, &other_token, "The refunding page shows an error").await;
    let (quiet_token, _) = visitor_at(&app.http, &app.url).await;
    post(&app, &quiet_token, "Nothing to see here").await;
    // A signed-up user's email is searchable; their chat exists once they write.
    let user = app
        .sign_up("Zelda.Quinn@wonder.example", "correct horse battery")
        .await;
    let res = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .header(header::COOKIE, &user)
        .json(&json!({ "content": "hi there" }))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::CREATED);

    // Whole words, case-insensitively: "refund" finds the one; "refund*" also the word
    // "refunding", newest first.
    assert_eq!(
        ids(&search(&app, &staff, "refund", 50).await),
        [refund_chat.as_str()]
    );
    let found = search(&app, &staff, "refund*", 1).await;
    assert_eq!(ids(&found), [other_chat.as_str(), refund_chat.as_str()]);
    let snippet = found[1]["match_snippet"].as_str().expect("a snippet");
    assert!(snippet.contains("REFUND for order"), "{snippet}");
    assert!(snippet.chars().count() <= 121, "{snippet}");
    // Two words must both appear in one message; punctuation is not an operator.
    assert_eq!(
        ids(&search(&app, &staff, "order 4521", 50).await),
        [refund_chat.as_str()]
    );
    assert_eq!(
        ids(&search(&app, &staff, "\"refund\" AND (NEAR", 50).await),
        Vec::<&str>::new(),
        "operators are words: no message holds 'and' and 'near'"
    );
    assert_eq!(search(&app, &staff, "weeks two refun*", 50).await.len(), 1);
    assert!(search(&app, &staff, "refun", 50).await.is_empty());
    // Emails by their parts; such a result has no message snippet.
    let by_email = search(&app, &staff, "zelda wonder*", 50).await;
    assert_eq!(by_email.len(), 1);
    assert_eq!(by_email[0]["user_email"], "zelda.quinn@wonder.example");
    assert!(by_email[0].get("match_snippet").is_none());
    // The plain list carries no snippets; the archive tab searches the archive only.
    let (plain, _) = page(&app, "/api/admin/chats", &staff).await;
    assert!(plain.iter().all(|c| c.get("match_snippet").is_none()));
    let (archived, _) = page(&app, "/api/admin/chats?archived=true&q=refund", &staff).await;
    assert!(archived.is_empty());
    // A visitor who leaves an email later is found by it.
    let res = app
        .http
        .patch(app.at("/api/widget/visitor"))
        .bearer_auth(&quiet_token)
        .json(&json!({ "email": "late.comer@example.org" }))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(search(&app, &staff, "late comer", 50).await.len(), 1);
    // Blank is the whole list; text without a word finds nothing; too long is refused.
    let (blank, _) = page(&app, "/api/admin/chats?q=%20%20", &staff).await;
    assert_eq!(blank.len(), 4);
    for wordless in ["%40%40%40", "%00", "%F1%80%8F%BE"] {
        let (found, next) = page(&app, &format!("/api/admin/chats?q={wordless}"), &staff).await;
        assert!(found.is_empty() && next.is_none(), "{wordless}");
    }
    let long = format!("/api/admin/chats?q={}", "x".repeat(201));
    let (status, _code, message) = error_of(app.get_with_cookie(&long, &staff).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("200"), "{message}");
}

/// Writes `contents` into `chat` as staff messages straight into the table (thousands, in
/// order: each newer than the one before), numbered from `first_seq`.
async fn write_messages(app: &TestApp, chat: &str, first_seq: i64, contents: &[String]) {
    let chat = Uuid::parse_str(chat).expect("chat id");
    let start = clock::now() - chrono::Duration::hours(1);
    for (batch_index, batch) in contents.chunks(500).enumerate() {
        let rows = batch.iter().enumerate().map(|(i, content)| {
            let n = (batch_index * 500 + i) as i64;
            let at = start + chrono::Duration::milliseconds(first_seq * 10 + n);
            support_message::ActiveModel {
                id: Set(Uuid::now_v7()),
                chat_id: Set(chat),
                seq: Set(first_seq + n),
                client_id: Set(None),
                content: Set(content.clone()),
                author_id: Set(None),
                sender_type: Set(SenderColumn::Admin),
                read_at: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
            }
        });
        SupportMessage::insert_many(rows)
            .exec(&app.db)
            .await
            .expect("insert messages");
    }
}

fn sorted(mut ids: Vec<&str>) -> Vec<&str> {
    ids.sort_unstable();
    ids
}

/// A word in very many messages finds the chats of its newest 2,000 (`MAX_MATCHES`), however
/// the backend reads them (PostgreSQL walks the newest messages for a common word and uses
/// its index for a rare one). On SQLite a prefix stands for its 64 most used words.
#[tokio::test]
async fn common_words_find_their_newest_matches_and_prefixes_their_most_used_words() {
    let app = TestApp::spawn().await;
    let staff = app.admin_session("common@example.com").await;
    let (_, oldest) = visitor_at(&app.http, &app.url).await;
    let (_, middle) = visitor_at(&app.http, &app.url).await;
    let (_, newest) = visitor_at(&app.http, &app.url).await;
    let greeting = |n: usize| -> Vec<String> { vec!["Hello and welcome".to_owned(); n] };
    // Written oldest first: the newest 2,000 greetings are the newest chat's 100 and the
    // middle chat's last 1,900.
    write_messages(&app, &oldest, 1, &greeting(100)).await;
    write_messages(&app, &middle, 1_000, &greeting(1_950)).await;
    write_messages(&app, &newest, 10_000, &greeting(100)).await;
    let found = search(&app, &staff, "welcome", 50).await;
    assert_eq!(
        sorted(ids(&found)),
        sorted(vec![middle.as_str(), newest.as_str()])
    );
    // Two common words, and a prefix of one.
    assert_eq!(search(&app, &staff, "hello welcome", 50).await.len(), 2);
    assert_eq!(search(&app, &staff, "welc*", 50).await.len(), 2);
    // A rare word among them is found wherever it is.
    write_messages(
        &app,
        &oldest,
        500,
        &["Hello, welcome back, Quillon".to_owned()],
    )
    .await;
    assert_eq!(
        ids(&search(&app, &staff, "quillon", 50).await),
        [oldest.as_str()]
    );
    assert_eq!(
        ids(&search(&app, &staff, "quill*", 50).await),
        [oldest.as_str()]
    );

    // Seventy words starting "zorb": six in one message each, in the rare chat; sixty-four in
    // two messages each, in the common chat.
    let (_, rare) = visitor_at(&app.http, &app.url).await;
    let (_, common) = visitor_at(&app.http, &app.url).await;
    let words = |range: std::ops::Range<usize>, uses: usize| -> Vec<String> {
        range
            .flat_map(|n| std::iter::repeat_n(format!("about zorb{n:02}"), uses))
            .collect()
    };
    write_messages(&app, &rare, 1, &words(0..6, 1)).await;
    write_messages(&app, &common, 1, &words(6..70, 2)).await;
    let by_prefix = search(&app, &staff, "zorb*", 50).await;
    let by_prefix = sorted(ids(&by_prefix));
    match app.backend() {
        // The 64 most used words are the common chat's.
        DatabaseBackend::Sqlite => assert_eq!(by_prefix, [common.as_str()]),
        // Every word (the index reads the prefix itself).
        _ => assert_eq!(by_prefix, sorted(vec![rare.as_str(), common.as_str()])),
    }
    // A longer prefix stands for fewer words: all of them.
    assert_eq!(
        sorted(ids(&search(&app, &staff, "zorb0*", 50).await)),
        sorted(vec![rare.as_str(), common.as_str()])
    );
    // A prefix that starts no word finds nothing.
    assert!(search(&app, &staff, "zorbx*", 50).await.is_empty());
    // Outside ASCII, FTS5 folds a word its own way (a final sigma becomes σ): the prefix is
    // found as typed.
    write_messages(&app, &rare, 100, &["Ο λόγος της επιστροφής".to_owned()]).await;
    assert_eq!(
        ids(&search(&app, &staff, "ΛΌΓΟΣ*", 50).await),
        [rare.as_str()]
    );
    // At most two prefixes: a third `*` matches the word whole.
    assert_eq!(
        ids(&search(&app, &staff, "λόγ* επιστ* τη*", 50).await),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(&search(&app, &staff, "λόγ* επιστ* της*", 50).await),
        [rare.as_str()]
    );
}
