//! Searching the dashboard's chats by user email and message text (`?q=`), through the
//! full-text indexes of migration 9: FTS5 on SQLite, `tsvector` + GIN on PostgreSQL.
//!
//! A query is cut into words the way both indexes cut text (runs of letters and digits); a
//! chat matches when its user's email or one of its messages holds every word, the last one as
//! a prefix (so results follow typing). The words are rebuilt into each engine's query syntax
//! from letters and digits only, so nothing a user types is ever read as an operator.

use std::collections::HashMap;

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value,
    sea_query::{Expr, SimpleExpr},
};
use uuid::Uuid;

use crate::{error::AppError, model::cut_chars};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of a query that count; the rest are ignored.
const MAX_WORDS: usize = 8;
/// Longest snippet of the matching message, in characters.
const SNIPPET_CHARS: usize = 120;

/// A search query, as words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchTerms {
    words: Vec<String>,
}

impl SearchTerms {
    /// The words of `raw`; `None` when it is blank (no search).
    ///
    /// # Errors
    /// 422 when it is too long, holds a NUL, or has text but no letter or digit.
    pub fn parse(raw: &str) -> Result<Option<Self>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        if raw.chars().count() > MAX_QUERY_CHARS || raw.contains('\0') {
            return Err(AppError::validation(format!(
                "q must be at most {MAX_QUERY_CHARS} characters of text"
            )));
        }
        let words: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            return Err(AppError::validation("q must contain a letter or a digit"));
        }
        Ok(Some(Self { words }))
    }

    /// FTS5: `"word" "word"*` (quoted strings, implicitly AND-ed; the last a prefix).
    fn fts5(&self) -> String {
        let quoted: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
        format!("{}*", quoted.join(" "))
    }

    /// PostgreSQL `to_tsquery`: `word & word:*`.
    fn tsquery(&self) -> String {
        format!("{}:*", self.words.join(" & "))
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
const PG_EMAIL_TEXT: &str =
    "to_tsvector('simple', regexp_replace(coalesce(email, ''), '[[:punct:][:space:]]+', ' ', 'g'))";

/// A condition on `support_chats` rows: the chat's user's email or one of its messages matches.
pub fn matching_chats(backend: DatabaseBackend, terms: &SearchTerms) -> SimpleExpr {
    let query = terms.for_backend(backend);
    match backend {
        DatabaseBackend::Postgres => Expr::cust_with_values(
            format!(
                "(support_chats.id IN (SELECT chat_id FROM support_messages \
                    WHERE {PG_MESSAGE_TEXT} @@ to_tsquery('simple', $1)) \
                  OR support_chats.user_id IN (SELECT id FROM users \
                    WHERE {PG_EMAIL_TEXT} @@ to_tsquery('simple', $1)))"
            ),
            [query],
        ),
        _ => Expr::cust_with_values(
            "(support_chats.id IN (SELECT m.chat_id FROM support_messages_fts f \
                JOIN support_messages m ON m.id = f.message_id WHERE support_messages_fts MATCH ?) \
              OR support_chats.user_id IN (SELECT user_id FROM users_fts WHERE users_fts MATCH ?))",
            [query.clone(), query],
        ),
    }
}

/// For each of `chat_ids` with a matching message: a snippet of its newest one around the
/// words. Chats found by their email only have none.
///
/// # Errors
/// Internal error on database failure.
pub async fn snippets(
    db: &DatabaseConnection,
    terms: &SearchTerms,
    chat_ids: &[Uuid],
) -> Result<HashMap<Uuid, String>, AppError> {
    if chat_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = vec![terms.for_backend(backend).into()];
    values.extend(chat_ids.iter().map(|id| Value::from(*id)));
    let sql = match backend {
        DatabaseBackend::Postgres => {
            let ids = placeholders(2, chat_ids.len(), true);
            format!(
                "SELECT DISTINCT ON (chat_id) chat_id, ts_headline('simple', content, \
                   to_tsquery('simple', $1), 'StartSel=\"\", StopSel=\"\", MaxWords=18, MinWords=8, \
                   ShortWord=1, FragmentDelimiter=\" … \"') AS snippet \
                 FROM support_messages WHERE chat_id IN ({ids}) \
                   AND {PG_MESSAGE_TEXT} @@ to_tsquery('simple', $1) \
                 ORDER BY chat_id, seq DESC"
            )
        }
        _ => {
            let ids = placeholders(2, chat_ids.len(), false);
            // Newest first, so the first row of each chat is the one kept.
            format!(
                "SELECT m.chat_id AS chat_id, \
                   snippet(support_messages_fts, 0, '', '', '…', 16) AS snippet \
                 FROM support_messages_fts f JOIN support_messages m ON m.id = f.message_id \
                 WHERE support_messages_fts MATCH ? AND m.chat_id IN ({ids}) \
                 ORDER BY m.seq DESC"
            )
        }
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut found = HashMap::new();
    for row in rows {
        let chat_id: Uuid = row.try_get("", "chat_id")?;
        let snippet: String = row.try_get("", "snippet")?;
        found
            .entry(chat_id)
            .or_insert_with(|| cut_chars(snippet.trim(), SNIPPET_CHARS));
    }
    Ok(found)
}

/// `count` bind placeholders from number `first`: `$2, $3` (numbered) or `?, ?`.
fn placeholders(first: usize, count: usize, numbered: bool) -> String {
    (first..first + count)
        .map(|n| {
            if numbered {
                format!("${n}")
            } else {
                "?".to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_words_in_each_engines_syntax() {
        let terms = SearchTerms::parse("  Refund: \"order\" OR-42 NEAR(x) ")
            .expect("valid")
            .expect("not blank");
        assert_eq!(terms.words, ["refund", "order", "or", "42", "near", "x"]);
        assert_eq!(
            terms.fts5(),
            "\"refund\" \"order\" \"or\" \"42\" \"near\" \"x\"*"
        );
        assert_eq!(terms.tsquery(), "refund & order & or & 42 & near & x:*");
        let email = SearchTerms::parse("alice@example.com")
            .expect("valid")
            .expect("not blank");
        assert_eq!(email.words, ["alice", "example", "com"]);
        let japanese = SearchTerms::parse("返金 について")
            .expect("valid")
            .expect("not blank");
        assert_eq!(japanese.words, ["返金", "について"]);
    }

    #[test]
    fn blank_queries_search_nothing_and_bad_ones_are_refused() {
        assert_eq!(SearchTerms::parse("   ").expect("blank is fine"), None);
        for bad in ["@@@", "a\0b", &"x".repeat(MAX_QUERY_CHARS + 1)] {
            let error = SearchTerms::parse(bad).expect_err(bad);
            assert_eq!(error.status(), 422, "{bad:?}");
        }
        let many = SearchTerms::parse("a b c d e f g h i j")
            .expect("valid")
            .expect("not blank");
        assert_eq!(many.words.len(), MAX_WORDS);
    }
}
