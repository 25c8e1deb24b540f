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
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, NullOrdering, Order},
};
use uuid::Uuid;

use crate::{
    chat_search::{self, SearchTerms},
    clock,
    effects::Effects,
    entities::{
        SupportChat, SupportMessage, User, columns::SenderColumn, support_chat, support_message,
    },
    events::{self, Fact},
    limits::{Limit, Limits},
    reply_emails, transactions,
};
use wire::{
    error::AppError,
    model::{
        AdminSupportChat, ChatListPage, SenderType, StaffConversation, SupportChat as ChatView,
        SupportChatListItem, preview,
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
        message_count: Set(0),
        last_message_preview: Set(None),
        last_message_sender: Set(None),
        last_user_message_at: Set(None),
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
    user: &crate::entities::user::Model,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    SupportChat::find_by_id(chat_id)
        .one(db)
        .await?
        .filter(|chat| user.is_staff() || chat.user_id == user.id)
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

/// The dashboard's conversation page: the chat's newest messages (recording the view) and its
/// user.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn staff_conversation(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<StaffConversation, AppError> {
    let chat = admin_view(db, effects, chat_id, PageAt::NEWEST, MAX_PAGE).await?;
    let (row, user) = SupportChat::find_by_id(chat_id)
        .find_also_related(User)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))?;
    let user = user.ok_or_else(|| AppError::not_found("no such chat"))?;
    Ok(StaffConversation {
        chat,
        user_since: user.created_at,
        user: user.into(),
        chat_started: row.created_at,
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

/// Who posts a message: the side it shows on, and the person whose allowance it uses.
#[derive(Clone, Copy, Debug)]
pub struct Poster {
    /// The user's side or staff's.
    pub sender: SenderType,
    /// The person posting (the chat's user, or the staff member).
    pub user_id: Uuid,
}

impl Poster {
    /// `user` posting, on the side their role gives.
    pub fn of(user: &crate::entities::user::Model) -> Self {
        Self {
            sender: user.side(),
            user_id: user.id,
        }
    }
}

/// Posts a message in one transaction: the next `seq` of the chat, insert, touch
/// `last_message_at`, and bring an archived chat back when its user writes. With a
/// `client_id` the post is idempotent: a resend of the same id returns the message it created
/// the first time ([`Posted::created`] is then `false`) and changes nothing. Each new message
/// takes a token from its poster's bucket, whichever route it came by (REST, server
/// function, socket); a resend takes none.
///
/// # Errors
/// 422 for blank or oversized content; 404 when the chat does not exist; 429 when the poster
/// is over the message limit (nothing is stored).
pub async fn post_message(
    db: &DatabaseConnection,
    effects: &Effects,
    limits: &Limits,
    chat_id: Uuid,
    poster: Poster,
    content: &str,
    client_id: Option<Uuid>,
) -> Result<Posted, AppError> {
    let sender = poster.sender;
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
    // Refused here, the transaction rolls back as it drops: nothing is stored.
    limits
        .take_on(&txn, Limit::Messages, &poster.user_id.to_string())
        .await?;
    let now = clock::now();
    let message = support_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(chat_id),
        seq: Set(chat.last_seq + 1),
        client_id: Set(client_id),
        content: Set(content),
        sender_type: Set(sender.into()),
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
    metrics::counter!("confab_messages_posted_total", "sender" => match sender {
        SenderType::User => "user",
        SenderType::Admin => "staff",
    })
    .increment(1);
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

/// Records `message` as the chat's newest (`last_message_at`, `last_seq`, the list's
/// figures), and clears
/// `archived_at` when `unarchive` and the chat is archived.
async fn touch_last_message(
    txn: &sea_orm::DatabaseTransaction,
    chat: support_chat::Model,
    message: &support_message::Model,
    unarchive: bool,
) -> Result<support_chat::Model, AppError> {
    let reopen = unarchive && archived(&chat);
    let message_count = chat.message_count + 1;
    let mut touched = chat.into_active_model();
    touched.last_message_at = Set(Some(message.created_at));
    touched.last_seq = Set(message.seq);
    // The list's figures, kept with the message so a list page never aggregates.
    touched.message_count = Set(message_count);
    touched.last_message_preview = Set(Some(preview(&message.content)));
    touched.last_message_sender = Set(Some(message.sender_type));
    if message.sender_type == SenderColumn::User {
        touched.last_user_message_at = Set(Some(message.created_at));
    }
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
        .filter(support_message::Column::SenderType.eq(SenderColumn::from(reader.other())))
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

/// How many active chats are unread for staff (the dashboard's title count).
///
/// # Errors
/// Internal error on database failure.
pub async fn count_unread_for_admin(db: &DatabaseConnection) -> Result<u64, AppError> {
    // Word for word the predicate of migration 10's partial index, so the count reads it.
    let count = SupportChat::find()
        .filter(Expr::cust(
            "archived_at IS NULL AND last_user_message_at IS NOT NULL \
             AND (admin_viewed_at IS NULL OR last_user_message_at > admin_viewed_at)",
        ))
        .count(db)
        .await?;
    Ok(count)
}

/// Most chats one list page holds, and how many without `limit`.
pub const MAX_LIST_PAGE: u64 = 200;
/// Chats in a list page when the caller names no `limit`.
pub const DEFAULT_LIST_PAGE: u64 = 50;

/// A page of the dashboard's list: active or archived chats, newest activity first, chats
/// without messages last, ties by id; starting after the chat `after` (a keyset on
/// `(last_message_at, id)`, read from that chat's row). One indexed range of rows: the
/// figures are on each row. With `search`, only the chats it matches, each with a snippet of
/// its newest matching message.
///
/// # Errors
/// 404 for an unknown `after`; 422 for a `limit` outside 1–[`MAX_LIST_PAGE`].
pub async fn list_for_admin(
    db: &DatabaseConnection,
    show_archived: bool,
    search: Option<&SearchTerms>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<ChatListPage, AppError> {
    if !(1..=MAX_LIST_PAGE).contains(&limit) {
        return Err(AppError::validation(format!(
            "limit must be between 1 and {MAX_LIST_PAGE}"
        )));
    }
    let mut query = SupportChat::find()
        .filter(if show_archived {
            support_chat::Column::ArchivedAt.is_not_null()
        } else {
            support_chat::Column::ArchivedAt.is_null()
        })
        .find_also_related(User);
    let found = match search {
        Some(terms) => Some(chat_search::find(db, terms).await?),
        None => None,
    };
    if let Some(found) = &found {
        if found.chats.is_empty() {
            return Ok(ChatListPage {
                chats: Vec::new(),
                next_after: None,
            });
        }
        query = query.filter(support_chat::Column::Id.is_in(found.chats.iter().copied()));
    }
    // Newest activity first, chats without messages last, written as each backend's index
    // (migration 8) reads it: SQLite puts NULLs last in descending order by itself, and an
    // explicit NULLS LAST there makes it sort instead of walking the index.
    query = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => query.order_by_with_nulls(
            support_chat::Column::LastMessageAt,
            Order::Desc,
            NullOrdering::Last,
        ),
        _ => query.order_by_desc(support_chat::Column::LastMessageAt),
    };
    // One more than the page: whether a next page exists.
    query = query
        .order_by_desc(support_chat::Column::Id)
        .limit(limit + 1);
    if let Some(after) = after {
        let cursor = SupportChat::find_by_id(after)
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found("no such chat"))?;
        query = query.filter(after_in_list_order(&cursor));
    }
    let mut rows = query.all(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_after = more.then(|| rows.last().map(|(chat, _)| chat.id)).flatten();
    let mut snippets = match (search, &found) {
        (Some(terms), Some(found)) => {
            let ids: Vec<Uuid> = rows.iter().map(|(chat, _)| chat.id).collect();
            chat_search::snippets(db, terms, found, &ids).await?
        }
        _ => HashMap::new(),
    };
    Ok(ChatListPage {
        chats: rows
            .into_iter()
            .map(|(chat, user)| {
                let snippet = snippets.remove(&chat.id);
                SupportChatListItem {
                    match_snippet: snippet,
                    ..list_item_of(chat, user)
                }
            })
            .collect(),
        next_after,
    })
}

/// The chats after `cursor` in list order (newest activity first, then id, no activity last).
fn after_in_list_order(cursor: &support_chat::Model) -> Condition {
    use support_chat::Column;
    match cursor.last_message_at {
        Some(at) => Condition::any()
            .add(Column::LastMessageAt.lt(at))
            .add(
                Condition::all()
                    .add(Column::LastMessageAt.eq(at))
                    .add(Column::Id.lt(cursor.id)),
            )
            .add(Column::LastMessageAt.is_null()),
        None => Condition::all()
            .add(Column::LastMessageAt.is_null())
            .add(Column::Id.lt(cursor.id)),
    }
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
    Ok(list_item_of(chat, user))
}

fn list_item_of(
    chat: support_chat::Model,
    user: Option<crate::entities::user::Model>,
) -> SupportChatListItem {
    let unread = match (chat.last_user_message_at, chat.admin_viewed_at) {
        (Some(wrote), Some(viewed)) => wrote > viewed,
        (Some(_), None) => true,
        (None, _) => false,
    };
    SupportChatListItem {
        id: chat.id,
        user_id: chat.user_id,
        user_email: user.and_then(|u| u.email),
        last_message_at: chat.last_message_at,
        last_message_preview: chat.last_message_preview.clone(),
        last_message_sender: chat.last_message_sender.map(Into::into),
        message_count: u64::try_from(chat.message_count).unwrap_or_default(),
        unread,
        archived: archived(&chat),
        match_snippet: None,
    }
}
