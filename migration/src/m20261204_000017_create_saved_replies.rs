//! `saved_replies`: the team's library of answers typed ten times a day. Admins write them (a
//! title, a shortcut unique whatever its case, a body); every staff member inserts them from
//! the composer.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SavedReplies {
    Table,
    Id,
    Title,
    Shortcut,
    ShortcutKey,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SavedReplies::Table)
                    .col(pk_uuid(SavedReplies::Id))
                    .col(string_len(SavedReplies::Title, 100))
                    .col(string_len(SavedReplies::Shortcut, 32))
                    .col(string_len(SavedReplies::ShortcutKey, 32))
                    .col(text(SavedReplies::Body))
                    .col(timestamp_with_time_zone(SavedReplies::CreatedAt))
                    .col(timestamp_with_time_zone(SavedReplies::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        let mut shortcut = index(
            "idx_saved_replies_shortcut_key",
            SavedReplies::Table,
            [SavedReplies::ShortcutKey],
        );
        shortcut.unique();
        create_indexes(manager, [shortcut]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SavedReplies::Table).to_owned())
            .await
    }
}
