//! Reading a chat's history: pages of messages by position (newer, older, the newest), and
//! the views of a chat the widget, the API and the dashboard start from.

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::views;
use super::{
    access::{find_by_user, get_or_create},
    activity, mentions, notes,
    receipts::mark_viewed_by_admin,
};
use crate::{
    attachments::{Files, views as attachment_views},
    effects::Effects,
    entities::{SupportChat, SupportMessage, User, support_message},
    labels,
    team::directory,
};
use wire::{
    error::AppError,
    model::{AdminSupportChat, StaffConversation, SupportChat as ChatView},
};

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
    files: &Files,
    user_id: Uuid,
    at: PageAt,
    limit: u64,
) -> Result<ChatView, AppError> {
    let chat = get_or_create(db, user_id).await?;
    let messages = message_page(db, chat.id, at, limit).await?;
    Ok(ChatView {
        id: chat.id,
        messages: views::messages(db, files, messages).await?,
    })
}

/// The user's chat with a page of its messages, if they have one (nothing is created).
///
/// # Errors
/// As [`message_page`].
pub async fn existing_user_view(
    db: &DatabaseConnection,
    files: &Files,
    user_id: Uuid,
    limit: u64,
) -> Result<Option<ChatView>, AppError> {
    let Some(chat) = find_by_user(db, user_id).await? else {
        return Ok(None);
    };
    let messages = message_page(db, chat.id, PageAt::NEWEST, limit).await?;
    Ok(Some(ChatView {
        id: chat.id,
        messages: views::messages(db, files, messages).await?,
    }))
}

/// A chat with a page of its messages (and all of its private notes), as staff see it;
/// records that staff looked at it.
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
    let mut people =
        directory::people(db, [chat.user_id].into_iter().chain(chat.assignee_id)).await?;
    Ok(AdminSupportChat {
        id: chat.id,
        user_id: chat.user_id,
        user_email: people.remove(&chat.user_id).and_then(|u| u.email),
        archived: chat.is_archived(),
        messages: views::messages(db, &effects.files, messages).await?,
        status: chat.status(),
        snoozed_until: chat.snoozed_until,
        assignee: chat
            .assignee_id
            .and_then(|id| people.get(&id))
            .map(directory::staff_ref),
        activity: activity::lines(db, chat.id).await?,
        notes: notes::notes_of(db, chat.id).await?,
        labels: labels::on_chats(db, [chat.id])
            .await?
            .remove(&chat.id)
            .unwrap_or_default(),
        files: attachment_views::of_chat(db, &effects.files, chat.id).await?,
    })
}

/// The dashboard's conversation page: the chat's newest messages (recording the view), its
/// user, and the team it may be assigned to, as `viewer` reads it.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn staff_conversation(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    viewer: Uuid,
) -> Result<StaffConversation, AppError> {
    let chat = admin_view(db, effects, chat_id, PageAt::NEWEST, MAX_PAGE).await?;
    // Opening the chat is seeing the notes that mention the reader.
    mentions::mark_seen(db, viewer, chat_id, crate::clock::now()).await?;
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
        viewer,
        viewer_signature: User::find_by_id(viewer).one(db).await?.map_or_else(
            || "Support".to_owned(),
            |staff| directory::author(&staff).name,
        ),
        team: directory::active_team(db).await?,
    })
}
