//! Full-text search for the dashboard: message text and user emails, indexed on each backend,
//! so `GET /api/admin/chats?q=` never scans every message.
//!
//! Both backends see the same words: runs of letters and digits (an email is
//! `alice`, `example`, `com`), compared case-insensitively, accents kept, no stemming (the product speaks
//! English and Japanese; a stemmer for one would be wrong for the other).
//!
//! - SQLite: FTS5 tables that keep their own copy of the text with the row's uuid beside it
//!   (`UNINDEXED`), filled by triggers. Not "external content" keyed by the base table's rowid:
//!   those tables have no `INTEGER PRIMARY KEY`, so a `VACUUM` may renumber their rowids and
//!   the index would then point at the wrong rows. Messages are never edited, and only deleted
//!   with their chat after the visitor carry-over moved them away, so they need an insert
//!   trigger only; emails change (a visitor leaves one), so users have all three.
//! - PostgreSQL: GIN indexes on a `tsvector` of the same text with punctuation turned into
//!   spaces (`domain::chat_search` queries these exact expressions, or the planner would
//!   not use the indexes).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The statements that create the search structures of each backend, in order.
fn up_statements(backend: sea_orm::DatabaseBackend) -> Vec<&'static str> {
    match backend {
        sea_orm::DatabaseBackend::Postgres => vec![
            "CREATE INDEX idx_support_messages_search ON support_messages USING GIN \
             (to_tsvector('simple', regexp_replace(content, '[[:punct:][:space:]]+', ' ', 'g')))",
            "CREATE INDEX idx_users_email_search ON users USING GIN \
             (to_tsvector('simple', regexp_replace(coalesce(email, ''), '[[:punct:][:space:]]+', ' ', 'g')))",
        ],
        _ => vec![
            "CREATE VIRTUAL TABLE support_messages_fts USING fts5(content, message_id UNINDEXED, \
             tokenize = 'unicode61 remove_diacritics 0')",
            "INSERT INTO support_messages_fts (content, message_id) \
             SELECT content, id FROM support_messages",
            "CREATE TRIGGER support_messages_fts_insert AFTER INSERT ON support_messages BEGIN \
               INSERT INTO support_messages_fts (content, message_id) VALUES (new.content, new.id); \
             END",
            "CREATE VIRTUAL TABLE users_fts USING fts5(email, user_id UNINDEXED, \
             tokenize = 'unicode61 remove_diacritics 0')",
            "INSERT INTO users_fts (email, user_id) SELECT email, id FROM users WHERE email IS NOT NULL",
            "CREATE TRIGGER users_fts_insert AFTER INSERT ON users WHEN new.email IS NOT NULL BEGIN \
               INSERT INTO users_fts (email, user_id) VALUES (new.email, new.id); \
             END",
            "CREATE TRIGGER users_fts_update AFTER UPDATE OF email ON users BEGIN \
               DELETE FROM users_fts WHERE user_id = old.id; \
               INSERT INTO users_fts (email, user_id) SELECT new.email, new.id WHERE new.email IS NOT NULL; \
             END",
            "CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN \
               DELETE FROM users_fts WHERE user_id = old.id; \
             END",
        ],
    }
}

/// The statements that undo [`up_statements`].
fn down_statements(backend: sea_orm::DatabaseBackend) -> Vec<&'static str> {
    match backend {
        sea_orm::DatabaseBackend::Postgres => vec![
            "DROP INDEX idx_support_messages_search",
            "DROP INDEX idx_users_email_search",
        ],
        _ => vec![
            "DROP TRIGGER support_messages_fts_insert",
            "DROP TABLE support_messages_fts",
            "DROP TRIGGER users_fts_insert",
            "DROP TRIGGER users_fts_update",
            "DROP TRIGGER users_fts_delete",
            "DROP TABLE users_fts",
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
