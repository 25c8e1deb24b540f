//! The schema read back from the database itself: every column of the spec's tables and all its
//! indexes, on whichever backend this run uses.

use std::collections::BTreeMap;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::support::TestDb;

#[derive(Debug, PartialEq, Eq)]
struct Column {
    name: String,
    not_null: bool,
    sql_type: String,
}

async fn columns(db: &DatabaseConnection, table: &str) -> Vec<Column> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Sqlite => {
            r#"SELECT name, "notnull" <> 0 AS not_null, type AS sql_type
               FROM pragma_table_info(?) ORDER BY cid"#
        }
        _ => {
            r#"SELECT column_name::text AS name, is_nullable = 'NO' AS not_null,
                      data_type::text || COALESCE('(' || datetime_precision || ')', '') AS sql_type
               FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = $1
               ORDER BY ordinal_position"#
        }
    };
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, [table.into()]))
        .await
        .expect("read columns")
        .into_iter()
        .map(|row| Column {
            name: row.try_get("", "name").expect("name"),
            not_null: row.try_get("", "not_null").expect("not_null"),
            sql_type: row.try_get("", "sql_type").expect("sql_type"),
        })
        .collect()
}

/// Named indexes of a table: name -> (unique, columns in order). Primary-key indexes are left
/// out: the backends name them differently and the columns test already covers keys.
async fn indexes(db: &DatabaseConnection, table: &str) -> BTreeMap<String, (bool, Vec<String>)> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Sqlite => {
            r#"SELECT il.name AS name, il."unique" <> 0 AS is_unique, ii.name AS col
               FROM pragma_index_list(?) il JOIN pragma_index_info(il.name) ii
               WHERE il.origin <> 'pk'
               ORDER BY il.name, ii.seqno"#
        }
        _ => {
            r#"SELECT i.relname::text AS name, ix.indisunique AS is_unique, a.attname::text AS col
               FROM pg_index ix
               JOIN pg_class t ON t.oid = ix.indrelid
               JOIN pg_class i ON i.oid = ix.indexrelid
               JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) ON true
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
               WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
                 AND NOT ix.indisprimary
               ORDER BY i.relname, k.ord"#
        }
    };
    let mut found: BTreeMap<String, (bool, Vec<String>)> = BTreeMap::new();
    for row in db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [table.into()]))
        .await
        .expect("read indexes")
    {
        let name: String = row.try_get("", "name").expect("name");
        let unique: bool = row.try_get("", "is_unique").expect("is_unique");
        let col: String = row.try_get("", "col").expect("col");
        found
            .entry(name)
            .or_insert((unique, Vec::new()))
            .1
            .push(col);
    }
    found
}

/// Expected column types, per backend: UUID ids and microsecond, time-zone aware timestamps.
fn types(backend: DatabaseBackend) -> (&'static str, &'static str, &'static str, &'static str) {
    match backend {
        // (uuid, timestamp, short string, text)
        DatabaseBackend::Sqlite => (
            "uuid_text",
            "timestamp_with_timezone_text",
            "varchar(",
            "text",
        ),
        _ => (
            "uuid",
            "timestamp with time zone(6)",
            "character varying",
            "text",
        ),
    }
}

fn assert_columns(actual: &[Column], expected: &[(&str, bool, &str)]) {
    let names: Vec<&str> = actual.iter().map(|c| c.name.as_str()).collect();
    let expected_names: Vec<&str> = expected.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(names, expected_names);
    for (column, (name, not_null, sql_type)) in actual.iter().zip(expected) {
        assert_eq!(column.not_null, *not_null, "nullability of {name}");
        assert!(
            column.sql_type.to_lowercase().starts_with(sql_type),
            "type of {name}: {} does not start with {sql_type}",
            column.sql_type
        );
    }
}

#[tokio::test]
async fn tables_have_every_specified_column_with_its_type() {
    let (test_db, db) = TestDb::fresh().await;
    let (uuid, ts, short, text) = types(test_db.backend());

    assert_columns(
        &columns(&db, "users").await,
        &[
            ("id", true, uuid),
            ("email", false, short),
            ("name", false, short),
            ("role", true, short),
            ("password_hash", false, text),
            ("created_at", true, ts),
            ("updated_at", true, ts),
            ("external_id", false, short),
        ],
    );
    assert_columns(
        &columns(&db, "sessions").await,
        &[
            ("id", true, uuid),
            ("user_id", true, uuid),
            ("token_hash", true, short),
            ("kind", true, short),
            ("created_at", true, ts),
            ("expires_at", true, ts),
        ],
    );
    assert_columns(
        &columns(&db, "support_chats").await,
        &[
            ("id", true, uuid),
            ("user_id", true, uuid),
            ("last_message_at", false, ts),
            ("admin_viewed_at", false, ts),
            ("archived_at", false, ts),
            ("created_at", true, ts),
            ("updated_at", true, ts),
        ],
    );
    assert_columns(
        &columns(&db, "support_messages").await,
        &[
            ("id", true, uuid),
            ("chat_id", true, uuid),
            ("content", true, text),
            ("sender_type", true, short),
            ("read_at", false, ts),
            ("created_at", true, ts),
            ("updated_at", true, ts),
        ],
    );
}

#[tokio::test]
async fn the_specified_indexes_exist() {
    let (_test_db, db) = TestDb::fresh().await;
    let idx = |unique: bool, cols: &[&str]| (unique, cols.iter().map(|c| c.to_string()).collect());

    assert_eq!(
        indexes(&db, "users").await,
        BTreeMap::from([
            ("idx_users_email".to_owned(), idx(true, &["email"])),
            (
                "idx_users_external_id".to_owned(),
                idx(true, &["external_id"])
            ),
        ])
    );
    assert_eq!(
        indexes(&db, "sessions").await,
        BTreeMap::from([
            (
                "idx_sessions_token_hash".to_owned(),
                idx(true, &["token_hash"])
            ),
            ("idx_sessions_user_id".to_owned(), idx(false, &["user_id"])),
        ])
    );
    assert_eq!(
        indexes(&db, "support_chats").await,
        BTreeMap::from([
            (
                "idx_support_chats_archived_at".to_owned(),
                idx(false, &["archived_at"])
            ),
            (
                "idx_support_chats_last_message_at".to_owned(),
                idx(false, &["last_message_at"])
            ),
            (
                "idx_support_chats_user_id".to_owned(),
                idx(true, &["user_id"])
            ),
        ])
    );
    assert_eq!(
        indexes(&db, "support_messages").await,
        BTreeMap::from([
            (
                "idx_support_messages_chat_id".to_owned(),
                idx(false, &["chat_id"])
            ),
            (
                "idx_support_messages_chat_id_created_at".to_owned(),
                idx(false, &["chat_id", "created_at"])
            ),
        ])
    );
}

#[tokio::test]
async fn migrations_roll_back_completely_and_reapply() {
    let (_test_db, db) = TestDb::fresh().await;
    Migrator::down(&db, None).await.expect("down");
    assert!(columns(&db, "support_messages").await.is_empty());
    assert!(columns(&db, "users").await.is_empty());

    Migrator::up(&db, None).await.expect("up again");
    assert_eq!(columns(&db, "support_messages").await.len(), 7);
    assert_eq!(columns(&db, "users").await.len(), 8);
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .expect("pending")
            .is_empty()
    );
}

/// On PostgreSQL every test gets a database of its own; it is dropped when the test is done,
/// so runs against a developer's own server leave nothing behind.
#[tokio::test]
async fn test_databases_are_dropped_when_the_test_ends() {
    let Ok(server) = std::env::var("DATABASE_URL") else {
        return;
    };
    if !server.starts_with("postgres") {
        return;
    }
    let (test_db, db) = TestDb::fresh().await;
    let name = test_db
        .url
        .rsplit('/')
        .next()
        .expect("database name")
        .to_owned();
    db.close().await.expect("close");
    drop(test_db);
    let admin = sea_orm::Database::connect(&server).await.expect("connect");
    let left = admin
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            format!("SELECT 1 AS present FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("query pg_database");
    assert!(left.is_none(), "{name} still exists");
}
