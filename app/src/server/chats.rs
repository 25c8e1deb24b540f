//! The support chat rules of the spec, each in one place: one chat per user (race-free),
//! posting a message (one transaction: insert, touch, auto-unarchive), read receipts, the
//! admin's view marker, archiving, and the dashboard list in a fixed number of queries.
//!
//! Every adapter (REST, server functions, the WebSocket loop) calls these functions; each write
//! owns its transaction and what follows it ([`Effects`]): a reply email's job is written
//! inside the transaction, live events go out only after commit.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    sea_query::{Expr, NullOrdering, Order},
};
use uuid::Uuid;

use crate::{
    error::AppError,
    model::{AdminSupportChat, SenderType, SupportChat as ChatView, SupportChatListItem, preview},
    server::{
        clock,
        effects::Effects,
        entities::{SupportChat, SupportMessage, User, support_chat, support_message},
        events::{self, Fact},
        reply_emails, transactions,
    },
};

/// Longest message accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5_000;

/// The user's chat, created on first use. Concurrent first requests agree on one chat: the
/// insert yields to the unique index on `user_id` instead of failing.
///
/// # Errors
/// Internal error on database failure.
pub async fn get_or_create(
    db: &DatabaseConnection,
    user_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    if let Some(chat) = find_by_user(db, user_id).await? {
        return Ok(chat);
    }
    let now = clock::now();
    SupportChat::insert(support_chat::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        last_message_at: Set(None),
        admin_viewed_at: Set(None),
        archived_at: Set(None),
        last_seq: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict_do_nothing_on([support_chat::Column::UserId])
    .exec_without_returning(db)
    .await?;
    find_by_user(db, user_id).await?.ok_or_else(|| {
        AppError::internal("chat missing after insert", "no row for user after upsert")
    })
}

async fn find_by_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Option<support_chat::Model>, AppError> {
    Ok(SupportChat::find()
        .filter(support_chat::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// The chat `user` may follow and write in: any chat for staff, only their own for anyone
/// else. A chat that exists but is someone else's is "not found", exactly like an unknown id,
/// so ids cannot be probed.
///
/// # Errors
/// 404 as above.
pub async fn chat_for(
    db: &DatabaseConnection,
    user: &crate::server::entities::user::Model,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    SupportChat::find_by_id(chat_id)
        .one(db)
        .await?
        .filter(|chat| user.role == crate::model::Role::Admin || chat.user_id == user.id)
        .ok_or_else(|| AppError::not_found("no such chat"))
}

/// Which messages of a chat's history a page holds: those after a message and/or after a
/// `seq`, and/or before a message. With a lower bound the page starts at the oldest message
/// past it (polling, filling a gap); with only `before` it ends at the newest message before
/// it (paging back); with neither it holds the newest messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageAt {
    /// Only messages after this message.
    pub after: Option<Uuid>,
    /// Only messages with a greater `seq` (the resume cursor).
    pub after_seq: Option<i64>,
    /// Only messages before this message.
    pub before: Option<Uuid>,
}

impl PageAt {
    /// The newest messages.
    pub const NEWEST: Self = Self {
        after: None,
        after_seq: None,
        before: None,
    };

    /// The messages just before `id` (paging backward).
    pub fn before(id: Uuid) -> Self {
        Self {
            before: Some(id),
            ..Self::NEWEST
        }
    }

    /// The messages just after `id` (polling).
    pub fn after(id: Uuid) -> Self {
        Self {
            after: Some(id),
            ..Self::NEWEST
        }
    }

    /// The messages with a `seq` above `seq` (resuming).
    pub fn after_seq(seq: i64) -> Self {
        Self {
            after_seq: Some(seq),
            ..Self::NEWEST
        }
    }
}

/// Most messages one page may hold.
pub const MAX_PAGE: u64 = 200;

/// Up to `limit` messages of a chat at `at`, oldest first, in (`created_at`, `id`) order,
/// which is also `seq` order.
///
/// # Errors
/// 422 for a limit outside 1..=[`MAX_PAGE`]; 404 when a cursor is not a message of the chat.
pub async fn message_page(
    db: &DatabaseConnection,
    chat_id: Uuid,
    at: PageAt,
    limit: u64,
) -> Result<Vec<support_message::Model>, AppError> {
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::validation(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    let cursor = |id: Uuid| async move {
        SupportMessage::find_by_id(id)
            .filter(support_message::Column::ChatId.eq(chat_id))
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found("the cursor is not a message of this chat"))
    };
    let mut page = SupportMessage::find().filter(support_message::Column::ChatId.eq(chat_id));
    if let Some(after) = at.after {
        page = page.filter(later_than(&cursor(after).await?));
    }
    if let Some(seq) = at.after_seq {
        page = page.filter(support_message::Column::Seq.gt(seq));
    }
    if let Some(before) = at.before {
        page = page.filter(earlier_than(&cursor(before).await?));
    }
    if at.after.is_some() || at.after_seq.is_some() {
        oldest_first(page, limit, db).await
    } else {
        newest_first(page, limit, db).await
    }
}

/// Messages after `cursor` in (`created_at`, `id`) order.
fn later_than(cursor: &support_message::Model) -> Condition {
    let (created_at, id) = (
        support_message::Column::CreatedAt,
        support_message::Column::Id,
    );
    Condition::any().add(created_at.gt(cursor.created_at)).add(
        Condition::all()
            .add(created_at.eq(cursor.created_at))
            .add(id.gt(cursor.id)),
    )
}

/// Messages before `cursor` in (`created_at`, `id`) order.
fn earlier_than(cursor: &support_message::Model) -> Condition {
    let (created_at, id) = (
        support_message::Column::CreatedAt,
        support_message::Column::Id,
    );
    Condition::any().add(created_at.lt(cursor.created_at)).add(
        Condition::all()
            .add(created_at.eq(cursor.created_at))
            .add(id.lt(cursor.id)),
    )
}

/// The first `limit` rows of `query`, oldest first.
async fn oldest_first(
    query: sea_orm::Select<SupportMessage>,
    limit: u64,
    db: &DatabaseConnection,
) -> Result<Vec<support_message::Model>, AppError> {
    Ok(query
        .order_by_asc(support_message::Column::CreatedAt)
        .order_by_asc(support_message::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The last `limit` rows of `query`, returned oldest first.
async fn newest_first(
    query: sea_orm::Select<SupportMessage>,
    limit: u64,
    db: &DatabaseConnection,
) -> Result<Vec<support_message::Model>, AppError> {
    let mut page = query
        .order_by_desc(support_message::Column::CreatedAt)
        .order_by_desc(support_message::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    page.reverse();
    Ok(page)
}

/// The user's chat (created on first use) with a page of its messages, as the user sees it.
///
/// # Errors
/// As [`message_page`].
pub async fn user_view(
    db: &DatabaseConnection,
    user_id: Uuid,
    at: PageAt,
    limit: u64,
) -> Result<ChatView, AppError> {
    let chat = get_or_create(db, user_id).await?;
    let messages = message_page(db, chat.id, at, limit).await?;
    Ok(ChatView {
        id: chat.id,
        messages: messages.into_iter().map(Into::into).collect(),
    })
}

/// The user's chat with a page of its messages, if they have one (nothing is created).
///
/// # Errors
/// As [`message_page`].
pub async fn existing_user_view(
    db: &DatabaseConnection,
    user_id: Uuid,
    limit: u64,
) -> Result<Option<ChatView>, AppError> {
    let Some(chat) = find_by_user(db, user_id).await? else {
        return Ok(None);
    };
    let messages = message_page(db, chat.id, PageAt::NEWEST, limit).await?;
    Ok(Some(ChatView {
        id: chat.id,
        messages: messages.into_iter().map(Into::into).collect(),
    }))
}

/// A chat with a page of its messages, as staff see it; records that staff looked at it.
///
/// # Errors
/// 404 for an unknown chat; otherwise as [`message_page`].
pub async fn admin_view(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    at: PageAt,
    limit: u64,
) -> Result<AdminSupportChat, AppError> {
    // The page is read first: a request refused for its cursor or limit records no view.
    let messages = message_page(db, chat_id, at, limit).await?;
    let chat = mark_viewed_by_admin(db, effects, chat_id).await?;
    let owner = User::find_by_id(chat.user_id).one(db).await?;
    Ok(AdminSupportChat {
        id: chat.id,
        user_id: chat.user_id,
        user_email: owner.and_then(|u| u.email),
        archived: archived(&chat),
        messages: messages.into_iter().map(Into::into).collect(),
    })
}

/// A message that was committed, with its chat as it is after the commit.
#[derive(Clone, Debug)]
pub struct Posted {
    /// The new message.
    pub message: support_message::Model,
    /// Its chat, touched (and unarchived if the user wrote).
    pub chat: support_chat::Model,
    /// `false` when the message already existed under the same `client_id` (a resend).
    pub created: bool,
}

/// Trims and checks a message's text. The length limit applies to the text as sent, so the
/// API's documented `maxLength` and the server agree on every input.
///
/// # Errors
/// 422 when blank, longer than [`MAX_MESSAGE_CHARS`], or holding a NUL character (which no
/// text needs and PostgreSQL cannot store).
pub fn message_content(raw: &str) -> Result<String, AppError> {
    let chars = raw.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(AppError::validation(format!(
            "the message has {chars} characters; the most is {MAX_MESSAGE_CHARS}"
        )));
    }
    if raw.contains('\0') {
        return Err(AppError::validation("the message contains a NUL character"));
    }
    let content = raw.trim();
    if content.is_empty() {
        return Err(AppError::validation("the message is empty"));
    }
    Ok(content.to_owned())
}

/// Posts a message in one transaction: the next `seq` of the chat, insert, touch
/// `last_message_at`, and bring an archived chat back when its user writes. With a
/// `client_id` the post is idempotent: a resend of the same id returns the message it created
/// the first time ([`Posted::created`] is then `false`) and changes nothing.
///
/// # Errors
/// 422 for blank or oversized content; 404 when the chat does not exist.
pub async fn post_message(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    sender: SenderType,
    content: &str,
    client_id: Option<Uuid>,
) -> Result<Posted, AppError> {
    let content = message_content(content)?;
    // The chat row is locked before it is read and before the time is taken, so concurrent
    // posts to one chat take seq numbers in commit order, commit in the order of their
    // timestamps, and `last_message_at` never moves backwards (PostgreSQL: FOR UPDATE;
    // SQLite: the immediate transaction's lock).
    let txn = transactions::begin_write(db).await?;
    let chat = SupportChat::find_by_id(chat_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))?;
    if let Some(client_id) = client_id
        && let Some(message) = SupportMessage::find()
            .filter(support_message::Column::ChatId.eq(chat_id))
            .filter(support_message::Column::ClientId.eq(client_id))
            .one(&txn)
            .await?
    {
        txn.commit().await?;
        return Ok(Posted {
            message,
            chat,
            created: false,
        });
    }
    let now = clock::now();
    let message = support_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(chat_id),
        seq: Set(chat.last_seq + 1),
        client_id: Set(client_id),
        content: Set(content),
        sender_type: Set(sender),
        read_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    // A user writing to an archived chat brings it back; staff replies leave it archived.
    let chat = touch_last_message(&txn, chat, &message, sender == SenderType::User).await?;
    // A staff reply's email job is written here, inside the transaction, so the job exists
    // exactly when the message does.
    if sender == SenderType::Admin {
        reply_emails::enqueue(&txn, &message, now + effects.reply_email_delay).await?;
    }
    txn.commit().await?;
    // Committed: only now may anyone hear of it.
    if sender == SenderType::Admin {
        effects.reply_jobs.notify_one();
    }
    let fact = Fact::MessagePosted {
        chat_id,
        message_id: message.id,
    };
    events::announce(db, &effects.hub, fact, None).await;
    Ok(Posted {
        message,
        chat,
        created: true,
    })
}

/// Records `message` as the chat's newest (`last_message_at`, `last_seq`), and clears
/// `archived_at` when `unarchive` and the chat is archived.
async fn touch_last_message(
    txn: &sea_orm::DatabaseTransaction,
    chat: support_chat::Model,
    message: &support_message::Model,
    unarchive: bool,
) -> Result<support_chat::Model, AppError> {
    let reopen = unarchive && archived(&chat);
    let mut touched = chat.into_active_model();
    touched.last_message_at = Set(Some(message.created_at));
    touched.last_seq = Set(message.seq);
    touched.updated_at = Set(message.created_at);
    if reopen {
        touched.archived_at = Set(None);
    }
    Ok(touched.update(txn).await?)
}

/// Whether the chat is archived.
pub fn archived(chat: &support_chat::Model) -> bool {
    chat.archived_at.is_some()
}

/// Marks every unread staff message of the chat read; returns how many. When any were
/// unread, the chat's subscribers get a read receipt up to the chat's newest `seq` and staff
/// dashboards the changed entry.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn mark_read_by_user(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<u64, AppError> {
    mark_read(db, effects, chat_id, SenderType::User).await
}

/// Marks the other side's unread messages read for `reader`, under the chat's lock so no
/// message can land between the update and reading the newest seq the receipt covers.
async fn mark_read(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    reader: SenderType,
) -> Result<u64, AppError> {
    let txn = transactions::begin_write(db).await?;
    let chat = SupportChat::find_by_id(chat_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))?;
    let read_at = clock::now();
    let result = SupportMessage::update_many()
        .col_expr(support_message::Column::ReadAt, Expr::value(read_at))
        .filter(support_message::Column::ChatId.eq(chat_id))
        .filter(support_message::Column::SenderType.eq(reader.other()))
        .filter(support_message::Column::ReadAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    if result.rows_affected > 0 {
        let fact = Fact::Read {
            chat_id,
            reader,
            read_at,
            up_to_seq: chat.last_seq,
        };
        events::announce(db, &effects.hub, fact, None).await;
    }
    Ok(result.rows_affected)
}

/// Whether the user wrote since an admin last opened the chat.
///
/// # Errors
/// Internal error on database failure.
pub async fn unread_for_admin(
    db: &DatabaseConnection,
    chat: &support_chat::Model,
) -> Result<bool, AppError> {
    let unread = SupportMessage::find()
        .inner_join(SupportChat)
        .filter(support_message::Column::ChatId.eq(chat.id))
        .filter(Expr::cust(UNREAD_FOR_ADMIN))
        .one(db)
        .await?;
    Ok(unread.is_some())
}

/// The rule behind "unread for admin", for a row of `support_messages` joined to its
/// `support_chats` row: the user wrote it after staff last looked (or staff never looked).
/// The single-chat check and the dashboard list both use this condition.
const UNREAD_FOR_ADMIN: &str = "support_messages.sender_type = 'user' \
     AND (support_chats.admin_viewed_at IS NULL \
          OR support_messages.created_at > support_chats.admin_viewed_at)";

/// Records that an admin looked at the chat now.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn mark_viewed_by_admin(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    let chat = set_timestamp(
        db,
        effects,
        chat_id,
        support_chat::Column::AdminViewedAt,
        Some(clock::now()),
    )
    .await?;
    // What staff opened they have read: the user's widget shows "Seen".
    mark_read(db, effects, chat_id, SenderType::Admin).await?;
    Ok(chat)
}

/// Archives the chat.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn archive(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    set_timestamp(
        db,
        effects,
        chat_id,
        support_chat::Column::ArchivedAt,
        Some(clock::now()),
    )
    .await
}

/// Brings the chat back from the archive.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn unarchive(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    set_timestamp(db, effects, chat_id, support_chat::Column::ArchivedAt, None).await
}

/// Sets one timestamp column of a chat; staff dashboards hear of the changed entry.
async fn set_timestamp(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    column: support_chat::Column,
    value: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<support_chat::Model, AppError> {
    let updated = SupportChat::update_many()
        .col_expr(column, Expr::value(value))
        .col_expr(support_chat::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(support_chat::Column::Id.eq(chat_id))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::not_found("no such chat"));
    }
    let chat = SupportChat::find_by_id(chat_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))?;
    events::announce(db, &effects.hub, Fact::ChatChanged { chat_id }, None).await;
    Ok(chat)
}

/// Per-chat figures for the list, computed for all listed chats at once.
#[derive(Default)]
struct ChatFigures {
    message_count: u64,
    unread: bool,
    last_content: Option<String>,
    last_sender: Option<SenderType>,
}

/// The dashboard's list: active or archived chats, newest activity first, chats without
/// messages last. Three queries whatever the number of chats.
///
/// # Errors
/// Internal error on database failure.
pub async fn list_for_admin(
    db: &DatabaseConnection,
    show_archived: bool,
) -> Result<Vec<SupportChatListItem>, AppError> {
    let filter = if show_archived {
        support_chat::Column::ArchivedAt.is_not_null()
    } else {
        support_chat::Column::ArchivedAt.is_null()
    };
    // 1: the chats with their owners.
    let chats = SupportChat::find()
        .filter(filter)
        .find_also_related(User)
        .order_by_with_nulls(
            support_chat::Column::LastMessageAt,
            Order::Desc,
            NullOrdering::Last,
        )
        .order_by_desc(support_chat::Column::Id)
        .all(db)
        .await?;
    let mut figures = chat_figures(db, ListScope::Archived(show_archived)).await?;
    Ok(chats
        .into_iter()
        .map(|(chat, user)| {
            let f = figures.remove(&chat.id).unwrap_or_default();
            list_item_of(chat, user, f)
        })
        .collect())
}

/// One chat's entry in the dashboard's list, as [`list_for_admin`] shows it.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn list_item(
    db: &DatabaseConnection,
    chat_id: Uuid,
) -> Result<SupportChatListItem, AppError> {
    let (chat, user) = SupportChat::find_by_id(chat_id)
        .find_also_related(User)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))?;
    let mut figures = chat_figures(db, ListScope::Chat(chat_id)).await?;
    let f = figures.remove(&chat.id).unwrap_or_default();
    Ok(list_item_of(chat, user, f))
}

fn list_item_of(
    chat: support_chat::Model,
    user: Option<crate::server::entities::user::Model>,
    f: ChatFigures,
) -> SupportChatListItem {
    SupportChatListItem {
        id: chat.id,
        user_id: chat.user_id,
        user_email: user.and_then(|u| u.email),
        last_message_at: chat.last_message_at,
        last_message_preview: f.last_content.as_deref().map(preview),
        last_message_sender: f.last_sender,
        message_count: f.message_count,
        unread: f.unread,
        archived: archived(&chat),
    }
}

/// Which chats [`chat_figures`] computes for.
#[derive(Clone, Copy)]
enum ListScope {
    /// Every archived (`true`) or active (`false`) chat.
    Archived(bool),
    /// One chat.
    Chat(Uuid),
}

impl ListScope {
    /// The SQL condition on `support_chats` and its bound values.
    fn condition(self, backend: sea_orm::DatabaseBackend) -> (String, Vec<sea_orm::Value>) {
        match self {
            Self::Archived(true) => ("support_chats.archived_at IS NOT NULL".into(), vec![]),
            Self::Archived(false) => ("support_chats.archived_at IS NULL".into(), vec![]),
            Self::Chat(id) => {
                let placeholder = match backend {
                    sea_orm::DatabaseBackend::Postgres => "$1",
                    _ => "?",
                };
                (format!("support_chats.id = {placeholder}"), vec![id.into()])
            }
        }
    }
}

/// Counts, unread flags (2) and newest messages (3) of every chat in the list.
async fn chat_figures(
    db: &DatabaseConnection,
    scope: ListScope,
) -> Result<HashMap<Uuid, ChatFigures>, AppError> {
    let backend = db.get_database_backend();
    let (scope_filter, values) = scope.condition(backend);
    let mut figures: HashMap<Uuid, ChatFigures> = HashMap::new();
    let counts = format!(
        "SELECT support_messages.chat_id AS chat_id, COUNT(*) AS message_count, \
           MAX(CASE WHEN {UNREAD_FOR_ADMIN} THEN 1 ELSE 0 END) AS unread \
         FROM support_messages JOIN support_chats ON support_chats.id = support_messages.chat_id \
         WHERE {scope_filter} GROUP BY support_messages.chat_id"
    );
    for row in db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            counts,
            values.clone(),
        ))
        .await?
    {
        let chat_id: Uuid = row.try_get("", "chat_id")?;
        let count: i64 = row.try_get("", "message_count")?;
        let unread: i32 = row.try_get("", "unread")?;
        let entry = figures.entry(chat_id).or_default();
        entry.message_count = u64::try_from(count).unwrap_or_default();
        entry.unread = unread > 0;
    }
    let newest = format!(
        "SELECT chat_id, content, sender_type FROM ( \
           SELECT support_messages.chat_id, support_messages.content, support_messages.sender_type, \
             ROW_NUMBER() OVER (PARTITION BY support_messages.chat_id \
               ORDER BY support_messages.created_at DESC, support_messages.id DESC) AS newest_first \
           FROM support_messages JOIN support_chats ON support_chats.id = support_messages.chat_id \
           WHERE {scope_filter}) newest WHERE newest_first = 1"
    );
    for row in db
        .query_all_raw(Statement::from_sql_and_values(backend, newest, values))
        .await?
    {
        let chat_id: Uuid = row.try_get("", "chat_id")?;
        let sender: String = row.try_get("", "sender_type")?;
        let entry = figures.entry(chat_id).or_default();
        entry.last_content = Some(row.try_get("", "content")?);
        entry.last_sender = match sender.as_str() {
            "admin" => Some(SenderType::Admin),
            _ => Some(SenderType::User),
        };
    }
    Ok(figures)
}
