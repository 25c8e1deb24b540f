//! The team's saved replies: admins write them (a title, a shortcut unique whatever its case,
//! a body of at most a message's length); every staff member searches them and inserts them
//! from the composer (the composer fills the variables: `wire::replies::fill`).

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::{
    chats::MAX_MESSAGE_CHARS,
    clock,
    entities::{SavedReply as ReplyRows, saved_reply, user},
    fields::{admins_only, bounded_text, conflict_if_taken},
};
use wire::{
    error::AppError,
    replies::{MAX_SHORTCUT_CHARS, MAX_TITLE_CHARS, SavedReply},
};

/// Longest search of the library, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

impl From<saved_reply::Model> for SavedReply {
    fn from(row: saved_reply::Model) -> Self {
        Self {
            id: row.id,
            title: row.title,
            shortcut: row.shortcut,
            body: row.body,
        }
    }
}

/// A saved reply as an admin writes it.
#[derive(Clone, Copy, Debug)]
pub struct Draft<'a> {
    /// 1 to 100 characters.
    pub title: &'a str,
    /// 1 to 32 characters, no white space; unique whatever its case.
    pub shortcut: &'a str,
    /// 1 to 5,000 characters.
    pub body: &'a str,
}

/// The library, by shortcut; with `search`, only the replies whose title, shortcut or body
/// holds it, whatever its case (compared in Rust, so every script folds alike; a team's
/// library is a few hundred replies at most).
///
/// # Errors
/// 422 for a search over [`MAX_SEARCH_CHARS`] characters; internal error on database
/// failure.
pub async fn all(
    db: &impl ConnectionTrait,
    search: Option<&str>,
) -> Result<Vec<SavedReply>, AppError> {
    if search.is_some_and(|s| s.chars().count() > MAX_SEARCH_CHARS) {
        return Err(AppError::validation(format!(
            "q has at most {MAX_SEARCH_CHARS} characters"
        )));
    }
    let replies = ReplyRows::find()
        .order_by_asc(saved_reply::Column::ShortcutKey)
        .all(db)
        .await?
        .into_iter()
        .map(SavedReply::from);
    let Some(words) = search.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(replies.collect());
    };
    let words = words.to_lowercase();
    let holds = |text: &str| text.to_lowercase().contains(&words);
    Ok(replies
        .filter(|reply| holds(&reply.title) || holds(&reply.shortcut) || holds(&reply.body))
        .collect())
}

/// A new saved reply, by an admin.
///
/// # Errors
/// 403 for an agent; 422 for a blank or long field or a shortcut with white space; 409 when
/// another reply has the shortcut in any case.
pub async fn create(
    db: &DatabaseConnection,
    actor: &user::Model,
    draft: Draft<'_>,
) -> Result<SavedReply, AppError> {
    admins_only(actor, "saved replies")?;
    let (title, shortcut, body) = checked(draft)?;
    let now = clock::now();
    let row = saved_reply::ActiveModel {
        id: Set(Uuid::now_v7()),
        title: Set(title),
        shortcut_key: Set(shortcut.to_lowercase()),
        shortcut: Set(shortcut),
        body: Set(body),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|err| conflict_if_taken(err, "another saved reply has that shortcut"))?;
    Ok(row.into())
}

/// Changes a saved reply's title, shortcut and/or body, by an admin.
///
/// # Errors
/// As [`create`]; 404 for an unknown reply.
pub async fn update(
    db: &DatabaseConnection,
    actor: &user::Model,
    id: Uuid,
    title: Option<&str>,
    shortcut: Option<&str>,
    body: Option<&str>,
) -> Result<SavedReply, AppError> {
    admins_only(actor, "saved replies")?;
    let row = ReplyRows::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("no such saved reply"))?;
    let (title, shortcut, body) = checked(Draft {
        title: title.unwrap_or(&row.title),
        shortcut: shortcut.unwrap_or(&row.shortcut),
        body: body.unwrap_or(&row.body),
    })?;
    let mut changed = row.into_active_model();
    changed.title = Set(title);
    changed.shortcut_key = Set(shortcut.to_lowercase());
    changed.shortcut = Set(shortcut);
    changed.body = Set(body);
    changed.updated_at = Set(clock::now());
    Ok(changed
        .update(db)
        .await
        .map_err(|err| conflict_if_taken(err, "another saved reply has that shortcut"))?
        .into())
}

/// Deletes a saved reply, by an admin.
///
/// # Errors
/// 403 for an agent; 404 for an unknown reply.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &user::Model,
    id: Uuid,
) -> Result<(), AppError> {
    admins_only(actor, "saved replies")?;
    if ReplyRows::delete_by_id(id).exec(db).await?.rows_affected == 0 {
        return Err(AppError::not_found("no such saved reply"));
    }
    Ok(())
}

/// The draft's fields, each a [`bounded_text`]; the shortcut one word.
fn checked(draft: Draft<'_>) -> Result<(String, String, String), AppError> {
    let title = bounded_text("title", draft.title, MAX_TITLE_CHARS)?;
    let shortcut = bounded_text("shortcut", draft.shortcut, MAX_SHORTCUT_CHARS)?;
    if shortcut.chars().any(char::is_whitespace) || shortcut.starts_with('/') {
        return Err(AppError::validation(
            "the shortcut is one word, without white space or a leading /",
        ));
    }
    let body = bounded_text("body", draft.body, MAX_MESSAGE_CHARS)?;
    Ok((title, shortcut, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft<'a>(title: &'a str, shortcut: &'a str, body: &'a str) -> Draft<'a> {
        Draft {
            title,
            shortcut,
            body,
        }
    }

    #[test]
    fn fields_are_trimmed_bounded_and_shortcuts_are_one_word() {
        assert_eq!(
            checked(draft(" Refund ", " refund ", " Hi {{user.name}} ")).ok(),
            Some(("Refund".into(), "refund".into(), "Hi {{user.name}}".into()))
        );
        assert!(checked(draft(" ", "refund", "body")).is_err());
        assert!(checked(draft("Refund", "re fund", "body")).is_err());
        assert!(checked(draft("Refund", "/refund", "body")).is_err());
        assert!(checked(draft("Refund", &"r".repeat(33), "body")).is_err());
        assert!(checked(draft("Refund", "refund", &"b".repeat(5_001))).is_err());
    }
}
