//! Searching the dashboard's chats by user email, message text, the names of files sent and
//! private notes (`?q=`), through full-text indexes: FTS5 on SQLite (`sqlite`), `tsvector` +
//! GIN on PostgreSQL (`postgres`). Staff only: a chat found by a note says so
//! (`match_in_note`).
//!
//! A query is cut into words the way both indexes cut text (runs of letters and digits); a
//! chat matches when its user's email or one of its messages holds every word (whole words; a
//! word typed with a trailing `*` as a prefix, at most [`MAX_PREFIXES`] of them); for words in
//! very many messages, one of their newest [`MAX_MATCHES`]. The words are rebuilt into each engine's query syntax from letters
//! and digits only, so nothing a user types is ever read as an operator.

mod postgres;
mod sqlite;

use std::collections::{HashMap, HashSet};

use sea_orm::{DatabaseBackend, DatabaseConnection};
use uuid::Uuid;

use wire::error::AppError;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of a query that count; the rest are ignored.
const MAX_WORDS: usize = 8;
/// Most words of a query read as prefixes; a later `*` is ignored (the word matches whole).
/// Each prefix reads the lists of every word it starts, so this bounds what one query costs.
const MAX_PREFIXES: usize = 2;
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
        for word in words.iter_mut().filter(|w| w.prefix).skip(MAX_PREFIXES) {
            word.prefix = false;
        }
        Ok(Some(Self { words }))
    }
}

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
    /// SQLite: the FTS5 query that searched the messages (prefixes expanded), for snippets.
    message_query: Option<String>,
    /// SQLite: the same for the notes.
    note_query: Option<String>,
    /// The chats in `chats`, so each is there once.
    seen: HashSet<Uuid>,
}

impl Found {
    /// Adds a chat, unless it is there already.
    fn add(&mut self, chat_id: Uuid) {
        if self.seen.insert(chat_id) {
            self.chats.push(chat_id);
        }
    }
}

/// Where a found chat's snippet comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// Around the words searched for.
    pub text: String,
    /// Whether it is a private note's (the chat matched by no message).
    pub in_note: bool,
}

/// The chats the words find: those of the [`MAX_MATCHES`] newest messages holding them
/// (sent files' names included), of as many notes, and of up to as many users whose email
/// holds them. Each backend reads the newest matches without reading every match of a
/// common word (`sqlite`, `postgres` say how). The list query then reads the chats found by
/// primary key and sorts at most a few thousand rows.
///
/// # Errors
/// Internal error on database failure.
pub async fn find(db: &DatabaseConnection, terms: &SearchTerms) -> Result<Found, AppError> {
    if terms.words.is_empty() {
        return Ok(Found::default());
    }
    match db.get_database_backend() {
        DatabaseBackend::Postgres => postgres::find(db, terms).await,
        _ => sqlite::find(db, terms).await,
    }
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
    match db.get_database_backend() {
        DatabaseBackend::Postgres => postgres::snippets(db, terms, chat_ids).await,
        _ => sqlite::snippets(db, found, chat_ids).await,
    }
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
            postgres::tsquery(&terms),
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
        let prefixes = SearchTerms::parse("a* b* c* d")
            .expect("valid")
            .expect("not blank");
        assert_eq!(
            postgres::tsquery(&prefixes),
            "a:* & b:* & c & d",
            "a third prefix matches whole"
        );
    }
}
