//! Search fast for any query (see `domain::chat_search`).
//!
//! - SQLite: an `fts5vocab` table over each FTS5 table (`…_fts_vocab`: one row per word, with
//!   the number of rows holding it), through which a prefix becomes the words it starts. They
//!   store nothing: they read the FTS5 tables' own indexes.
//! - PostgreSQL: messages get a stored `search_text` (the `tsvector` migration 9 indexed as an
//!   expression), so that walking the newest messages tests each one without computing it;
//!   its GIN index replaces the expression index. Adding the column rewrites the table, once:
//!   about 32 s per million messages on 2 cores (the column 29 s, its index 3 s), during which
//!   the table is locked.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The FTS5 tables that get a vocabulary.
const FTS_TABLES: [&str; 3] = ["support_messages_fts", "chat_notes_fts", "users_fts"];

/// The messages' words, as migration 9's expression index read them.
const MESSAGE_TEXT: &str =
    "to_tsvector('simple', regexp_replace(content, '[[:punct:][:space:]]+', ' ', 'g'))";

fn up_statements(backend: sea_orm::DatabaseBackend) -> Vec<String> {
    match backend {
        sea_orm::DatabaseBackend::Postgres => vec![
            format!(
                "ALTER TABLE support_messages ADD COLUMN search_text tsvector \
                 GENERATED ALWAYS AS ({MESSAGE_TEXT}) STORED"
            ),
            "CREATE INDEX idx_support_messages_search_text ON support_messages \
             USING GIN (search_text)"
                .to_owned(),
            "DROP INDEX idx_support_messages_search".to_owned(),
        ],
        _ => FTS_TABLES
            .iter()
            .map(|table| {
                format!("CREATE VIRTUAL TABLE {table}_vocab USING fts5vocab({table}, 'row')")
            })
            .collect(),
    }
}

fn down_statements(backend: sea_orm::DatabaseBackend) -> Vec<String> {
    match backend {
        sea_orm::DatabaseBackend::Postgres => vec![
            format!(
                "CREATE INDEX idx_support_messages_search ON support_messages \
                 USING GIN ({MESSAGE_TEXT})"
            ),
            "DROP INDEX idx_support_messages_search_text".to_owned(),
            "ALTER TABLE support_messages DROP COLUMN search_text".to_owned(),
        ],
        _ => FTS_TABLES
            .iter()
            .map(|table| format!("DROP TABLE {table}_vocab"))
            .collect(),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in up_statements(manager.get_database_backend()) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in down_statements(manager.get_database_backend()) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}
