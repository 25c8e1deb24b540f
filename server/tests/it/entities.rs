//! The entities against the real schema: relations, constraints and timestamp fidelity.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::entities::columns::{RoleColumn, SenderColumn};
use domain::{
    clock,
    entities::{SupportChat, SupportMessage, support_chat, support_message, user},
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ModelTrait,
    QueryOrder, Set, SqlErr,
};
use uuid::Uuid;

use crate::support::TestDb;

async fn insert_user(db: &DatabaseConnection, email: Option<&str>) -> user::Model {
    let now = clock::now();
    user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.map(str::to_owned)),
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
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .expect("insert user")
}

fn chat_for(user_id: Uuid) -> support_chat::ActiveModel {
    let now = clock::now();
    support_chat::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        last_message_at: Set(None),
        admin_viewed_at: Set(None),
        archived_at: Set(None),
        assignee_id: Set(None),
        snoozed_until: Set(None),
        last_seq: Set(0),
        message_count: Set(0),
        last_message_preview: Set(None),
        last_message_sender: Set(None),
        last_user_message_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The `seq`-th message of a chat (1, 2, …: unique per chat).
fn message_in(
    chat_id: Uuid,
    seq: i64,
    content: &str,
    at: DateTime<Utc>,
) -> support_message::ActiveModel {
    support_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(chat_id),
        seq: Set(seq),
        client_id: Set(None),
        content: Set(content.to_owned()),
        author_id: Set(None),
        sender_type: Set(SenderColumn::User),
        read_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
}

#[tokio::test]
async fn relations_link_users_chats_and_messages() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = insert_user(&db, Some("ada@example.com")).await;
    let chat = chat_for(user.id).insert(&db).await.expect("insert chat");
    let now = clock::now();
    message_in(chat.id, 1, "hello", now)
        .insert(&db)
        .await
        .expect("insert");
    let mut reply = message_in(
        chat.id,
        2,
        "hi, how can we help?",
        now + Duration::seconds(1),
    );
    reply.sender_type = Set(SenderColumn::Admin);
    reply.insert(&db).await.expect("insert");

    let found = user
        .find_related(SupportChat)
        .one(&db)
        .await
        .expect("query");
    assert_eq!(found.as_ref().map(|c| c.id), Some(chat.id));
    let messages = chat
        .find_related(SupportMessage)
        .order_by_asc(support_message::Column::CreatedAt)
        .all(&db)
        .await
        .expect("query");
    let senders: Vec<SenderColumn> = messages.iter().map(|m| m.sender_type).collect();
    assert_eq!(senders, [SenderColumn::User, SenderColumn::Admin]);
    let owner = messages[0]
        .find_related(SupportChat)
        .one(&db)
        .await
        .expect("query");
    assert_eq!(owner.map(|c| c.user_id), Some(user.id));
}

#[tokio::test]
async fn a_user_has_at_most_one_chat() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = insert_user(&db, None).await;
    chat_for(user.id).insert(&db).await.expect("first chat");
    let refused = chat_for(user.id)
        .insert(&db)
        .await
        .expect_err("second chat accepted");
    assert!(is_unique_violation(&refused), "{refused}");
}

#[tokio::test]
async fn emails_are_unique_but_many_visitors_have_none() {
    let (_test_db, db) = TestDb::fresh().await;
    insert_user(&db, None).await;
    insert_user(&db, None).await;
    insert_user(&db, Some("bo@example.com")).await;
    let now = clock::now();
    let duplicate = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(Some("bo@example.com".to_owned())),
        name: Set(None),
        role: Set(RoleColumn::Admin),
        password_hash: Set(None),
        external_id: Set(None),
        email_verified: Set(false),
        unsubscribed_at: Set(None),
        unsubscribe_token: Set(None),
        staff_role: Set(None),
        deactivated_at: Set(None),
        last_seen_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let refused = duplicate
        .insert(&db)
        .await
        .expect_err("duplicate email accepted");
    assert!(is_unique_violation(&refused), "{refused}");
}

#[tokio::test]
async fn foreign_keys_hold_and_deleting_a_user_removes_their_chat() {
    let (_test_db, db) = TestDb::fresh().await;
    let refused = chat_for(Uuid::now_v7())
        .insert(&db)
        .await
        .expect_err("chat for a missing user accepted");
    assert!(
        matches!(
            refused.sql_err(),
            Some(SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "{refused}"
    );

    let user = insert_user(&db, None).await;
    let chat = chat_for(user.id).insert(&db).await.expect("chat");
    message_in(chat.id, 1, "bye", clock::now())
        .insert(&db)
        .await
        .expect("message");
    user.delete(&db).await.expect("delete user");
    assert_eq!(SupportChat::find().all(&db).await.expect("query").len(), 0);
    assert_eq!(
        SupportMessage::find().all(&db).await.expect("query").len(),
        0
    );
}

#[tokio::test]
async fn sender_type_and_role_accept_only_known_values() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = insert_user(&db, None).await;
    let chat = chat_for(user.id).insert(&db).await.expect("chat");
    let result = db
        .execute_unprepared(&format!(
            "INSERT INTO support_messages (id, chat_id, content, sender_type, created_at, updated_at) \
             VALUES ('{}', '{}', 'x', 'robot', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            Uuid::now_v7(),
            chat.id
        ))
        .await;
    let refused = result.expect_err("sender_type 'robot' accepted");
    assert!(is_check_violation(&refused), "{refused}");
    let result = db
        .execute_unprepared(&format!(
            "INSERT INTO users (id, role, created_at, updated_at) \
             VALUES ('{}', 'owner', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            Uuid::now_v7()
        ))
        .await;
    let refused = result.expect_err("role 'owner' accepted");
    assert!(is_check_violation(&refused), "{refused}");
}

#[tokio::test]
async fn timestamps_keep_microseconds_and_sort_in_time_order() {
    let (_test_db, db) = TestDb::fresh().await;
    let user = insert_user(&db, None).await;
    let chat = chat_for(user.id).insert(&db).await.expect("chat");

    // Whole second, 0.5 s and 0.123456 s: as text these would sort wrongly if the backend
    // compared strings of different fraction lengths naively.
    let base = Utc
        .with_ymd_and_hms(2026, 3, 4, 5, 6, 7)
        .single()
        .expect("valid date");
    let times = [
        base + Duration::milliseconds(500),
        base,
        base + Duration::microseconds(123_456),
        base + Duration::seconds(1) + Duration::microseconds(1),
    ];
    for (i, at) in times.iter().enumerate() {
        message_in(chat.id, i as i64 + 1, &format!("m{i}"), *at)
            .insert(&db)
            .await
            .expect("insert");
    }

    let read: Vec<DateTime<Utc>> = SupportMessage::find()
        .order_by_asc(support_message::Column::CreatedAt)
        .all(&db)
        .await
        .expect("query")
        .into_iter()
        .map(|m| m.created_at)
        .collect();
    let mut expected = times.to_vec();
    expected.sort();
    assert_eq!(read, expected, "exact microsecond values in time order");
}

/// A UNIQUE constraint refused the row (not any other error, such as a missing column).
fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// A CHECK constraint refused the value; SeaORM has no variant for it, and SQLite and
/// PostgreSQL word it differently.
fn is_check_violation(err: &DbErr) -> bool {
    let text = err.to_string();
    text.contains("CHECK constraint failed") || text.contains("violates check constraint")
}
