//! The dashboard's read model: pages of the chat list from each chat row's figures (one
//! indexed range of rows per page), one chat's entry, and the count of unread chats. It
//! imports neither events nor effects: it only reads.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, NullOrdering, Order},
};
use uuid::Uuid;

use super::unread::{UNREAD_ACTIVE_CHATS_SQL, unread_by_staff};
use crate::{
    chat_search::{self, SearchTerms},
    entities::{SupportChat, User, support_chat, user},
    team::directory,
};
use wire::{
    error::AppError,
    model::{ChatListPage, SupportChatListItem},
    team::{InboxCounts, InboxView},
};

/// How many active chats are unread for staff (the dashboard's title count).
///
/// # Errors
/// Internal error on database failure.
pub async fn count_unread_for_admin(db: &DatabaseConnection) -> Result<u64, AppError> {
    let count = SupportChat::find()
        .filter(Expr::cust(UNREAD_ACTIVE_CHATS_SQL))
        .count(db)
        .await?;
    Ok(count)
}

/// How many chats each inbox view holds for `viewer`: four counts along the views' indexes.
///
/// # Errors
/// Internal error on database failure.
pub async fn count_views(db: &DatabaseConnection, viewer: Uuid) -> Result<InboxCounts, AppError> {
    let count = |view: InboxView| async move {
        SupportChat::find()
            .filter(ListScope::View { view, viewer }.condition())
            .count(db)
            .await
    };
    Ok(InboxCounts {
        viewer,
        mine: count(InboxView::Mine).await?,
        unassigned: count(InboxView::Unassigned).await?,
        open: count(InboxView::Open).await?,
        snoozed: count(InboxView::Snoozed).await?,
    })
}

/// Most chats one list page holds, and how many without `limit`.
pub const MAX_LIST_PAGE: u64 = 200;

/// Chats in a list page when the caller names no `limit`.
pub const DEFAULT_LIST_PAGE: u64 = 50;

/// Which chats a list page is drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListScope {
    /// Every chat not resolved, snoozed ones included (the spec's `archived=false`).
    Active,
    /// Resolved chats (the spec's `archived=true`).
    Archived,
    /// One of the inbox's views, as the staff member `viewer` sees it ("Mine" is theirs).
    View {
        /// The view.
        view: InboxView,
        /// Who is looking.
        viewer: Uuid,
    },
}

impl ListScope {
    /// The rows of the scope, written as the indexes of migrations 8 and 13 read them.
    fn condition(self) -> Condition {
        use support_chat::Column;
        let open = || {
            Condition::all()
                .add(Column::ArchivedAt.is_null())
                .add(Column::SnoozedUntil.is_null())
        };
        let resolved = || Condition::all().add(Column::ArchivedAt.is_not_null());
        match self {
            Self::Active => Condition::all().add(Column::ArchivedAt.is_null()),
            Self::Archived => resolved(),
            Self::View { view, viewer } => match view {
                InboxView::Mine => open().add(Column::AssigneeId.eq(viewer)),
                InboxView::Unassigned => open().add(Column::AssigneeId.is_null()),
                InboxView::Open => open(),
                InboxView::Snoozed => Condition::all()
                    .add(Column::ArchivedAt.is_null())
                    .add(Column::SnoozedUntil.is_not_null()),
                InboxView::Resolved => resolved(),
            },
        }
    }
}

/// A page of the dashboard's list: the chats of `scope`, newest activity first, chats
/// without messages last, ties by id; starting after the chat `after` (a keyset on
/// `(last_message_at, id)`, read from that chat's row). One indexed range of rows: the
/// figures are on each row. With `search`, only the chats it matches, each with a snippet of
/// its newest matching message.
///
/// # Errors
/// 404 for an unknown `after`; 422 for a `limit` outside 1–[`MAX_LIST_PAGE`].
pub async fn list_for_admin(
    db: &DatabaseConnection,
    scope: ListScope,
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
        .filter(scope.condition())
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
    let owners: Vec<Uuid> = rows
        .iter()
        .filter_map(|(chat, _)| chat.assignee_id)
        .collect();
    let assignees = directory::people(db, owners).await?;
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
                    ..list_item_of(chat, user, &assignees)
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
    let assignees = directory::people(db, chat.assignee_id).await?;
    Ok(list_item_of(chat, user, &assignees))
}

fn list_item_of(
    chat: support_chat::Model,
    user: Option<user::Model>,
    assignees: &HashMap<Uuid, user::Model>,
) -> SupportChatListItem {
    let unread = unread_by_staff(&chat);
    SupportChatListItem {
        id: chat.id,
        user_id: chat.user_id,
        user_email: user.and_then(|u| u.email),
        last_message_at: chat.last_message_at,
        last_message_preview: chat.last_message_preview.clone(),
        last_message_sender: chat.last_message_sender.map(Into::into),
        message_count: u64::try_from(chat.message_count).unwrap_or_default(),
        unread,
        archived: chat.is_archived(),
        status: chat.status(),
        snoozed_until: chat.snoozed_until,
        assignee: chat
            .assignee_id
            .and_then(|id| assignees.get(&id))
            .map(directory::staff_ref),
        match_snippet: None,
    }
}
