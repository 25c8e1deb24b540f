//! Confab's database schema, as an ordered list of SeaORM migrations.
//!
//! The server applies pending migrations at start-up (`Migrator::up`); `confab migrate` and this
//! crate's own binary expose the rest (down, status, fresh). This crate never depends on `app`:
//! migrations describe tables with their own identifiers so that old migrations keep compiling
//! however the entities evolve.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_users;
mod m20261122_000002_create_support_chats;
mod m20261122_000003_create_support_messages;
mod m20261122_000004_create_sessions;
mod m20261122_000005_add_users_external_id;
mod m20261201_000006_add_message_seq;
mod m20261201_000007_create_notification_jobs;
mod m20261201_000008_add_chat_list_figures;
mod m20261201_000009_add_chat_search;
mod m20261201_000010_add_unread_chats_index;
mod m20261203_000011_create_limit_tables;
mod m20261203_000012_add_users_email_verified;
mod m20261203_000013_add_team_inbox;
mod m20261203_000014_create_staff_invitations;
mod m20261204_000015_create_chat_notes;
mod m20261204_000016_create_labels;
mod m20261204_000017_create_saved_replies;
mod m20261204_000018_add_mention_emails;
mod m20261204_000019_add_note_search;
mod m20261204_000020_widen_lowercase_keys;
mod m20261204_000021_create_attachments;
mod m20261204_000022_add_search_for_any_query;

/// Creates each of `indexes`, in order.
async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: impl IntoIterator<Item = IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// A named index on `table` over `columns`, in order.
fn index<T, C>(name: &str, table: T, columns: impl IntoIterator<Item = C>) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIndexColumn,
{
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index
}

/// Every migration of the schema, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_users::Migration),
            Box::new(m20261122_000002_create_support_chats::Migration),
            Box::new(m20261122_000003_create_support_messages::Migration),
            Box::new(m20261122_000004_create_sessions::Migration),
            Box::new(m20261122_000005_add_users_external_id::Migration),
            Box::new(m20261201_000006_add_message_seq::Migration),
            Box::new(m20261201_000007_create_notification_jobs::Migration),
            Box::new(m20261201_000008_add_chat_list_figures::Migration),
            Box::new(m20261201_000009_add_chat_search::Migration),
            Box::new(m20261201_000010_add_unread_chats_index::Migration),
            Box::new(m20261203_000011_create_limit_tables::Migration),
            Box::new(m20261203_000012_add_users_email_verified::Migration),
            Box::new(m20261203_000013_add_team_inbox::Migration),
            Box::new(m20261203_000014_create_staff_invitations::Migration),
            Box::new(m20261204_000015_create_chat_notes::Migration),
            Box::new(m20261204_000016_create_labels::Migration),
            Box::new(m20261204_000017_create_saved_replies::Migration),
            Box::new(m20261204_000018_add_mention_emails::Migration),
            Box::new(m20261204_000019_add_note_search::Migration),
            Box::new(m20261204_000020_widen_lowercase_keys::Migration),
            Box::new(m20261204_000021_create_attachments::Migration),
            Box::new(m20261204_000022_add_search_for_any_query::Migration),
        ]
    }
}
