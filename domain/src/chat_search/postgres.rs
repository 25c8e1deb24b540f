//! Search on PostgreSQL: `tsvector`s of the same words as SQLite's FTS5 reads, behind GIN
//! indexes: a stored column on messages (migration 22), expression indexes on notes, file
//! names and emails (migrations 19, 21 and 9), which are few beside messages.
//!
//! The newest [`MAX_MATCHES`] messages holding the words are found one of two ways, each fast
//! where the other is slow: walking back through the newest messages testing each one's
//! stored `tsvector` (fast for common words: the first few thousand hold enough), or reading
//! every message holding the words through the GIN index and keeping the newest (fast for
//! rare ones). Left to itself, the planner picks one by its estimate of how common the words
//! are, which fails for a prefix (`refu:*`: none), for two common words seldom together
//! (taken as independent), and for a plan prepared once for every query; the slow way is
//! then hundreds of milliseconds at a million messages. So every search first walks the
//! newest [`WALK_ROWS`] messages itself, which finds words in one message in a hundred or
//! more, and reads the index only when the walk found fewer than [`MAX_MATCHES`]: the words
//! are then rare, so there are few matches to read. (Before the stored column, a word in nine
//! messages in ten read 900,000 rows through the index, 225 ms; the walk had to compute each
//! message's `tsvector`.)

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value};
use uuid::Uuid;

use wire::{error::AppError, model::cut_chars};

use super::{Found, MAX_MATCHES, SNIPPET_CHARS, SearchTerms, Snippet};

/// How many of the newest messages the walk reads.
const WALK_ROWS: u32 = 100 * MAX_MATCHES;

/// The text of a note, as its index (migration 19) declares it.
const NOTE_TEXT: &str =
    "to_tsvector('simple', regexp_replace(content, '[[:punct:][:space:]]+', ' ', 'g'))";
/// A file's name, as its index (migration 21) declares it.
const FILE_NAME_TEXT: &str =
    "to_tsvector('simple', regexp_replace(name, '[[:punct:][:space:]]+', ' ', 'g'))";
/// An email, as its index (migration 9) declares it.
const EMAIL_TEXT: &str =
    "to_tsvector('simple', regexp_replace(coalesce(email, ''), '[[:punct:][:space:]]+', ' ', 'g'))";

/// `terms` in `to_tsquery` syntax: `word & word:*`.
pub(super) fn tsquery(terms: &SearchTerms) -> String {
    let parts: Vec<String> = terms
        .words
        .iter()
        .map(|w| format!("{}{}", w.text, if w.prefix { ":*" } else { "" }))
        .collect();
    parts.join(" & ")
}

/// The chats the words find: see [`super::find`].
pub(super) async fn find(db: &DatabaseConnection, terms: &SearchTerms) -> Result<Found, AppError> {
    let backend = DatabaseBackend::Postgres;
    let query = tsquery(terms);
    let mut found = Found::default();
    let walk = Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT chat_id FROM (SELECT chat_id, search_text FROM support_messages \
               ORDER BY id DESC LIMIT {WALK_ROWS}) AS newest \
             WHERE search_text @@ to_tsquery('simple', $1) LIMIT {MAX_MATCHES}"
        ),
        [query.clone().into()],
    );
    let walked = db.query_all_raw(walk).await?;
    for row in &walked {
        found.add(row.try_get("", "chat_id")?);
    }
    // Rare words: every message holding them, through the index, newest kept. Ordering by
    // `created_at` (no index leads with it) keeps the planner on the GIN index.
    let messages = if walked.len() < MAX_MATCHES as usize {
        format!(
            "SELECT chat_id FROM (SELECT chat_id FROM support_messages \
               WHERE search_text @@ to_tsquery('simple', $1) \
               ORDER BY created_at DESC, id DESC LIMIT {MAX_MATCHES}) AS newest_matches UNION "
        )
    } else {
        String::new()
    };
    let rest = Statement::from_sql_and_values(
        backend,
        format!(
            "{messages}SELECT chat_id FROM (SELECT chat_id FROM chat_notes \
               WHERE {NOTE_TEXT} @@ to_tsquery('simple', $1) \
               ORDER BY created_at DESC, id DESC LIMIT {MAX_MATCHES}) AS newest_notes \
             UNION SELECT chat_id FROM (SELECT chat_id FROM attachments \
               WHERE message_id IS NOT NULL AND chat_id IS NOT NULL \
               AND {FILE_NAME_TEXT} @@ to_tsquery('simple', $1) \
               ORDER BY created_at DESC, id DESC LIMIT {MAX_MATCHES}) AS newest_files \
             UNION SELECT chat_id FROM (SELECT c.id AS chat_id FROM users u \
               JOIN support_chats c ON c.user_id = u.id \
               WHERE {EMAIL_TEXT} @@ to_tsquery('simple', $1) LIMIT {MAX_MATCHES}) AS by_email"
        ),
        [query.into()],
    );
    for row in db.query_all_raw(rest).await? {
        let chat_id: Uuid = row.try_get("", "chat_id")?;
        found.add(chat_id);
    }
    Ok(found)
}

/// Snippets for a page of found chats: see [`super::snippets`]. Each chat's newest matching
/// message, else file name, else note, through the chat's own index.
pub(super) async fn snippets(
    db: &DatabaseConnection,
    terms: &SearchTerms,
    chat_ids: &[Uuid],
) -> Result<HashMap<Uuid, Snippet>, AppError> {
    let query = tsquery(terms);
    let mut snippets = HashMap::new();
    for (table, text, indexed, sent, order, in_note) in [
        (
            "support_messages",
            "content",
            "search_text",
            "",
            "seq",
            false,
        ),
        (
            "attachments",
            "name",
            FILE_NAME_TEXT,
            "AND message_id IS NOT NULL",
            "id",
            false,
        ),
        ("chat_notes", "content", NOTE_TEXT, "", "id", true),
    ] {
        let missing: Vec<Uuid> = chat_ids
            .iter()
            .filter(|id| !snippets.contains_key(*id))
            .copied()
            .collect();
        if missing.is_empty() {
            break;
        }
        let mut values: Vec<Value> = vec![query.clone().into()];
        values.extend(missing.iter().map(|id| Value::from(*id)));
        let ids = (2..missing.len() + 2)
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        // The page's chats' rows, by the chat index: each chat's newest match. Files count
        // once sent.
        let sql = format!(
            "SELECT DISTINCT ON (chat_id) chat_id, ts_headline('simple', {text}, \
               to_tsquery('simple', $1), 'StartSel=\"\", StopSel=\"\", MaxWords=18, MinWords=8, \
               ShortWord=1, FragmentDelimiter=\" … \"') AS snippet \
             FROM {table} WHERE chat_id IN ({ids}) {sent} \
               AND {indexed} @@ to_tsquery('simple', $1) \
             ORDER BY chat_id, {order} DESC"
        );
        for row in db
            .query_all_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                sql,
                values,
            ))
            .await?
        {
            let chat_id: Uuid = row.try_get("", "chat_id")?;
            let snippet: String = row.try_get("", "snippet")?;
            snippets.insert(
                chat_id,
                Snippet {
                    text: cut_chars(snippet.trim(), SNIPPET_CHARS),
                    in_note,
                },
            );
        }
    }
    Ok(snippets)
}
