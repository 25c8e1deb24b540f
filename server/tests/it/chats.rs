//! The chat rules of the spec against the real databases: get-or-create under concurrency, the
//! posting transaction, read receipts, the admin's unread marker, archiving and the list.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use domain::effects::Effects;
use domain::{
    auth::{accounts, visitors},
    chats,
    client_addr::ClientAddr,
    clock,
    entities::{SupportChat, columns::SenderColumn, support_message},
    limits::{LimitSettings, Limits},
};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use uuid::Uuid;
use wire::{
    error::AppError,
    model::{PREVIEW_CHARS, SenderType},
};

use crate::support::TestDb;

/// Posts through the service as the adapters do (no client id, nobody listening, a fresh
/// allowance every time: limits have tests of their own).
async fn post(
    db: &sea_orm::DatabaseConnection,
    chat_id: Uuid,
    sender: SenderType,
    content: &str,
) -> Result<chats::Posted, AppError> {
    let poster = chats::Poster {
        sender,
        user_id: Uuid::now_v7(),
        author: None,
    };
    let limits = Limits::in_memory(LimitSettings::default());
    chats::post_message(
        db,
        &Effects::default(),
        &limits,
        chat_id,
        poster,
        chats::Draft::text(content),
    )
    .await
}

#[tokio::test]
async fn twenty_concurrent_first_requests_make_one_chat() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = visitors::create_anonymous(&db).await.expect("user");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { chats::get_or_create(&db, user.id).await })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.expect("join").expect("get or create").id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "all callers see the same chat");
    assert_eq!(SupportChat::find().count(&db).await.expect("count"), 1);
}

#[tokio::test]
async fn posting_touches_the_chat_and_a_user_message_unarchives_it() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = visitors::create_anonymous(&db).await.expect("user");
    let chat = chats::get_or_create(&db, user.id).await.expect("chat");
    assert_eq!(chat.last_message_at, None);

    chats::resolve(&db, &Effects::default(), chat.id, Uuid::now_v7())
        .await
        .expect("archive");
    let staff = post(&db, chat.id, SenderType::Admin, "  anything else?  ")
        .await
        .expect("post");
    assert_eq!(
        staff.message.content, "anything else?",
        "content is trimmed"
    );
    assert!(
        staff.chat.archived_at.is_some(),
        "a staff reply leaves the chat archived"
    );
    assert_eq!(staff.chat.last_message_at, Some(staff.message.created_at));

    let posted = post(&db, chat.id, SenderType::User, "yes, one more thing")
        .await
        .expect("post");
    assert_eq!(
        posted.chat.archived_at, None,
        "the user's message brings the chat back"
    );
    assert_eq!(posted.chat.last_message_at, Some(posted.message.created_at));
}

#[tokio::test]
async fn blank_oversized_and_misaddressed_messages_are_refused() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = visitors::create_anonymous(&db).await.expect("user");
    let chat = chats::get_or_create(&db, user.id).await.expect("chat");
    for content in ["", "   \n\t "] {
        let err = post(&db, chat.id, SenderType::User, content).await;
        assert!(
            matches!(err, Err(AppError::Validation { .. })),
            "{content:?}"
        );
    }
    let limit = "x".repeat(chats::MAX_MESSAGE_CHARS);
    post(&db, chat.id, SenderType::User, &limit)
        .await
        .expect("at the limit");
    let over = format!("{limit}x");
    let err = post(&db, chat.id, SenderType::User, &over).await;
    assert!(matches!(err, Err(AppError::Validation { .. })));
    let err = post(&db, Uuid::now_v7(), SenderType::User, "hi").await;
    assert!(matches!(err, Err(AppError::NotFound { .. })));
    assert_eq!(
        chats::message_page(&db, chat.id, chats::PageAt::NEWEST, chats::MAX_PAGE)
            .await
            .expect("messages")
            .len(),
        1,
        "nothing else stored"
    );
}

#[tokio::test]
async fn messages_written_in_the_same_instant_keep_their_order() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = visitors::create_anonymous(&db).await.expect("user");
    let chat = chats::get_or_create(&db, user.id).await.expect("chat");
    let same_instant = clock::now();
    let ids: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
    // Inserted in reverse, so only (created_at, id) can give the order back.
    for (i, id) in ids.iter().enumerate().rev() {
        support_message::ActiveModel {
            id: Set(*id),
            chat_id: Set(chat.id),
            seq: Set(i as i64 + 1),
            client_id: Set(None),
            content: Set(format!("m{i}")),
            author_id: Set(None),
            sender_type: Set(SenderColumn::User),
            read_at: Set(None),
            created_at: Set(same_instant),
            updated_at: Set(same_instant),
        }
        .insert(&db)
        .await
        .expect("insert");
    }
    let read: Vec<Uuid> = chats::message_page(&db, chat.id, chats::PageAt::NEWEST, chats::MAX_PAGE)
        .await
        .expect("messages")
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(read, ids);
}

#[tokio::test]
async fn reading_marks_only_unread_staff_messages() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = visitors::create_anonymous(&db).await.expect("user");
    let chat = chats::get_or_create(&db, user.id).await.expect("chat");
    post(&db, chat.id, SenderType::User, "question")
        .await
        .expect("post");
    post(&db, chat.id, SenderType::Admin, "answer 1")
        .await
        .expect("post");
    post(&db, chat.id, SenderType::Admin, "answer 2")
        .await
        .expect("post");

    assert_eq!(
        chats::mark_read_by_user(&db, &Effects::default(), chat.id)
            .await
            .expect("mark"),
        2
    );
    assert_eq!(
        chats::mark_read_by_user(&db, &Effects::default(), chat.id)
            .await
            .expect("mark"),
        0
    );
    let messages = chats::message_page(&db, chat.id, chats::PageAt::NEWEST, chats::MAX_PAGE)
        .await
        .expect("messages");
    assert!(
        messages[0].read_at.is_none(),
        "the user's own message is not a receipt"
    );
    assert!(messages[1..].iter().all(|m| m.read_at.is_some()));
}

/// Whether the chat is unread for staff, by its list entry; the dashboard's count must agree.
async fn unread(db: &sea_orm::DatabaseConnection, chat_id: Uuid) -> bool {
    let unread = chats::list_item(db, chat_id)
        .await
        .expect("list item")
        .unread;
    let count = chats::count_unread_for_admin(db).await.expect("count");
    assert_eq!(
        count,
        u64::from(unread),
        "the count and the list entry disagree"
    );
    unread
}

#[tokio::test]
async fn unread_for_admin_follows_the_users_messages_and_the_admins_views() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = visitors::create_anonymous(&db).await.expect("user");
    let chat = chats::get_or_create(&db, user.id).await.expect("chat");
    assert!(!unread(&db, chat.id).await);

    let posted = post(&db, chat.id, SenderType::User, "hello")
        .await
        .expect("post");
    assert!(unread(&db, posted.chat.id).await);

    let viewed = chats::mark_viewed_by_admin(&db, &Effects::default(), chat.id)
        .await
        .expect("view");
    assert!(!unread(&db, viewed.id).await);
    let reply = post(&db, chat.id, SenderType::Admin, "hi")
        .await
        .expect("post");
    assert!(
        !unread(&db, reply.chat.id).await,
        "staff replies are not unread"
    );
    let again = post(&db, chat.id, SenderType::User, "thanks")
        .await
        .expect("post");
    assert!(unread(&db, again.chat.id).await);
}

#[tokio::test]
async fn the_admin_list_orders_filters_and_summarises() {
    let (_test_db, db) = TestDb::fresh().await;
    let quiet = visitors::create_anonymous(&db).await.expect("user");
    let quiet_chat = chats::get_or_create(&db, quiet.id).await.expect("chat");
    let limits = Limits::in_memory(LimitSettings::default());
    let ada = accounts::sign_up(
        &db,
        &limits,
        ClientAddr::default(),
        "ada@example.com",
        None,
        "password1",
    )
    .await
    .expect("user");
    let ada_chat = chats::get_or_create(&db, ada.id).await.expect("chat");
    let bo = visitors::create_anonymous(&db).await.expect("user");
    let bo_chat = chats::get_or_create(&db, bo.id).await.expect("chat");

    let long = "é".repeat(PREVIEW_CHARS + 20);
    post(&db, ada_chat.id, SenderType::User, &long)
        .await
        .expect("post");
    post(&db, bo_chat.id, SenderType::User, "first")
        .await
        .expect("post");
    post(&db, bo_chat.id, SenderType::Admin, "newest")
        .await
        .expect("post");
    chats::mark_viewed_by_admin(&db, &Effects::default(), bo_chat.id)
        .await
        .expect("view");

    let list = chats::list_for_admin(
        &db,
        chats::ListScope::Active,
        None,
        None,
        None,
        chats::MAX_LIST_PAGE,
    )
    .await
    .expect("list")
    .chats;
    let order: Vec<Uuid> = list.iter().map(|c| c.id).collect();
    assert_eq!(
        order,
        [bo_chat.id, ada_chat.id, quiet_chat.id],
        "newest first, empty last"
    );

    let bo_item = &list[0];
    assert_eq!(bo_item.message_count, 2);
    assert_eq!(bo_item.last_message_preview.as_deref(), Some("newest"));
    assert_eq!(bo_item.last_message_sender, Some(SenderType::Admin));
    assert!(!bo_item.unread);
    assert_eq!(bo_item.user_email, None);

    let ada_item = &list[1];
    assert!(ada_item.unread);
    assert_eq!(ada_item.user_email.as_deref(), Some("ada@example.com"));
    let preview = ada_item.last_message_preview.as_deref().expect("preview");
    assert_eq!(preview.chars().count(), PREVIEW_CHARS + 1);
    assert!(preview.ends_with('…'));

    let quiet_item = &list[2];
    assert_eq!(
        (quiet_item.message_count, quiet_item.last_message_at),
        (0, None)
    );
    assert_eq!(quiet_item.last_message_preview, None);

    chats::resolve(&db, &Effects::default(), ada_chat.id, Uuid::now_v7())
        .await
        .expect("archive");
    let archived = chats::list_for_admin(
        &db,
        chats::ListScope::Archived,
        None,
        None,
        None,
        chats::MAX_LIST_PAGE,
    )
    .await
    .expect("list")
    .chats;
    assert_eq!(
        archived.iter().map(|c| c.id).collect::<Vec<_>>(),
        [ada_chat.id]
    );
    assert!(archived[0].archived);
    assert_eq!(
        chats::list_for_admin(
            &db,
            chats::ListScope::Active,
            None,
            None,
            None,
            chats::MAX_LIST_PAGE
        )
        .await
        .expect("list")
        .chats
        .len(),
        2
    );
}

#[tokio::test]
async fn the_admin_list_uses_the_same_number_of_queries_for_any_number_of_chats() {
    let (_test_db, mut db) = TestDb::fresh().await;
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&statements);
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let mut queries_for = Vec::new();
    for chats_wanted in [1_usize, 5, 25] {
        while chats::list_for_admin(
            &db,
            chats::ListScope::Active,
            None,
            None,
            None,
            chats::MAX_LIST_PAGE,
        )
        .await
        .expect("list")
        .chats
        .len()
            < chats_wanted
        {
            let user = visitors::create_anonymous(&db).await.expect("user");
            let chat = chats::get_or_create(&db, user.id).await.expect("chat");
            post(&db, chat.id, SenderType::User, "hi")
                .await
                .expect("post");
        }
        statements.store(0, Ordering::SeqCst);
        let list = chats::list_for_admin(
            &db,
            chats::ListScope::Active,
            None,
            None,
            None,
            chats::MAX_LIST_PAGE,
        )
        .await
        .expect("list")
        .chats;
        assert_eq!(list.len(), chats_wanted);
        queries_for.push(statements.load(Ordering::SeqCst));
    }
    assert!(queries_for[0] > 0, "the counter sees queries");
    assert!(
        queries_for.iter().all(|&q| q == queries_for[0]),
        "queries per list: {queries_for:?}"
    );
}

#[tokio::test]
async fn pages_go_backward_from_the_newest_and_forward_from_a_cursor() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = visitors::create_anonymous(&db).await.expect("user");
    let chat = chats::get_or_create(&db, user.id).await.expect("chat");
    let mut ids = Vec::new();
    for i in 0..7 {
        let posted = post(&db, chat.id, SenderType::User, &format!("m{i}"))
            .await
            .expect("post");
        ids.push(posted.message.id);
    }
    let page = |at, limit| chats::message_page(&db, chat.id, at, limit);
    let ids_of =
        |page: Vec<support_message::Model>| page.into_iter().map(|m| m.id).collect::<Vec<_>>();

    let newest = ids_of(page(chats::PageAt::NEWEST, 3).await.expect("page"));
    assert_eq!(newest, ids[4..7]);
    let older = ids_of(
        page(chats::PageAt::before(newest[0]), 3)
            .await
            .expect("page"),
    );
    assert_eq!(older, ids[1..4]);
    let oldest = ids_of(
        page(chats::PageAt::before(older[0]), 3)
            .await
            .expect("page"),
    );
    assert_eq!(oldest, ids[0..1]);
    let newer = ids_of(page(chats::PageAt::after(ids[2]), 2).await.expect("page"));
    assert_eq!(newer, ids[3..5]);
    let between = ids_of(
        page(
            chats::PageAt {
                after: Some(ids[1]),
                before: Some(ids[5]),
                ..chats::PageAt::NEWEST
            },
            10,
        )
        .await
        .expect("page"),
    );
    assert_eq!(between, ids[2..5], "strictly between, oldest first");
    let first_of_gap = ids_of(
        page(
            chats::PageAt {
                after: Some(ids[0]),
                before: Some(ids[6]),
                ..chats::PageAt::NEWEST
            },
            2,
        )
        .await
        .expect("page"),
    );
    assert_eq!(
        first_of_gap,
        ids[1..3],
        "a long gap is filled from its start"
    );
    assert!(
        page(chats::PageAt::after(ids[6]), 5)
            .await
            .expect("page")
            .is_empty()
    );

    for limit in [0, chats::MAX_PAGE + 1] {
        assert!(matches!(
            page(chats::PageAt::NEWEST, limit).await,
            Err(AppError::Validation { .. })
        ));
    }
    let stranger = Uuid::now_v7();
    assert!(matches!(
        page(chats::PageAt::after(stranger), 5).await,
        Err(AppError::NotFound { .. })
    ));
}
