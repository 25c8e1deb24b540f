//! Which chat a person may reach: the user's own (created on first use, race-free), or any
//! chat for staff. Someone else's chat is "not found", exactly like an unknown id.

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::{
    clock,
    entities::{SupportChat, support_chat, user},
};
use wire::error::AppError;

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
        assignee_id: Set(None),
        snoozed_until: Set(None),
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

pub(super) async fn find_by_user(
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
    user: &user::Model,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    SupportChat::find_by_id(chat_id)
        .one(db)
        .await?
        .filter(|chat| user.is_staff() || chat.user_id == user.id)
        .ok_or_else(|| AppError::not_found("no such chat"))
}
