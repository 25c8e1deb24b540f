//! The dashboard list's figures on each `support_chats` row, so a page of the list reads one
//! indexed range of rows and never aggregates over messages: how many messages, the newest
//! one's preview and sender, and when the user last wrote (unread for staff = the user wrote
//! after staff last opened the chat). The posting transaction keeps them current; existing
//! chats are filled in from their messages here. An index serves the list's keyset order,
//! newest activity first, chats without messages last.

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

/// Characters of the newest message kept as the preview (as `app::model::PREVIEW_CHARS`).
const PREVIEW_CHARS: u32 = 100;

const LIST_ORDER_INDEX: &str = "idx_support_chats_list_order";

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
        // Newest activity first, chats without messages last, then by id: the list's keyset.
        let nulls_last = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => " NULLS LAST",
            _ => "",
        };
        db.execute_unprepared(&format!(
            "CREATE INDEX {LIST_ORDER_INDEX} ON support_chats \
             (last_message_at DESC{nulls_last}, id DESC)"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(LIST_ORDER_INDEX)
                    .table(SupportChats::Table)
                    .to_owned(),
            )
            .await?;
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
