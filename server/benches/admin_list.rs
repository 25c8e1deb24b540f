//! Benchmark: the dashboard's reads at 100,000 chats and 1,000,000 messages, over real HTTP on
//! 127.0.0.1, against SQLite (a temporary file) or PostgreSQL (`DATABASE_URL=postgres://…`):
//! the list's first page, a deep page (after the 50,000th chat), the team inbox's Mine and
//! Unassigned views (a team of five shares the chats: each owns a fifth of the open ones,
//! another fifth is unassigned, one chat in fifty is snoozed) and a deep page of Mine, one
//! chat's page (which also records the staff view, a write), searches (`?q=`) of every kind
//! (a rare word, common ones, a word in every message, prefixes of many words, two words, an
//! email), and label pages (`?label=`): a label on one chat in 100, one on a chat in three (first page,
//! Mine, and a page after its 10,000th chat). Prints seeding time, then p50/p95 per request
//! kind. `make bench` runs both backends.

use std::time::{Duration, Instant};

use chrono::Duration as Span;
use clap::Parser;
use domain::entities::columns::{RoleColumn, SenderColumn, StaffRoleColumn};
use domain::{
    auth::sessions,
    clock,
    entities::{
        ChatLabel, Label, SupportChat, SupportMessage, User, chat_label, label,
        session::SessionKind, support_chat, support_message, user,
    },
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
    sea_query::{NullOrdering, Order},
};
use server::config::Cli;
use uuid::Uuid;

mod common;
use common::{database_url, record_row};

const CHATS: usize = 100_000;
/// The team the chats are shared by: chat `n` is owned by member `n % 5` (the benchmark's own
/// staff account is member 0), except `n % 5 == 4`, which nobody owns.
const TEAM: usize = 5;
const MESSAGES_PER_CHAT: usize = 10;
const BATCH: usize = 1_000;
const WARM_UP: usize = 3;
const SAMPLES: usize = 40;
/// Each message carries one of these words, in turn: a search for one finds one message in 64.
const TOPICS: [&str; 64] = [
    "refund",
    "invoice",
    "password",
    "login",
    "billing",
    "shipping",
    "delivery",
    "account",
    "upgrade",
    "downgrade",
    "cancel",
    "subscription",
    "receipt",
    "discount",
    "coupon",
    "error",
    "crash",
    "slow",
    "export",
    "import",
    "integration",
    "webhook",
    "token",
    "email",
    "mobile",
    "desktop",
    "browser",
    "cookie",
    "privacy",
    "security",
    "report",
    "dashboard",
    "chart",
    "calendar",
    "reminder",
    "notification",
    "language",
    "timezone",
    "currency",
    "tax",
    "vat",
    "address",
    "phone",
    "profile",
    "avatar",
    "upload",
    "download",
    "storage",
    "quota",
    "limit",
    "trial",
    "plan",
    "team",
    "invite",
    "role",
    "permission",
    "audit",
    "backup",
    "restore",
    "migration",
    "api",
    "sdk",
    "plugin",
    "theme",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (url, _dir) = database_url().await?;
    let db = server::database::connect(&url).await?;
    server::database::migrate(&db).await?;
    let backend = domain::status::backend_name(db.get_database_backend());

    let seeding = Instant::now();
    let Seeded {
        token: admin_token,
        staff: admin_id,
        rare_label,
        common_label,
    } = seed(&db).await?;
    let seeded = seeding.elapsed().as_secs_f64();
    println!(
        "{backend}: seeded {CHATS} chats and {} messages in {seeded:.1} s",
        CHATS * MESSAGES_PER_CHAT,
    );
    // PostgreSQL's autovacuum would gather planner statistics on its own a little later; a
    // bulk load is measured as a running server sees it.
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    // The cursor of a deep page: the 50,000th active chat in list order.
    let deep = SupportChat::find()
        .filter(support_chat::Column::ArchivedAt.is_null())
        .order_by_with_nulls(
            support_chat::Column::LastMessageAt,
            Order::Desc,
            NullOrdering::Last,
        )
        .order_by_desc(support_chat::Column::Id)
        .offset(50_000)
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("fewer than 50,000 active chats"))?;

    // The cursor of a deep page of Mine: the 5,000th open chat the benchmark's account owns
    // (it owns 10,000 open ones: a fifth of the chats, less those archived).
    let deep_mine = SupportChat::find()
        .filter(support_chat::Column::AssigneeId.eq(admin_id))
        .filter(support_chat::Column::ArchivedAt.is_null())
        .filter(support_chat::Column::SnoozedUntil.is_null())
        .order_by_with_nulls(
            support_chat::Column::LastMessageAt,
            Order::Desc,
            NullOrdering::Last,
        )
        .order_by_desc(support_chat::Column::Id)
        .offset(5_000)
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("fewer than 5,000 open chats of the benchmark's own"))?;

    // The email of the 70,001st user (an active chat: every tenth is archived), searched for by the random last part of its uuid.
    let searched_user = User::find()
        .filter(user::Column::Role.eq(RoleColumn::User))
        .order_by_asc(user::Column::Id)
        .offset(70_001)
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("fewer than 70,001 users"))?;
    let email_part = searched_user
        .id
        .to_string()
        .rsplit('-')
        .next()
        .unwrap_or_default()
        .to_owned();

    // The cursor of a deep page of the common label: its 10,000th active chat.
    let deep_label = ChatLabel::find()
        .filter(chat_label::Column::LabelId.eq(common_label))
        .order_by_with_nulls(
            chat_label::Column::LastMessageAt,
            Order::Desc,
            NullOrdering::Last,
        )
        .order_by_desc(chat_label::Column::ChatId)
        .offset(10_000)
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("fewer than 10,000 chats with the common label"))?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // Attachments are not measured here; their storage is a directory of its own.
    let files = tempfile::tempdir()?;
    let storage = files.path().display().to_string();
    let args = Cli::try_parse_from([
        "confab",
        "--addr",
        &addr.to_string(),
        "--storage-url",
        &storage,
    ])?
    .serve;
    tokio::spawn(server::serve_on(
        listener,
        server::build_state(&args, db)?,
        args.connection_rules(),
        std::future::pending(),
    ));

    let http = common::http_client();
    let cookie = format!("confab_session={admin_token}");
    let mut row = vec![backend.to_owned(), format!("{seeded:.1} s")];
    let base = format!("http://{addr}/api/admin/chats");
    let reads = [
        ("list, first page", base.clone()),
        (
            "list, page after the 50,000th chat",
            format!("{base}?after={}", deep.id),
        ),
        ("Mine, first page", format!("{base}?view=mine")),
        ("Unassigned, first page", format!("{base}?view=unassigned")),
        (
            "Mine, page after its 5,000th chat",
            format!("{base}?view=mine&after={}", deep_mine.id),
        ),
        (
            "one chat's page (records the view)",
            format!("{base}/{}", deep.id),
        ),
        (
            "label on 1 chat in 100, first page",
            format!("{base}?label={rare_label}"),
        ),
        (
            "label on 1 chat in 3, first page",
            format!("{base}?label={common_label}"),
        ),
        (
            "label on 1 chat in 3, Mine",
            format!("{base}?view=mine&label={common_label}"),
        ),
        (
            "label on 1 chat in 3, page after its 10,000th chat",
            format!("{base}?label={common_label}&after={}", deep_label.chat_id),
        ),
    ];
    // Every kind of query: rare, common and everywhere words, prefixes of many words, two
    // words, and an email.
    let searches = [
        ("a word of one chat", "57123".to_owned()),
        ("a word of 1 message in 64", "refund".to_owned()),
        ("a word of 9 messages in 10", "lorem".to_owned()),
        ("a word of every message", "message".to_owned()),
        (
            "a prefix of 5 topic words, 1 message in 13",
            "re*".to_owned(),
        ),
        (
            "a prefix of 11,111 numbers, 1 message in 5",
            "1*".to_owned(),
        ),
        ("a prefix of 1 word, 9 messages in 10", "lore*".to_owned()),
        ("two words, 1 message in 71", "lorem refund".to_owned()),
        ("part of an email", email_part.clone()),
    ];
    for (what, url) in reads {
        let (p50, p95, bytes) = measure(&http, &url, &cookie).await?;
        println!(
            "{backend}: {what}: p50 {p50:.1} ms, p95 {p95:.1} ms ({bytes} bytes, {SAMPLES} requests)"
        );
        row.push(ms_pair(p50, p95));
    }
    let mut search_row = vec![backend.to_owned()];
    for (what, q) in searches {
        let url = format!("{base}?q={}", q.replace('*', "%2A"));
        let (p50, p95, bytes) = measure(&http, &url, &cookie).await?;
        println!(
            "{backend}: search, {what} (q={q}): p50 {p50:.1} ms, p95 {p95:.1} ms ({bytes} bytes, {SAMPLES} requests)"
        );
        search_row.push(ms_pair(p50, p95));
    }
    record_row("search", &search_row)?;
    record_row("admin_list", &row)?;
    Ok(())
}

/// `p50 / p95` in milliseconds, as README's table shows them.
fn ms_pair(p50: f64, p95: f64) -> String {
    format!("{p50:.1} / {p95:.1} ms")
}

/// p50 and p95 in ms of `SAMPLES` GETs after `WARM_UP` ones, and the answer's size.
async fn measure(
    http: &reqwest::Client,
    url: &str,
    cookie: &str,
) -> anyhow::Result<(f64, f64, usize)> {
    let mut times = Vec::with_capacity(SAMPLES);
    let mut bytes = 0;
    for i in 0..WARM_UP + SAMPLES {
        let started = Instant::now();
        let res = http.get(url).header("cookie", cookie).send().await?;
        anyhow::ensure!(res.status().is_success(), "{url}: status {}", res.status());
        let body = res.bytes().await?;
        anyhow::ensure!(body.len() > 2, "{url}: an empty answer measures nothing");
        if i >= WARM_UP {
            times.push(started.elapsed());
            bytes = body.len();
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Ok((ms(times[SAMPLES / 2]), ms(times[SAMPLES * 95 / 100]), bytes))
}

/// What the seeding made that the measurements name.
struct Seeded {
    /// A session of the benchmark's staff account.
    token: String,
    /// That account.
    staff: Uuid,
    /// A label on one chat in 100.
    rare_label: Uuid,
    /// A label on one chat in 3.
    common_label: Uuid,
}

/// 100,000 users with one chat each and 10 messages per chat, alternating senders; one chat in
/// ten archived, one in three viewed by staff, one in fifty snoozed; a team of five owning
/// four fifths of the chats; a label on one chat in 100 and another on one in 3.
async fn seed(db: &DatabaseConnection) -> anyhow::Result<Seeded> {
    let start = clock::now() - Span::days(30);
    let team: Vec<Uuid> = (0..TEAM).map(|_| Uuid::now_v7()).collect();
    User::insert_many(team.iter().enumerate().map(|(n, id)| user::ActiveModel {
        id: Set(*id),
        email: Set(Some(format!("bench-staff-{n}@example.com"))),
        name: Set(Some(format!("Staff {n}"))),
        role: Set(RoleColumn::Admin),
        password_hash: Set(None),
        external_id: Set(None),
        email_verified: Set(false),
        unsubscribed_at: Set(None),
        unsubscribe_token: Set(None),
        staff_role: Set(Some(StaffRoleColumn::Agent)),
        deactivated_at: Set(None),
        last_seen_at: Set(None),
        created_at: Set(start),
        updated_at: Set(start),
    }))
    .exec(db)
    .await?;
    let users: Vec<Uuid> = (0..CHATS).map(|_| Uuid::now_v7()).collect();
    let chats: Vec<Uuid> = (0..CHATS).map(|_| Uuid::now_v7()).collect();
    for batch in users.chunks(BATCH) {
        User::insert_many(batch.iter().map(|id| user::ActiveModel {
            id: Set(*id),
            email: Set(Some(format!("user-{id}@example.com"))),
            name: Set(None),
            role: Set(RoleColumn::User),
            password_hash: Set(None),
            external_id: Set(None),
            email_verified: Set(false),
            unsubscribed_at: Set(None),
            unsubscribe_token: Set(None),
            staff_role: Set(None),
            deactivated_at: Set(None),
            last_seen_at: Set(None),
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
                assignee_id: Set((n % TEAM != TEAM - 1).then(|| team[n % TEAM])),
                snoozed_until: Set(
                    (n % 50 == 7).then(|| clock::now() + Span::days(1 + (n % 7) as i64))
                ),
                last_seq: Set(MESSAGES_PER_CHAT as i64),
                message_count: Set(MESSAGES_PER_CHAT as i64),
                last_message_preview: Set(Some(format!(
                    "message {} of chat {n}",
                    MESSAGES_PER_CHAT - 1
                ))),
                last_message_sender: Set(Some(SenderColumn::Admin)),
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
                "message {m} of chat {c} about {}: {}",
                TOPICS[(c * 7 + m * 13) % TOPICS.len()],
                "lorem ipsum ".repeat(m % 12)
            )),
            author_id: Set(None),
            sender_type: Set(if m % 2 == 0 {
                SenderColumn::User
            } else {
                SenderColumn::Admin
            }),
            read_at: Set(None),
            created_at: Set(at(c, m)),
            updated_at: Set(at(c, m)),
        }))
        .exec(db)
        .await?;
    }
    let (rare_label, common_label) = (Uuid::now_v7(), Uuid::now_v7());
    Label::insert_many(
        [(rare_label, "vip"), (common_label, "billing")].map(|(id, name)| label::ActiveModel {
            id: Set(id),
            name: Set(name.to_owned()),
            name_key: Set(name.to_owned()),
            color: Set(wire::labels::LABEL_COLORS[0].to_owned()),
            created_at: Set(start),
            updated_at: Set(start),
        }),
    )
    .exec(db)
    .await?;
    let labeled: Vec<(usize, Uuid)> = (0..CHATS)
        .flat_map(|n| {
            [
                // Not n % 100 == 0: those chats are all archived (one in ten is).
                (n % 100 == 1).then_some((n, rare_label)),
                n.is_multiple_of(3).then_some((n, common_label)),
            ]
        })
        .flatten()
        .collect();
    for batch in labeled.chunks(BATCH) {
        ChatLabel::insert_many(batch.iter().map(|&(n, label)| chat_label::ActiveModel {
            chat_id: Set(chats[n]),
            label_id: Set(label),
            last_message_at: Set(Some(at(n, MESSAGES_PER_CHAT - 1))),
            created_at: Set(start),
        }))
        .exec(db)
        .await?;
    }
    let token = sessions::issue(db, team[0], SessionKind::Browser)
        .await
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(Seeded {
        token: token.expose().to_owned(),
        staff: team[0],
        rare_label,
        common_label,
    })
}
