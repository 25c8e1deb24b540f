//! Benchmark: `GET /api/admin/chats` (its first page) with 10,000 chats and 200,000 messages, over real HTTP on
//! 127.0.0.1, against SQLite (a temporary file) or PostgreSQL (`DATABASE_URL=postgres://…`).
//! Prints seeding time, then latency percentiles and the response size. `make bench` runs both.

use std::time::{Duration, Instant};

use app::{
    model::{Role, SenderType},
    server::{
        auth::sessions,
        clock,
        entities::{
            SupportChat, SupportMessage, User, session::SessionKind, support_chat, support_message,
            user,
        },
    },
};
use chrono::Duration as Span;
use clap::Parser;
use sea_orm::{DatabaseConnection, EntityTrait, Set};
use server::config::Cli;
use uuid::Uuid;

mod common;
use common::database_url;

const CHATS: usize = 10_000;
const MESSAGES_PER_CHAT: usize = 20;
const BATCH: usize = 1_000;
const WARM_UP: usize = 3;
const SAMPLES: usize = 20;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (url, _dir) = database_url().await?;
    let db = server::database::connect(&url).await?;
    server::database::migrate(&db).await?;
    let backend = app::server::status::backend_name(db.get_database_backend());

    let seeding = Instant::now();
    let admin_token = seed(&db).await?;
    println!(
        "{backend}: seeded {CHATS} chats and {} messages in {:.1} s",
        CHATS * MESSAGES_PER_CHAT,
        seeding.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let args = Cli::try_parse_from(["confab", "--addr", &addr.to_string()])?.serve;
    tokio::spawn(server::serve_on(
        listener,
        server::build_state(&args, db),
        std::future::pending(),
    ));

    let http = reqwest::Client::new();
    let url = format!("http://{addr}/api/admin/chats");
    let cookie = format!("confab_session={admin_token}");
    let mut times = Vec::with_capacity(SAMPLES);
    let mut bytes = 0;
    let mut listed = 0;
    for i in 0..WARM_UP + SAMPLES {
        let started = Instant::now();
        let res = http.get(&url).header("cookie", &cookie).send().await?;
        anyhow::ensure!(res.status().is_success(), "status {}", res.status());
        let body = res.bytes().await?;
        if i >= WARM_UP {
            times.push(started.elapsed());
            bytes = body.len();
            listed = serde_json::from_slice::<Vec<serde_json::Value>>(&body)?.len();
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{backend}: GET /api/admin/chats (first page: {listed} of {} active chats, {bytes} bytes): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {SAMPLES} requests",
        CHATS - CHATS / 10,
        ms(times[SAMPLES / 2]),
        ms(times[SAMPLES * 95 / 100]),
        ms(times[SAMPLES - 1]),
    );
    Ok(())
}

/// 10,000 users with one chat each and 20 messages per chat, alternating senders; one chat in
/// ten archived, one in three viewed by staff. Returns a staff session token.
async fn seed(db: &DatabaseConnection) -> anyhow::Result<String> {
    let start = clock::now() - Span::days(30);
    let users: Vec<Uuid> = (0..CHATS).map(|_| Uuid::now_v7()).collect();
    let chats: Vec<Uuid> = (0..CHATS).map(|_| Uuid::now_v7()).collect();
    for batch in users.chunks(BATCH) {
        User::insert_many(batch.iter().map(|id| user::ActiveModel {
            id: Set(*id),
            email: Set(Some(format!("user-{id}@example.com"))),
            name: Set(None),
            role: Set(Role::User),
            password_hash: Set(None),
            external_id: Set(None),
            unsubscribed_at: Set(None),
            unsubscribe_token: Set(None),
            created_at: Set(start),
            updated_at: Set(start),
        }))
        .exec(db)
        .await?;
    }
    let at = |chat: usize, message: usize| {
        start + Span::seconds((chat * 97 % 86_400) as i64) + Span::minutes(message as i64)
    };
    for (offset, batch) in chats.chunks(BATCH).enumerate() {
        SupportChat::insert_many(batch.iter().enumerate().map(|(i, id)| {
            let n = offset * BATCH + i;
            support_chat::ActiveModel {
                id: Set(*id),
                user_id: Set(users[n]),
                last_message_at: Set(Some(at(n, MESSAGES_PER_CHAT - 1))),
                admin_viewed_at: Set(n.is_multiple_of(3).then(|| at(n, MESSAGES_PER_CHAT))),
                archived_at: Set(n.is_multiple_of(10).then(|| at(n, MESSAGES_PER_CHAT))),
                last_seq: Set(MESSAGES_PER_CHAT as i64),
                message_count: Set(MESSAGES_PER_CHAT as i64),
                last_message_preview: Set(Some(format!(
                    "message {} of chat {n}",
                    MESSAGES_PER_CHAT - 1
                ))),
                last_message_sender: Set(Some(SenderType::Admin)),
                last_user_message_at: Set(Some(at(n, MESSAGES_PER_CHAT - 2))),
                created_at: Set(start),
                updated_at: Set(start),
            }
        }))
        .exec(db)
        .await?;
    }
    let messages: Vec<(usize, usize)> = (0..CHATS)
        .flat_map(|c| (0..MESSAGES_PER_CHAT).map(move |m| (c, m)))
        .collect();
    for batch in messages.chunks(BATCH) {
        SupportMessage::insert_many(batch.iter().map(|&(c, m)| support_message::ActiveModel {
            id: Set(Uuid::now_v7()),
            chat_id: Set(chats[c]),
            seq: Set(m as i64 + 1),
            client_id: Set(None),
            content: Set(format!(
                "message {m} of chat {c}: {}",
                "lorem ipsum ".repeat(m % 12)
            )),
            sender_type: Set(if m % 2 == 0 {
                SenderType::User
            } else {
                SenderType::Admin
            }),
            read_at: Set(None),
            created_at: Set(at(c, m)),
            updated_at: Set(at(c, m)),
        }))
        .exec(db)
        .await?;
    }
    let admin = User::insert(user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(Some("bench-admin@example.com".into())),
        name: Set(None),
        role: Set(Role::Admin),
        password_hash: Set(None),
        external_id: Set(None),
        unsubscribed_at: Set(None),
        unsubscribe_token: Set(None),
        created_at: Set(start),
        updated_at: Set(start),
    })
    .exec_with_returning(db)
    .await?;
    let token = sessions::issue(db, admin.id, SessionKind::Browser)
        .await
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(token.expose().to_owned())
}
