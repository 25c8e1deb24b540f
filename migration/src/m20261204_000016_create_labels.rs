//! Labels: the team's words for sorting conversations ("billing", "bug", "vip").
//!
//! - `labels`: admins define them, a name (unique whatever its case: `name_key` holds it
//!   lower-cased) and a colour from the palette.
//! - `chat_labels`: which chat carries which label. It keeps a copy of its chat's
//!   `last_message_at`, written by every message, so one label's chats are one walk along an
//!   index in the inbox's order (`idx_chat_labels_label_order`) whether the label is on ten
//!   chats or on most of them.
//! - `chat_activity.label_id`: the label an activity line added or removed.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index, m20261122_000002_create_support_chats::SupportChats};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Labels {
    Table,
    Id,
    Name,
    NameKey,
    Color,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChatLabels {
    Table,
    ChatId,
    LabelId,
    LastMessageAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChatActivity {
    Table,
    LabelId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Labels::Table)
                    .col(pk_uuid(Labels::Id))
                    .col(string_len(Labels::Name, 50))
                    .col(string_len(Labels::NameKey, 50))
                    .col(string_len(Labels::Color, 7))
                    .col(timestamp_with_time_zone(Labels::CreatedAt))
                    .col(timestamp_with_time_zone(Labels::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatLabels::Table)
                    .col(uuid(ChatLabels::ChatId))
                    .col(uuid(ChatLabels::LabelId))
                    .col(timestamp_with_time_zone_null(ChatLabels::LastMessageAt))
                    .col(timestamp_with_time_zone(ChatLabels::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ChatLabels::ChatId)
                            .col(ChatLabels::LabelId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_chat_labels_chat_id")
                            .from(ChatLabels::Table, ChatLabels::ChatId)
                            .to(SupportChats::Table, SupportChats::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_chat_labels_label_id")
                            .from(ChatLabels::Table, ChatLabels::LabelId)
                            .to(Labels::Table, Labels::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ChatActivity::Table)
                    .add_column(uuid_null(ChatActivity::LabelId))
                    .to_owned(),
            )
            .await?;
        let mut name = index("idx_labels_name_key", Labels::Table, [Labels::NameKey]);
        name.unique();
        create_indexes(manager, [name]).await?;
        // One label's chats in the inbox's order: newest activity first, chats without
        // messages last (PostgreSQL sorts NULLs first when descending unless told).
        let nulls = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => " NULLS LAST",
            _ => "",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX idx_chat_labels_label_order ON chat_labels \
                 (label_id, last_message_at DESC{nulls}, chat_id DESC)"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ChatActivity::Table)
                    .drop_column(ChatActivity::LabelId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ChatLabels::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Labels::Table).to_owned())
            .await
    }
}
