//! The dashboard's read model: pages of the chat list from each chat row's figures (one
//! indexed range of rows per page), one chat's entry, and the count of unread chats. It
//! imports neither events nor effects: it only reads.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
    sea_query::{Expr, NullOrdering, Order},
};
use uuid::Uuid;

use super::unread::{UNREAD_ACTIVE_CHATS_SQL, unread_by_staff};
use crate::{
    chat_search::{self, SearchTerms},
    entities::{Label as LabelRows, SupportChat, User, chat_label, support_chat, user},
    labels,
    team::directory,
};
use wire::{
    error::AppError,
    labels::Label,
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
/// its newest matching message. With `label`, only the chats that carry it, walked along the
/// label's own index in the same order (`chat_labels` keeps each chat's `last_message_at`).
///
/// # Errors
/// 404 for an unknown `after` or `label`; 422 for a `limit` outside 1–[`MAX_LIST_PAGE`].
pub async fn list_for_admin(
    db: &DatabaseConnection,
    scope: ListScope,
    search: Option<&SearchTerms>,
    label: Option<Uuid>,
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
    // An unknown label is 404 whatever else the page asks.
    if let Some(label) = label {
        LabelRows::find_by_id(label)
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found("no such label"))?;
        query = query
            .join(
                JoinType::InnerJoin,
                chat_label::Relation::SupportChat.def().rev(),
            )
            .filter(chat_label::Column::LabelId.eq(label));
    }
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
    let cursor = match after {
        Some(after) => Some(
            SupportChat::find_by_id(after)
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found("no such chat"))?,
        ),
        None => None,
    };
    // A label's chats go along its index, the others along the views' indexes.
    query = if label.is_some() {
        in_list_order(
            query,
            db,
            chat_label::Column::LastMessageAt,
            chat_label::Column::ChatId,
            cursor.as_ref(),
        )
    } else {
        in_list_order(
            query,
            db,
            support_chat::Column::LastMessageAt,
            support_chat::Column::Id,
            cursor.as_ref(),
        )
    };
    // One more than the page: whether a next page exists.
    let mut rows = query.limit(limit + 1).all(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_after = more.then(|| rows.last().map(|(chat, _)| chat.id)).flatten();
    let owners: Vec<Uuid> = rows
        .iter()
        .filter_map(|(chat, _)| chat.assignee_id)
        .collect();
    let assignees = directory::people(db, owners).await?;
    let mut labels = labels::on_chats(db, rows.iter().map(|(chat, _)| chat.id)).await?;
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
                let labels = labels.remove(&chat.id).unwrap_or_default();
                SupportChatListItem {
                    match_in_note: snippet.as_ref().is_some_and(|s| s.in_note),
                    match_snippet: snippet.map(|s| s.text),
                    ..list_item_of(chat, user, &assignees, labels)
                }
            })
            .collect(),
        next_after,
    })
}

/// `query` in list order along `(at, id)` (newest activity first, then id, no activity
/// last), after `cursor` when given. Written as each backend's indexes read it: SQLite puts
/// NULLs last in descending order by itself, and an explicit NULLS LAST there makes it sort
/// instead of walking the index.
fn in_list_order<Q, C>(
    query: Q,
    db: &DatabaseConnection,
    at: C,
    id: C,
    cursor: Option<&support_chat::Model>,
) -> Q
where
    Q: QueryOrder + QueryFilter,
    C: ColumnTrait,
{
    let mut query = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            query.order_by_with_nulls(at, Order::Desc, NullOrdering::Last)
        }
        _ => query.order_by_desc(at),
    };
    query = query.order_by_desc(id);
    let Some(cursor) = cursor else {
        return query;
    };
    query.filter(match cursor.last_message_at {
        Some(when) => Condition::any()
            .add(at.lt(when))
            .add(Condition::all().add(at.eq(when)).add(id.lt(cursor.id)))
            .add(at.is_null()),
        None => Condition::all().add(at.is_null()).add(id.lt(cursor.id)),
    })
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
    let labels = labels::on_chats(db, [chat.id])
        .await?
        .remove(&chat.id)
        .unwrap_or_default();
    Ok(list_item_of(chat, user, &assignees, labels))
}

fn list_item_of(
    chat: support_chat::Model,
    user: Option<user::Model>,
    assignees: &HashMap<Uuid, user::Model>,
    labels: Vec<Label>,
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
        labels,
        match_snippet: None,
        match_in_note: false,
    }
}
