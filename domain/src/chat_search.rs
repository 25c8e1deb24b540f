//! Searching the dashboard's chats by user email, message text, the names of files sent and
//! private notes (`?q=`), through the full-text indexes of migrations 9, 19 and 21: FTS5 on
//! SQLite (where a sent file's name is a row of the messages' table), `tsvector` + GIN on
//! PostgreSQL. Staff only: a chat found by a note says so (`match_in_note`).
//!
//! A query is cut into words the way both indexes cut text (runs of letters and digits); a
//! chat matches when its user's email or one of its messages holds every word (whole words; a
//! word typed with a trailing `*` as a prefix); for words in very many messages, one of their
//! newest [`MAX_MATCHES`]. Whole words by default because a prefix makes FTS5 merge the lists
//! of every word it starts, for the whole table, at each use. The words are rebuilt into each engine's query syntax
//! from letters and digits only, so nothing a user types is ever read as an operator.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value};
use uuid::Uuid;

use wire::{error::AppError, model::cut_chars};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of a query that count; the rest are ignored.
const MAX_WORDS: usize = 8;
/// Longest snippet of the matching message, in characters.
const SNIPPET_CHARS: usize = 120;

/// A search query, as words; each matches whole words, or words starting with it when it
/// ends in `*` (`refund*` finds "refunding").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchTerms {
    words: Vec<Word>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    text: String,
    prefix: bool,
}

impl SearchTerms {
    /// The words of `raw`; `None` when it is blank (no search). Text without a letter or a
    /// digit (punctuation, symbols, control characters) is a search that finds nothing.
    ///
    /// # Errors
    /// 422 when it is longer than [`MAX_QUERY_CHARS`].
    pub fn parse(raw: &str) -> Result<Option<Self>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::validation(format!(
                "q must be at most {MAX_QUERY_CHARS} characters"
            )));
        }
        let mut words = Vec::new();
        for chunk in raw.split_whitespace() {
            let runs: Vec<&str> = chunk
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let last = runs.len().saturating_sub(1);
            for (i, run) in runs.into_iter().enumerate() {
                words.push(Word {
                    text: run.to_lowercase(),
                    prefix: i == last && chunk.ends_with('*'),
                });
            }
        }
        words.truncate(MAX_WORDS);
        Ok(Some(Self { words }))
    }

    /// FTS5: `"word" "word"*` (quoted strings, implicitly AND-ed; `*` for a prefix).
    fn fts5(&self) -> String {
        let quoted: Vec<String> = self
            .words
            .iter()
            .map(|w| format!("\"{}\"{}", w.text, if w.prefix { "*" } else { "" }))
            .collect();
        quoted.join(" ")
    }

    /// PostgreSQL `to_tsquery`: `word & word:*`.
    fn tsquery(&self) -> String {
        let terms: Vec<String> = self
            .words
            .iter()
            .map(|w| format!("{}{}", w.text, if w.prefix { ":*" } else { "" }))
            .collect();
        terms.join(" & ")
    }

    /// The engine's query text for `backend`.
    fn for_backend(&self, backend: DatabaseBackend) -> String {
        match backend {
            DatabaseBackend::Postgres => self.tsquery(),
            _ => self.fts5(),
        }
    }
}

/// The text PostgreSQL indexes (migration 9 declares these same expressions).
const PG_MESSAGE_TEXT: &str =
    "to_tsvector('simple', regexp_replace(content, '[[:punct:][:space:]]+', ' ', 'g'))";
/// The same text of a note (migration 19).
const PG_NOTE_TEXT: &str = PG_MESSAGE_TEXT;
/// A file's name as PostgreSQL indexes it (migration 21).
const PG_FILE_NAME_TEXT: &str =
    "to_tsvector('simple', regexp_replace(name, '[[:punct:][:space:]]+', ' ', 'g'))";
const PG_EMAIL_TEXT: &str =
    "to_tsvector('simple', regexp_replace(coalesce(email, ''), '[[:punct:][:space:]]+', ' ', 'g'))";

/// How many of the newest messages holding the words are searched, and how many users whose
/// email holds them. A word in every other message (a greeting) would otherwise make every
/// search read most of the history; with the bound it finds the chats of its latest mentions,
/// and any rarer word is searched in full.
pub const MAX_MATCHES: u32 = 2_000;

/// What a search found.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// The chats, in no order.
    pub chats: Vec<Uuid>,
    /// SQLite: for each chat found by a message, the FTS row of its newest matching message
    /// (its snippet is cut from that row alone).
    newest_match: HashMap<Uuid, i64>,
    /// SQLite: the same for chats found by a note.
    newest_note_match: HashMap<Uuid, i64>,
}

/// Where a found chat's snippet comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// Around the words searched for.
    pub text: String,
    /// Whether it is a private note's (the chat matched by no message).
    pub in_note: bool,
}

/// The chats the words find: those of the [`MAX_MATCHES`] newest matching messages and of
/// (up to as many) users whose email matches. FTS5 reads the newest matches first without
/// sorting them all (it walks its index by rowid, in insertion order). PostgreSQL reads every
/// match through the GIN index and keeps the newest (a top-N sort): ordering by the primary
/// key instead would let its planner walk that key backwards computing each message's
/// `tsvector`, which it picks for prefix queries whose rarity it cannot estimate (seconds for
/// a rare word). The list query then reads the chats found by primary key and sorts at most a
/// few thousand rows.
///
/// # Errors
/// Internal error on database failure.
pub async fn find(db: &DatabaseConnection, terms: &SearchTerms) -> Result<Found, AppError> {
    if terms.words.is_empty() {
        return Ok(Found::default());
    }
    let backend = db.get_database_backend();
    let query = terms.for_backend(backend);
    let statement = match backend {
        DatabaseBackend::Postgres => Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT chat_id, NULL::bigint AS match_row FROM (SELECT chat_id FROM support_messages \
                   WHERE {PG_MESSAGE_TEXT} @@ to_tsquery('simple', $1) \
                   ORDER BY created_at DESC, id DESC LIMIT {MAX_MATCHES}) AS newest_matches \
                 UNION SELECT chat_id, NULL FROM (SELECT chat_id FROM chat_notes \
                   WHERE {PG_NOTE_TEXT} @@ to_tsquery('simple', $1) \
                   ORDER BY created_at DESC, id DESC LIMIT {MAX_MATCHES}) AS newest_notes \
                 UNION SELECT chat_id, NULL FROM (SELECT chat_id FROM attachments \
                   WHERE message_id IS NOT NULL AND chat_id IS NOT NULL \
                   AND {PG_FILE_NAME_TEXT} @@ to_tsquery('simple', $1) \
                   ORDER BY created_at DESC, id DESC LIMIT {MAX_MATCHES}) AS newest_files \
                 UNION SELECT chat_id, NULL FROM (SELECT c.id AS chat_id FROM users u \
                   JOIN support_chats c ON c.user_id = u.id \
                   WHERE {PG_EMAIL_TEXT} @@ to_tsquery('simple', $1) LIMIT {MAX_MATCHES}) AS by_email"
            ),
            [query.clone().into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT m.chat_id AS chat_id, MAX(newest_matches.rowid) AS match_row FROM \
                   (SELECT rowid, message_id FROM support_messages_fts \
                    WHERE support_messages_fts MATCH ? ORDER BY rowid DESC LIMIT {MAX_MATCHES}) \
                   AS newest_matches \
                   JOIN support_messages m ON m.id = newest_matches.message_id GROUP BY m.chat_id \
                 UNION ALL SELECT chat_id, NULL FROM (SELECT c.id AS chat_id FROM users_fts u \
                   JOIN support_chats c ON c.user_id = u.user_id \
                   WHERE users_fts MATCH ? LIMIT {MAX_MATCHES})"
            ),
            [query.clone().into(), query.clone().into()],
        ),
    };
    let mut found = Found::default();
    if backend != DatabaseBackend::Postgres {
        // Notes, apart: their FTS rows are their own table's.
        let notes = Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT n.chat_id AS chat_id, MAX(newest_notes.rowid) AS match_row FROM \
                   (SELECT rowid, note_id FROM chat_notes_fts \
                    WHERE chat_notes_fts MATCH ? ORDER BY rowid DESC LIMIT {MAX_MATCHES}) \
                   AS newest_notes \
                   JOIN chat_notes n ON n.id = newest_notes.note_id GROUP BY n.chat_id"
            ),
            [query.into()],
        );
        for row in db.query_all_raw(notes).await? {
            let chat_id: Uuid = row.try_get("", "chat_id")?;
            let match_row: i64 = row.try_get("", "match_row")?;
            found.newest_note_match.insert(chat_id, match_row);
            found.chats.push(chat_id);
        }
    }
    for row in db.query_all_raw(statement).await? {
        let chat_id: Uuid = row.try_get("", "chat_id")?;
        let match_row: Option<i64> = row.try_get("", "match_row")?;
        if let Some(match_row) = match_row {
            found.newest_match.insert(chat_id, match_row);
        }
        if !found.chats.contains(&chat_id) {
            found.chats.push(chat_id);
        }
    }
    Ok(found)
}

/// For each of `chat_ids` (a page of what [`find`] found) found by a message or a note: a
/// snippet of its newest matching message around the words, else of its newest matching note
/// (marked as one). Chats found by their email have none.
///
/// # Errors
/// Internal error on database failure.
pub async fn snippets(
    db: &DatabaseConnection,
    terms: &SearchTerms,
    found: &Found,
    chat_ids: &[Uuid],
) -> Result<HashMap<Uuid, Snippet>, AppError> {
    let backend = db.get_database_backend();
    let query = terms.for_backend(backend);
    let mut snippets = HashMap::new();
    if backend == DatabaseBackend::Postgres {
        for (table, text, order, in_note) in [
            ("support_messages", "content", "seq", false),
            ("attachments", "name", "id", false),
            ("chat_notes", "content", "id", true),
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
            // The page's chats' rows, by the chat index: each chat's newest match.
            // Files count once sent.
            let (indexed, sent) = match table {
                "attachments" => (PG_FILE_NAME_TEXT, "AND message_id IS NOT NULL"),
                _ => (PG_MESSAGE_TEXT, ""),
            };
            let sql = format!(
                "SELECT DISTINCT ON (chat_id) chat_id, ts_headline('simple', {text}, \
                   to_tsquery('simple', $1), 'StartSel=\"\", StopSel=\"\", MaxWords=18, MinWords=8, \
                   ShortWord=1, FragmentDelimiter=\" … \"') AS snippet \
                 FROM {table} WHERE chat_id IN ({ids}) {sent} \
                   AND {indexed} @@ to_tsquery('simple', $1) \
                 ORDER BY chat_id, {order} DESC"
            );
            for row in db
                .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
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
        return Ok(snippets);
    }
    // FTS5 cuts a snippet from one row found by rowid within the match: a seek, not a scan.
    for chat_id in chat_ids {
        let (table, row, in_note) = match (
            found.newest_match.get(chat_id),
            found.newest_note_match.get(chat_id),
        ) {
            (Some(&row), _) => ("support_messages_fts", row, false),
            (None, Some(&row)) => ("chat_notes_fts", row, true),
            (None, None) => continue,
        };
        let statement = Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT snippet({table}, 0, '', '', '…', 16) AS snippet \
                 FROM {table} WHERE {table} MATCH ? AND rowid = ?"
            ),
            [query.clone().into(), row.into()],
        );
        if let Some(found_row) = db.query_one_raw(statement).await? {
            let snippet: String = found_row.try_get("", "snippet")?;
            snippets.insert(
                *chat_id,
                Snippet {
                    text: cut_chars(snippet.trim(), SNIPPET_CHARS),
                    in_note,
                },
            );
        }
    }
    Ok(snippets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(terms: &SearchTerms) -> Vec<&str> {
        terms.words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn queries_become_words_in_each_engines_syntax() {
        let terms = SearchTerms::parse("  Refund: \"order\" OR-42 NEAR(x) refu* ")
            .expect("valid")
            .expect("not blank");
        assert_eq!(
            words(&terms),
            ["refund", "order", "or", "42", "near", "x", "refu"]
        );
        assert_eq!(
            terms.fts5(),
            "\"refund\" \"order\" \"or\" \"42\" \"near\" \"x\" \"refu\"*"
        );
        assert_eq!(
            terms.tsquery(),
            "refund & order & or & 42 & near & x & refu:*"
        );
        let email = SearchTerms::parse("alice@example.com")
            .expect("valid")
            .expect("not blank");
        assert_eq!(words(&email), ["alice", "example", "com"]);
        let japanese = SearchTerms::parse("返金 について")
            .expect("valid")
            .expect("not blank");
        assert_eq!(words(&japanese), ["返金", "について"]);
    }

    #[test]
    fn blank_queries_search_nothing_and_wordless_ones_find_nothing() {
        assert_eq!(SearchTerms::parse("   ").expect("blank is fine"), None);
        for wordless in ["@@@", "\0", "\u{4003e}", "*"] {
            let terms = SearchTerms::parse(wordless)
                .expect(wordless)
                .expect("not blank");
            assert!(terms.words.is_empty(), "{wordless:?}");
        }
        let nul = SearchTerms::parse("a\0b")
            .expect("valid")
            .expect("not blank");
        assert_eq!(
            words(&nul),
            ["a", "b"],
            "a NUL separates words like any symbol"
        );
        let error = SearchTerms::parse(&"x".repeat(MAX_QUERY_CHARS + 1)).expect_err("too long");
        assert_eq!(error.status(), 422);
        let many = SearchTerms::parse("a b c d e f g h i j")
            .expect("valid")
            .expect("not blank");
        assert_eq!(many.words.len(), MAX_WORDS);
    }
}
