//! Search on SQLite: FTS5 tables that triggers keep (migrations 9, 19 and 21): messages, with
//! each sent file's name as a row of the messages' table; private notes; users' emails.
//!
//! FTS5 reads a word's matches newest first (by rowid, in insertion order) and stops at
//! [`MAX_MATCHES`], whatever the word's frequency. A prefix (`refu*`) it answers by first
//! merging the lists of every word the prefix starts, for the whole table: half a second at a
//! million messages for a prefix of a few common words. So a prefix is replaced by the words
//! it starts, read from the table's vocabulary (an `fts5vocab` table, migration 22), at most
//! [`MAX_WORDS_PER_PREFIX`] of them, the most used first, and FTS5 reads those newest first.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use uuid::Uuid;

use wire::{error::AppError, model::cut_chars};

use super::{Found, MAX_MATCHES, SNIPPET_CHARS, SearchTerms, Snippet, Word};

/// The most words a prefix stands for: the most used of those it starts.
const MAX_WORDS_PER_PREFIX: u32 = 64;

/// An FTS5 table: its name, the column naming the row each of its rows indexes, and that
/// row's table.
struct FtsTable {
    name: &'static str,
    key: &'static str,
    rows: &'static str,
}

const MESSAGES: FtsTable = FtsTable {
    name: "support_messages_fts",
    key: "message_id",
    rows: "support_messages",
};
const NOTES: FtsTable = FtsTable {
    name: "chat_notes_fts",
    key: "note_id",
    rows: "chat_notes",
};
const EMAILS: FtsTable = FtsTable {
    name: "users_fts",
    key: "user_id",
    rows: "users",
};

impl FtsTable {
    /// Its `fts5vocab` table (one row per word: the number of rows holding it).
    fn vocabulary(&self) -> String {
        format!("{}_vocab", self.name)
    }
}

/// What one word of a query stands for in an FTS5 table.
#[derive(Debug)]
enum Meaning {
    /// The word itself, whole.
    Whole,
    /// A prefix: the words it starts there (the most used, at most [`MAX_WORDS_PER_PREFIX`]).
    Words(Vec<String>),
    /// A prefix FTS5 reads itself (`"word"*`). FTS5 folds some letters unlike Rust's
    /// lower-casing (a final sigma, the long s) and splits words on some marks Rust counts as
    /// letters, so outside ASCII the vocabulary could miss what the prefix starts.
    Native,
}

/// `terms` as an FTS5 query on `table`: each prefix replaced by the words it starts there.
/// `None` when a prefix starts no word of the table: nothing there matches.
async fn query_for(
    db: &DatabaseConnection,
    terms: &SearchTerms,
    table: &FtsTable,
) -> Result<Option<String>, AppError> {
    let mut meanings = Vec::with_capacity(terms.words.len());
    for word in &terms.words {
        if !word.prefix {
            meanings.push(Meaning::Whole);
            continue;
        }
        if !word.text.is_ascii() {
            meanings.push(Meaning::Native);
            continue;
        }
        // Every word starting with the prefix sorts between it and the prefix followed by the
        // last code point (words are letters and digits; the bound is neither).
        let statement = Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            format!(
                "SELECT term FROM {} WHERE term >= ? AND term < ? \
                 ORDER BY doc DESC LIMIT {MAX_WORDS_PER_PREFIX}",
                table.vocabulary()
            ),
            [
                word.text.clone().into(),
                format!("{}\u{10FFFF}", word.text).into(),
            ],
        );
        let mut words = Vec::new();
        for row in db.query_all_raw(statement).await? {
            words.push(row.try_get::<String>("", "term")?);
        }
        meanings.push(Meaning::Words(words));
    }
    Ok(fts5_query(&terms.words, &meanings))
}

/// The FTS5 query: quoted words joined by `AND`, each prefix (`meanings[i]` for `words[i]`)
/// an OR of the words it stands for. `None` when a prefix stands for none. (The `AND` is
/// spelled out: FTS5 refuses a parenthesised OR right after a phrase, `"a" ("b" OR "c")`.)
fn fts5_query(words: &[Word], meanings: &[Meaning]) -> Option<String> {
    let mut parts = Vec::with_capacity(words.len());
    for (word, meaning) in words.iter().zip(meanings) {
        match meaning {
            Meaning::Whole => parts.push(quoted(&word.text)),
            Meaning::Native => parts.push(format!("{}*", quoted(&word.text))),
            Meaning::Words(found) => match found.as_slice() {
                [] => return None,
                [only] => parts.push(quoted(only)),
                many => {
                    let alternatives: Vec<String> = many.iter().map(|w| quoted(w)).collect();
                    parts.push(format!("({})", alternatives.join(" OR ")));
                }
            },
        }
    }
    Some(parts.join(" AND "))
}

/// A word as an FTS5 string: never read as an operator.
fn quoted(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// The chats the words find: see [`super::find`]. Each table is searched with its own query
/// (a prefix may start words in one and not in another).
pub(super) async fn find(db: &DatabaseConnection, terms: &SearchTerms) -> Result<Found, AppError> {
    let mut found = Found::default();
    if let Some(query) = query_for(db, terms, &MESSAGES).await? {
        for (chat_id, row) in newest_matches(db, &MESSAGES, &query).await? {
            found.newest_match.insert(chat_id, row);
            found.add(chat_id);
        }
        found.message_query = Some(query);
    }
    if let Some(query) = query_for(db, terms, &NOTES).await? {
        for (chat_id, row) in newest_matches(db, &NOTES, &query).await? {
            found.newest_note_match.insert(chat_id, row);
            found.add(chat_id);
        }
        found.note_query = Some(query);
    }
    if let Some(query) = query_for(db, terms, &EMAILS).await? {
        let statement = Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            format!(
                "SELECT c.id AS chat_id FROM users_fts u \
                   JOIN support_chats c ON c.user_id = u.user_id \
                 WHERE users_fts MATCH ? LIMIT {MAX_MATCHES}"
            ),
            [query.into()],
        );
        for row in db.query_all_raw(statement).await? {
            let chat_id: Uuid = row.try_get("", "chat_id")?;
            found.add(chat_id);
        }
    }
    Ok(found)
}

/// The chats of the newest [`MAX_MATCHES`] rows of `table` that `query` matches, each with
/// its newest matching row's FTS rowid.
async fn newest_matches(
    db: &DatabaseConnection,
    table: &FtsTable,
    query: &str,
) -> Result<Vec<(Uuid, i64)>, AppError> {
    let FtsTable { name, key, rows } = table;
    let statement = Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        format!(
            "SELECT r.chat_id AS chat_id, MAX(newest.rowid) AS match_row FROM \
               (SELECT rowid, {key} FROM {name} WHERE {name} MATCH ? \
                ORDER BY rowid DESC LIMIT {MAX_MATCHES}) AS newest \
               JOIN {rows} r ON r.id = newest.{key} \
             GROUP BY r.chat_id"
        ),
        [query.into()],
    );
    let mut matches = Vec::new();
    for row in db.query_all_raw(statement).await? {
        matches.push((row.try_get("", "chat_id")?, row.try_get("", "match_row")?));
    }
    Ok(matches)
}

/// Snippets for a page of found chats: see [`super::snippets`]. Each is cut from the one row
/// [`find`] noted for its chat, found by rowid within the match (a seek into each word's
/// list, not a scan); one statement per table for the whole page.
pub(super) async fn snippets(
    db: &DatabaseConnection,
    found: &Found,
    chat_ids: &[Uuid],
) -> Result<HashMap<Uuid, Snippet>, AppError> {
    let mut by_message = HashMap::new();
    let mut by_note = HashMap::new();
    for chat_id in chat_ids {
        match (
            found.newest_match.get(chat_id),
            found.newest_note_match.get(chat_id),
        ) {
            (Some(&row), _) => by_message.insert(row, *chat_id),
            (None, Some(&row)) => by_note.insert(row, *chat_id),
            (None, None) => continue,
        };
    }
    let mut snippets = HashMap::new();
    for (table, query, rows, in_note) in [
        (&MESSAGES, &found.message_query, by_message, false),
        (&NOTES, &found.note_query, by_note, true),
    ] {
        let (Some(query), false) = (query, rows.is_empty()) else {
            continue;
        };
        let name = table.name;
        let wanted = vec!["?"; rows.len()].join(", ");
        let mut values: Vec<sea_orm::Value> = vec![query.clone().into()];
        values.extend(rows.keys().map(|&row| sea_orm::Value::from(row)));
        let statement = Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            format!(
                "SELECT rowid AS row, snippet({name}, 0, '', '', '…', 16) AS snippet \
                 FROM {name} WHERE {name} MATCH ? AND rowid IN ({wanted})"
            ),
            values,
        );
        for row in db.query_all_raw(statement).await? {
            let fts_row: i64 = row.try_get("", "row")?;
            let text: String = row.try_get("", "snippet")?;
            if let Some(chat_id) = rows.get(&fts_row) {
                let text = cut_chars(text.trim(), SNIPPET_CHARS);
                snippets.insert(*chat_id, Snippet { text, in_note });
            }
        }
    }
    Ok(snippets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, prefix: bool) -> Word {
        Word {
            text: text.to_owned(),
            prefix,
        }
    }

    #[test]
    fn prefixes_become_the_words_they_stand_for() {
        let words = [
            word("refund", false),
            word("inv", true),
            word("42", true),
            word("λόγος", true),
        ];
        let meanings = [
            Meaning::Whole,
            Meaning::Words(vec!["invoice".to_owned(), "invoices".to_owned()]),
            Meaning::Words(vec!["42".to_owned()]),
            Meaning::Native,
        ];
        assert_eq!(
            fts5_query(&words, &meanings).as_deref(),
            Some("\"refund\" AND (\"invoice\" OR \"invoices\") AND \"42\" AND \"λόγος\"*")
        );
        // A prefix that starts no word: nothing can match.
        let none = [
            Meaning::Whole,
            Meaning::Words(Vec::new()),
            Meaning::Words(vec!["42".to_owned()]),
            Meaning::Native,
        ];
        assert_eq!(fts5_query(&words, &none), None);
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }
}
