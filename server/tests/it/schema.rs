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
    // Lower-cased keys: unbounded text on PostgreSQL (migration 20); SQLite keeps the declared
    // length, which it does not enforce.
    let key = match test_db.backend() {
        DatabaseBackend::Sqlite => short,
        _ => text,
    };
    // 64-bit integers: SQLite's INTEGER is 64-bit.
    let bigint = match test_db.backend() {
        DatabaseBackend::Sqlite => "integer",
        _ => "bigint",
    };

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
            ("unsubscribed_at", false, ts),
            ("unsubscribe_token", false, short),
            ("email_verified", true, "boolean"),
            ("staff_role", false, short),
            ("deactivated_at", false, ts),
            ("last_seen_at", false, ts),
        ],
    );
    assert_columns(
        &columns(&db, "chat_activity").await,
        &[
            ("id", true, uuid),
            ("chat_id", true, uuid),
            ("kind", true, short),
            ("actor_id", false, uuid),
            ("assignee_id", false, uuid),
            ("snoozed_until", false, ts),
            ("created_at", true, ts),
            ("label_id", false, uuid),
        ],
    );
    assert_columns(
        &columns(&db, "labels").await,
        &[
            ("id", true, uuid),
            ("name", true, short),
            ("name_key", true, key),
            ("color", true, short),
            ("created_at", true, ts),
            ("updated_at", true, ts),
        ],
    );
    assert_columns(
        &columns(&db, "chat_labels").await,
        &[
            ("chat_id", true, uuid),
            ("label_id", true, uuid),
            ("last_message_at", false, ts),
            ("created_at", true, ts),
        ],
    );
    assert_columns(
        &columns(&db, "saved_replies").await,
        &[
            ("id", true, uuid),
            ("title", true, short),
            ("shortcut", true, short),
            ("shortcut_key", true, key),
            ("body", true, text),
            ("created_at", true, ts),
            ("updated_at", true, ts),
        ],
    );
    assert_columns(
        &columns(&db, "chat_notes").await,
        &[
            ("id", true, uuid),
            ("chat_id", true, uuid),
            ("author_id", true, uuid),
            ("client_id", false, uuid),
            ("content", true, text),
            ("created_at", true, ts),
        ],
    );
    assert_columns(
        &columns(&db, "note_mentions").await,
        &[
            ("id", true, uuid),
            ("note_id", true, uuid),
            ("chat_id", true, uuid),
            ("user_id", true, uuid),
            ("seen_at", false, ts),
            ("created_at", true, ts),
            ("email_run_at", false, ts),
            ("email_attempts", true, "integer"),
            ("emailed_at", false, ts),
            ("email_error", false, text),
        ],
    );
    assert_columns(
        &columns(&db, "staff_invitations").await,
        &[
            ("id", true, uuid),
            ("email", true, short),
            ("name", false, short),
            ("staff_role", true, short),
            ("token_hash", true, short),
            ("token", false, short),
            ("invited_by", false, uuid),
            ("expires_at", true, ts),
            ("accepted_at", false, ts),
            ("revoked_at", false, ts),
            ("email_sent_at", false, ts),
            ("run_at", true, ts),
            ("attempts", true, "integer"),
            ("last_error", false, text),
            ("created_at", true, ts),
        ],
    );
    assert_columns(
        &columns(&db, "notification_jobs").await,
        &[
            ("id", true, uuid),
            ("chat_id", true, uuid),
            ("first_message_id", true, uuid),
            ("run_at", true, ts),
            ("attempts", true, "integer"),
            ("status", true, short),
            ("last_error", false, text),
            ("sent_at", false, ts),
            ("skipped_reason", false, short),
            ("created_at", true, ts),
            ("updated_at", true, ts),
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
            ("last_seq", true, bigint),
            ("message_count", true, bigint),
            ("last_message_preview", false, text),
            ("last_message_sender", false, short),
            ("last_user_message_at", false, ts),
            ("assignee_id", false, uuid),
            ("snoozed_until", false, ts),
        ],
    );
    let mut message_columns = vec![
        ("id", true, uuid),
        ("chat_id", true, uuid),
        ("content", true, text),
        ("sender_type", true, short),
        ("read_at", false, ts),
        ("created_at", true, ts),
        ("updated_at", true, ts),
        ("seq", true, bigint),
        ("client_id", false, uuid),
        ("author_id", false, uuid),
    ];
    // PostgreSQL stores each message's words for search (migration 22); SQLite's FTS5 table
    // holds them instead.
    if test_db.backend() == DatabaseBackend::Postgres {
        message_columns.push(("search_text", false, "tsvector"));
    }
    assert_columns(&columns(&db, "support_messages").await, &message_columns);
    assert_columns(
        &columns(&db, "attachments").await,
        &[
            ("id", true, uuid),
            ("chat_id", false, uuid),
            ("message_id", false, uuid),
            ("uploader_id", true, uuid),
            ("name", true, text),
            ("size", true, bigint),
            ("content_type", true, text),
            ("width", false, "integer"),
            ("height", false, "integer"),
            ("has_thumbnail", true, "boolean"),
            ("created_at", true, ts),
        ],
    );
    assert_columns(
        &columns(&db, "secrets").await,
        &[
            ("name", true, short),
            ("value", true, text),
            ("created_at", true, ts),
        ],
    );
}

#[tokio::test]
async fn the_specified_indexes_exist() {
    let (test_db, db) = TestDb::fresh().await;
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
        indexes(&db, "staff_invitations").await,
        BTreeMap::from([
            (
                "idx_staff_invitations_token_hash".to_owned(),
                idx(true, &["token_hash"])
            ),
            (
                "idx_staff_invitations_email".to_owned(),
                idx(false, &["email"])
            ),
            (
                "idx_staff_invitations_email_sent_at_run_at".to_owned(),
                idx(false, &["email_sent_at", "run_at"])
            ),
        ])
    );
    assert_eq!(
        indexes(&db, "attachments").await,
        BTreeMap::from([
            (
                "idx_attachments_message_id".to_owned(),
                idx(false, &["message_id"])
            ),
            (
                "idx_attachments_chat_id_id".to_owned(),
                idx(false, &["chat_id", "id"])
            ),
            (
                "idx_attachments_uploader_id".to_owned(),
                idx(false, &["uploader_id"])
            ),
            (
                "idx_attachments_created_at".to_owned(),
                idx(false, &["created_at"])
            ),
        ])
    );
    assert_eq!(
        indexes(&db, "saved_replies").await,
        BTreeMap::from([(
            "idx_saved_replies_shortcut_key".to_owned(),
            idx(true, &["shortcut_key"])
        )])
    );
    assert_eq!(
        indexes(&db, "labels").await,
        BTreeMap::from([("idx_labels_name_key".to_owned(), idx(true, &["name_key"]))])
    );
    assert_eq!(
        indexes(&db, "chat_labels")
            .await
            .get("idx_chat_labels_label_order"),
        Some(&idx(false, &["label_id", "last_message_at", "chat_id"]))
    );
    assert_eq!(
        indexes(&db, "chat_notes").await,
        BTreeMap::from([
            (
                "idx_chat_notes_chat_id".to_owned(),
                idx(false, &["chat_id", "id"])
            ),
            (
                "idx_chat_notes_chat_id_client_id".to_owned(),
                idx(true, &["chat_id", "client_id"])
            ),
        ])
    );
    assert_eq!(
        indexes(&db, "note_mentions").await,
        BTreeMap::from([
            (
                "idx_note_mentions_email_run_at".to_owned(),
                idx(false, &["email_run_at"])
            ),
            (
                "idx_note_mentions_note_id_user_id".to_owned(),
                idx(true, &["note_id", "user_id"])
            ),
            (
                "idx_note_mentions_user_id".to_owned(),
                idx(false, &["user_id", "id"])
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
    let mut chat_indexes = BTreeMap::from([
        (
            "idx_support_chats_archived_at".to_owned(),
            idx(false, &["archived_at"]),
        ),
        (
            "idx_support_chats_last_message_at".to_owned(),
            idx(false, &["last_message_at"]),
        ),
        (
            "idx_support_chats_user_id".to_owned(),
            idx(true, &["user_id"]),
        ),
    ]);
    // The list's order, as each backend's planner uses it (migration 8).
    match test_db.backend() {
        DatabaseBackend::Postgres => {
            for tab in ["active", "archived"] {
                chat_indexes.insert(
                    format!("idx_support_chats_{tab}_order"),
                    idx(false, &["last_message_at", "id"]),
                );
            }
        }
        _ => {
            chat_indexes.insert(
                "idx_support_chats_list_order".to_owned(),
                idx(false, &["archived_at", "last_message_at", "id"]),
            );
        }
    }
    // The inbox views (migration 13): PostgreSQL one partial index per view, SQLite one led by
    // the owner; both a partial index of snoozed chats by wake-up time.
    match test_db.backend() {
        DatabaseBackend::Postgres => {
            for (view, columns) in [
                ("open", &["last_message_at", "id"][..]),
                ("mine", &["assignee_id", "last_message_at", "id"][..]),
                ("unassigned", &["last_message_at", "id"][..]),
            ] {
                chat_indexes.insert(
                    format!("idx_support_chats_{view}_order"),
                    idx(false, columns),
                );
            }
        }
        _ => {
            chat_indexes.insert(
                "idx_support_chats_assignee_order".to_owned(),
                idx(
                    false,
                    &["assignee_id", "archived_at", "last_message_at", "id"],
                ),
            );
        }
    }
    chat_indexes.insert(
        "idx_support_chats_snoozed_until".to_owned(),
        idx(false, &["snoozed_until"]),
    );
    // The unread count's partial index (migration 10).
    chat_indexes.insert("idx_support_chats_unread".to_owned(), idx(false, &["id"]));
    assert_eq!(indexes(&db, "support_chats").await, chat_indexes);
    let mut message_indexes = BTreeMap::from([
        (
            "idx_support_messages_chat_id".to_owned(),
            idx(false, &["chat_id"]),
        ),
        (
            "idx_support_messages_chat_id_created_at".to_owned(),
            idx(false, &["chat_id", "created_at"]),
        ),
        (
            "idx_support_messages_chat_id_seq".to_owned(),
            idx(true, &["chat_id", "seq"]),
        ),
        (
            "idx_support_messages_chat_id_client_id".to_owned(),
            idx(true, &["chat_id", "client_id"]),
        ),
    ]);
    // The stored words' GIN index (migration 22).
    if test_db.backend() == DatabaseBackend::Postgres {
        message_indexes.insert(
            "idx_support_messages_search_text".to_owned(),
            idx(false, &["search_text"]),
        );
    }
    assert_eq!(indexes(&db, "support_messages").await, message_indexes);
}

/// The full-text search structures of migrations 9, 19, 21 and 22, by name: GIN expression indexes on
/// PostgreSQL (which `indexes` cannot list: they have no plain columns), FTS5 tables and
/// their triggers on SQLite.
#[tokio::test]
async fn the_search_indexes_exist() {
    let (test_db, db) = TestDb::fresh().await;
    let backend = db.get_database_backend();
    let (sql, expected): (&str, &[&str]) = match test_db.backend() {
        DatabaseBackend::Postgres => (
            "SELECT indexname AS name FROM pg_indexes \
             WHERE schemaname = current_schema() AND indexdef LIKE '%USING gin%' ORDER BY 1",
            &[
                "idx_attachments_name_search",
                "idx_chat_notes_search",
                "idx_support_messages_search_text",
                "idx_users_email_search",
            ],
        ),
        _ => (
            "SELECT name FROM sqlite_master WHERE (type = 'table' AND sql LIKE '%fts5%') \
               OR (type = 'trigger') ORDER BY 1",
            &[
                "attachments_fts_sent",
                "chat_notes_fts",
                "chat_notes_fts_delete",
                "chat_notes_fts_insert",
                "chat_notes_fts_vocab",
                "support_messages_fts",
                "support_messages_fts_insert",
                "support_messages_fts_vocab",
                "users_fts",
                "users_fts_delete",
                "users_fts_insert",
                "users_fts_update",
                "users_fts_vocab",
            ],
        ),
    };
    let names: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("read the schema")
        .iter()
        .map(|row| row.try_get("", "name").expect("name"))
        .collect();
    assert_eq!(names, expected);
}

#[tokio::test]
async fn migrations_roll_back_completely_and_reapply() {
    let (test_db, db) = TestDb::fresh().await;
    Migrator::down(&db, None).await.expect("down");
    assert!(columns(&db, "support_messages").await.is_empty());
    assert!(columns(&db, "notification_jobs").await.is_empty());
    assert!(columns(&db, "users").await.is_empty());
    assert!(columns(&db, "chat_activity").await.is_empty());
    assert!(columns(&db, "staff_invitations").await.is_empty());
    assert!(columns(&db, "chat_notes").await.is_empty());
    assert!(columns(&db, "note_mentions").await.is_empty());
    assert!(columns(&db, "labels").await.is_empty());
    assert!(columns(&db, "saved_replies").await.is_empty());
    assert!(columns(&db, "attachments").await.is_empty());
    assert!(columns(&db, "secrets").await.is_empty());

    Migrator::up(&db, None).await.expect("up again");
    let message_columns = match test_db.backend() {
        DatabaseBackend::Postgres => 11,
        _ => 10,
    };
    assert_eq!(
        columns(&db, "support_messages").await.len(),
        message_columns
    );
    assert_eq!(columns(&db, "users").await.len(), 14);
    assert_eq!(columns(&db, "chat_activity").await.len(), 8);
    assert_eq!(columns(&db, "chat_notes").await.len(), 6);
    assert_eq!(columns(&db, "notification_jobs").await.len(), 11);
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

/// Messages written before `seq` existed are numbered 1, 2, 3, … per chat in their
/// (created_at, id) order, and each chat's `last_seq` is its newest.
#[tokio::test]
async fn existing_messages_get_their_sequence_numbers() {
    let test_db = TestDb::new().await;
    let db = server::database::connect(&test_db.url)
        .await
        .expect("connect");
    Migrator::up(&db, Some(5))
        .await
        .expect("up to the migration before seq");
    let backend = db.get_database_backend();
    let p = |n: usize| match backend {
        DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let at =
        |seconds: i64| chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("time");
    let user = uuid::Uuid::now_v7();
    let chat = uuid::Uuid::now_v7();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "INSERT INTO users (id, role, created_at, updated_at) VALUES ({}, 'user', {}, {})",
            p(1),
            p(2),
            p(3)
        ),
        [user.into(), at(0).into(), at(0).into()],
    ))
    .await
    .expect("user");
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("INSERT INTO support_chats (id, user_id, created_at, updated_at) VALUES ({}, {}, {}, {})", p(1), p(2), p(3), p(4)),
        [chat.into(), user.into(), at(0).into(), at(0).into()],
    ))
    .await
    .expect("chat");
    // Written out of order: the numbering follows created_at, not insertion.
    for (content, seconds) in [("second", 20), ("first", 10), ("third", 30)] {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO support_messages (id, chat_id, content, sender_type, created_at, updated_at) \
                 VALUES ({}, {}, {}, 'user', {}, {})",
                p(1), p(2), p(3), p(4), p(5)
            ),
            [uuid::Uuid::now_v7().into(), chat.into(), content.into(), at(seconds).into(), at(seconds).into()],
        ))
        .await
        .expect("message");
    }
    Migrator::up(&db, None).await.expect("the seq migration");

    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT content, seq FROM support_messages ORDER BY seq",
        ))
        .await
        .expect("read back");
    let numbered: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "content").expect("content"),
                r.try_get("", "seq").expect("seq"),
            )
        })
        .collect();
    assert_eq!(
        numbered,
        [
            ("first".to_owned(), 1),
            ("second".to_owned(), 2),
            ("third".to_owned(), 3)
        ]
    );
    let last = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT last_seq FROM support_chats",
        ))
        .await
        .expect("read chat")
        .expect("a chat");
    assert_eq!(last.try_get::<i64>("", "last_seq").expect("last_seq"), 3);

    // The list's figures are filled in from the history (migration 8).
    let figures = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT message_count, last_message_preview, last_message_sender, \
             last_user_message_at FROM support_chats",
        ))
        .await
        .expect("read figures")
        .expect("a chat");
    assert_eq!(
        figures.try_get::<i64>("", "message_count").expect("count"),
        3
    );
    assert_eq!(
        figures
            .try_get::<String>("", "last_message_preview")
            .expect("preview"),
        "third"
    );
    assert_eq!(
        figures
            .try_get::<String>("", "last_message_sender")
            .expect("sender"),
        "user"
    );
    assert_eq!(
        figures
            .try_get::<chrono::DateTime<chrono::Utc>>("", "last_user_message_at")
            .expect("last user message"),
        at(30)
    );
}
