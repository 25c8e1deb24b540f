//! The dashboard list's figures on each `support_chats` row, so a page of the list reads one
//! indexed range of rows and never aggregates over messages: how many messages, the newest
//! one's preview and sender, and when the user last wrote (unread for staff = the user wrote
//! after staff last opened the chat). The posting transaction keeps them current; existing
//! chats are filled in from their messages here.
//!
//! Indexes make a page of the list a walk along one index in the list's order (newest activity
//! first, chats without messages last, then id), each as its backend's planner uses it:
//! PostgreSQL, one partial index per tab (it will not order by the columns after an
//! `IS NULL` prefix); SQLite, one index led by `archived_at` (with partial indexes its planner
//! still picks the plain `archived_at` index and sorts every active chat: 180 ms at 100,000
//! chats).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000002_create_support_chats::SupportChats;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListFigures {
    MessageCount,
    LastMessagePreview,
    LastMessageSender,
    LastUserMessageAt,
}

/// Characters of the newest message kept as the preview (as `wire::model::PREVIEW_CHARS`).
const PREVIEW_CHARS: u32 = 100;

/// The list-order indexes of each backend: (name, columns, rows covered).
fn list_order_indexes(
    backend: sea_orm::DatabaseBackend,
) -> Vec<(&'static str, &'static str, &'static str)> {
    match backend {
        sea_orm::DatabaseBackend::Postgres => vec![
            (
                "idx_support_chats_active_order",
                "last_message_at DESC NULLS LAST, id DESC",
                " WHERE archived_at IS NULL",
            ),
            (
                "idx_support_chats_archived_order",
                "last_message_at DESC NULLS LAST, id DESC",
                " WHERE archived_at IS NOT NULL",
            ),
        ],
        // The archive (the smaller tab) is sorted.
        _ => vec![(
            "idx_support_chats_list_order",
            "archived_at, last_message_at DESC, id DESC",
            "",
        )],
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let columns = [
            big_integer(ListFigures::MessageCount).default(0).to_owned(),
            text_null(ListFigures::LastMessagePreview),
            string_len_null(ListFigures::LastMessageSender, 16),
            timestamp_with_time_zone_null(ListFigures::LastUserMessageAt),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(SupportChats::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "UPDATE support_chats SET \
               message_count = (SELECT COUNT(*) FROM support_messages m WHERE m.chat_id = support_chats.id), \
               last_user_message_at = (SELECT MAX(m.created_at) FROM support_messages m \
                 WHERE m.chat_id = support_chats.id AND m.sender_type = 'user'), \
               last_message_sender = (SELECT m.sender_type FROM support_messages m \
                 WHERE m.chat_id = support_chats.id ORDER BY m.seq DESC LIMIT 1), \
               last_message_preview = (SELECT CASE WHEN LENGTH(m.content) > {PREVIEW_CHARS} \
                   THEN SUBSTR(m.content, 1, {PREVIEW_CHARS}) || '…' ELSE m.content END \
                 FROM support_messages m WHERE m.chat_id = support_chats.id \
                 ORDER BY m.seq DESC LIMIT 1)"
        ))
        .await?;
        for (name, columns, rows) in list_order_indexes(manager.get_database_backend()) {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON support_chats ({columns}){rows}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _, _) in list_order_indexes(manager.get_database_backend()) {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(SupportChats::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            ListFigures::MessageCount,
            ListFigures::LastMessagePreview,
            ListFigures::LastMessageSender,
            ListFigures::LastUserMessageAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SupportChats::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
