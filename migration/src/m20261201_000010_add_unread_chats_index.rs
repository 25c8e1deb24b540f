//! The dashboard's unread count ("(3) Support Chats") without reading every chat: a partial
//! index holding only active chats the user wrote in since staff last looked. Both backends
//! take the same predicate; `domain::chats::unread::UNREAD_ACTIVE_CHATS_SQL` repeats it word for
//! word, since a planner uses a partial index only for a query whose condition implies it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_support_chats_unread ON support_chats (id) \
                 WHERE archived_at IS NULL AND last_user_message_at IS NOT NULL \
                   AND (admin_viewed_at IS NULL OR last_user_message_at > admin_viewed_at)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX idx_support_chats_unread")
            .await?;
        Ok(())
    }
}
