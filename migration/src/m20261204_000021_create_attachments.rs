//! Attachments: files sent with messages, and the key their links are signed with.
//!
//! - `attachments`: one row per uploaded file. The bytes live in storage (a directory or an
//!   S3 bucket) under keys made from the id; the row says what they are. An upload starts
//!   with `message_id` null and is bound to a message when one is sent with it. `chat_id`
//!   and `message_id` are set to null, not cascaded, when their rows go: the row outlives
//!   them as a note to the sweeper that its stored bytes must go too (a cascade would lose
//!   the only record of them).
//! - `secrets`: keys the instances share; `file_links` signs attachment URLs, and replacing
//!   it revokes every link handed out.
//! - Search by file name: on SQLite a sent file's name becomes a row of the messages' FTS
//!   table under its message's id (a trigger, when `message_id` is set); on PostgreSQL a GIN
//!   index over the name, as migration 9 indexes message text.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    create_indexes, index, m20261122_000002_create_support_chats::SupportChats,
    m20261122_000003_create_support_messages::SupportMessages,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ChatId,
    MessageId,
    UploaderId,
    Name,
    Size,
    ContentType,
    Width,
    Height,
    HasThumbnail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Secrets {
    Table,
    Name,
    Value,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(pk_uuid(Attachments::Id))
                    .col(uuid_null(Attachments::ChatId))
                    .col(uuid_null(Attachments::MessageId))
                    .col(uuid(Attachments::UploaderId))
                    .col(text(Attachments::Name))
                    .col(big_integer(Attachments::Size))
                    .col(text(Attachments::ContentType))
                    .col(integer_null(Attachments::Width))
                    .col(integer_null(Attachments::Height))
                    .col(boolean(Attachments::HasThumbnail))
                    .col(timestamp_with_time_zone(Attachments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_chat_id")
                            .from(Attachments::Table, Attachments::ChatId)
                            .to(SupportChats::Table, SupportChats::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_message_id")
                            .from(Attachments::Table, Attachments::MessageId)
                            .to(SupportMessages::Table, SupportMessages::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Secrets::Table)
                    .col(string_len(Secrets::Name, 64).primary_key())
                    .col(text(Secrets::Value))
                    .col(timestamp_with_time_zone(Secrets::CreatedAt))
                    .to_owned(),
            )
            .await?;
        let search: &[&str] = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => &[
                "CREATE INDEX idx_attachments_name_search ON attachments USING GIN \
                 (to_tsvector('simple', regexp_replace(name, '[[:punct:][:space:]]+', ' ', 'g')))",
            ],
            _ => &[
                "CREATE TRIGGER attachments_fts_sent AFTER UPDATE OF message_id ON attachments \
                 WHEN new.message_id IS NOT NULL AND old.message_id IS NULL BEGIN \
                   INSERT INTO support_messages_fts (content, message_id) \
                   VALUES (new.name, new.message_id); \
                 END",
            ],
        };
        for statement in search {
            manager
                .get_connection()
                .execute_unprepared(statement)
                .await?;
        }
        create_indexes(
            manager,
            [
                // A message's files, read with every page of messages.
                index(
                    "idx_attachments_message_id",
                    Attachments::Table,
                    [Attachments::MessageId],
                ),
                // A chat's files (the person panel), newest first (ids are UUID v7).
                index(
                    "idx_attachments_chat_id_id",
                    Attachments::Table,
                    [Attachments::ChatId, Attachments::Id],
                ),
                // What one person stores (their quota).
                index(
                    "idx_attachments_uploader_id",
                    Attachments::Table,
                    [Attachments::UploaderId],
                ),
                // The sweeper's unsent uploads, oldest first.
                index(
                    "idx_attachments_created_at",
                    Attachments::Table,
                    [Attachments::CreatedAt],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP TRIGGER attachments_fts_sent")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Secrets::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await
    }
}
