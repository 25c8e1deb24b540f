//! The lower-cased keys that keep label names and saved-reply shortcuts unique whatever their
//! case (`labels.name_key`, `saved_replies.shortcut_key`) become unbounded text: lower-casing
//! can lengthen a name (`İ` becomes two characters), so a key could outgrow its name's
//! bound. SQLite does not enforce declared lengths; PostgreSQL does, and changes the type.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(table, column, its type before)`.
const KEYS: [(&str, &str, &str); 2] = [
    ("labels", "name_key", "varchar(50)"),
    ("saved_replies", "shortcut_key", "varchar(32)"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        for (table, column, _) in KEYS {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE {table} ALTER COLUMN {column} TYPE text"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        for (table, column, before) in KEYS {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE {table} ALTER COLUMN {column} TYPE {before}"
                ))
                .await?;
        }
        Ok(())
    }
}
