//! The dashboard's search finds private notes too (marked as notes in its results): the same
//! full-text structures as migration 9 gives messages, on `chat_notes.content`. Notes are
//! never edited; they are deleted only with their chat, whose carry-over moves them first.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The statements that create the notes' search structures of each backend, in order.
fn up_statements(backend: sea_orm::DatabaseBackend) -> Vec<&'static str> {
    match backend {
        sea_orm::DatabaseBackend::Postgres => vec![
            "CREATE INDEX idx_chat_notes_search ON chat_notes USING GIN \
             (to_tsvector('simple', regexp_replace(content, '[[:punct:][:space:]]+', ' ', 'g')))",
        ],
        _ => vec![
            "CREATE VIRTUAL TABLE chat_notes_fts USING fts5(content, note_id UNINDEXED, \
             tokenize = 'unicode61 remove_diacritics 0')",
            "INSERT INTO chat_notes_fts (content, note_id) SELECT content, id FROM chat_notes",
            "CREATE TRIGGER chat_notes_fts_insert AFTER INSERT ON chat_notes BEGIN \
               INSERT INTO chat_notes_fts (content, note_id) VALUES (new.content, new.id); \
             END",
            "CREATE TRIGGER chat_notes_fts_delete AFTER DELETE ON chat_notes BEGIN \
               DELETE FROM chat_notes_fts WHERE note_id = old.id; \
             END",
        ],
    }
}

/// The statements that undo [`up_statements`].
fn down_statements(backend: sea_orm::DatabaseBackend) -> Vec<&'static str> {
    match backend {
        sea_orm::DatabaseBackend::Postgres => vec!["DROP INDEX idx_chat_notes_search"],
        _ => vec![
            "DROP TRIGGER chat_notes_fts_insert",
            "DROP TRIGGER chat_notes_fts_delete",
            "DROP TABLE chat_notes_fts",
        ],
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in up_statements(manager.get_database_backend()) {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in down_statements(manager.get_database_backend()) {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
