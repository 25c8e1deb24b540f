//! Putting labels on a chat: the chat's set of labels is replaced in one transaction under the
//! chat's lock, so concurrent changes leave one consistent set (the last to commit), and each
//! label added or taken off is an activity line; dashboards hear of the new list entry after
//! commit.

use std::collections::BTreeSet;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::{
    activity::{self, Change},
    list,
    ownership::locked_chat,
};
use crate::{
    clock,
    effects::Effects,
    entities::{ChatLabel, Label, chat_activity::KindColumn, chat_label, label},
    fact::Fact,
    transactions,
};
use wire::{error::AppError, labels::MAX_LABELS_PER_CHAT, model::SupportChatListItem};

/// Makes `label_ids` the chat's labels, by the staff member `actor`; answers the chat's list
/// entry. Listing a label twice is listing it once.
///
/// # Errors
/// 404 for an unknown chat; 422 for an unknown label or more than [`MAX_LABELS_PER_CHAT`]
/// ids.
pub async fn set_labels(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    actor: Uuid,
    label_ids: &[Uuid],
) -> Result<SupportChatListItem, AppError> {
    // Counted as sent, as the API documents it (`maxItems`).
    if label_ids.len() > MAX_LABELS_PER_CHAT {
        return Err(AppError::validation(format!(
            "a chat carries at most {MAX_LABELS_PER_CHAT} labels"
        )));
    }
    let wanted: BTreeSet<Uuid> = label_ids.iter().copied().collect();
    let txn = transactions::begin_write(db).await?;
    let chat = locked_chat(&txn, chat_id).await?;
    // Share-locked: a label deleted meanwhile waits for this change (and then takes its rows
    // with it) rather than failing it.
    let known = Label::find()
        .filter(label::Column::Id.is_in(wanted.iter().copied()))
        .lock_shared()
        .all(&txn)
        .await?;
    if known.len() != wanted.len() {
        return Err(AppError::validation(
            "label_ids names a label that does not exist",
        ));
    }
    let current: BTreeSet<Uuid> = ChatLabel::find()
        .filter(chat_label::Column::ChatId.eq(chat_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| row.label_id)
        .collect();
    let now = clock::now();
    let removed: Vec<Uuid> = current.difference(&wanted).copied().collect();
    if !removed.is_empty() {
        ChatLabel::delete_many()
            .filter(chat_label::Column::ChatId.eq(chat_id))
            .filter(chat_label::Column::LabelId.is_in(removed.iter().copied()))
            .exec(&txn)
            .await?;
    }
    for &label in &removed {
        activity::record(
            &txn,
            chat_id,
            labeled(KindColumn::Unlabeled, actor, label),
            now,
        )
        .await?;
    }
    let added: Vec<Uuid> = wanted.difference(&current).copied().collect();
    for &label in &added {
        chat_label::ActiveModel {
            chat_id: Set(chat_id),
            label_id: Set(label),
            last_message_at: Set(chat.last_message_at),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        activity::record(
            &txn,
            chat_id,
            labeled(KindColumn::Labeled, actor, label),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    if !added.is_empty() || !removed.is_empty() {
        effects
            .publish(db, Fact::ChatChanged { chat_id }, None)
            .await;
    }
    list::list_item(db, chat_id).await
}

/// The activity line of `label` put on (or taken off) by `actor`.
fn labeled(kind: KindColumn, actor: Uuid, label: Uuid) -> Change {
    Change {
        label: Some(label),
        ..Change::by(kind, Some(actor))
    }
}
