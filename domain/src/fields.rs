//! The rules every field a person writes follows (a message, a note, a label's name, a saved
//! reply's parts), in one place: trimmed, not blank, no NUL character, and at most so many
//! characters as sent, so the API's documented `maxLength` and the server agree on every
//! input. Also what a name that must be unique answers when it is taken, and who may change
//! the team's shared things (admins).

use sea_orm::{DbErr, SqlErr};

use crate::entities::user;
use wire::error::AppError;

/// `raw` trimmed, when it is a valid `what` of at most `max` characters.
///
/// # Errors
/// 422 when blank, longer than `max` characters as sent, or holding a NUL character (which no
/// text needs and PostgreSQL cannot store).
pub fn bounded_text(what: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let chars = raw.chars().count();
    if chars > max {
        return Err(AppError::validation(format!(
            "the {what} has {chars} characters; the most is {max}"
        )));
    }
    if raw.contains('\0') {
        return Err(AppError::validation(format!(
            "the {what} contains a NUL character"
        )));
    }
    let text = raw.trim();
    if text.is_empty() {
        return Err(AppError::validation(format!("the {what} is empty")));
    }
    Ok(text.to_owned())
}

/// A write refused for a unique value another row holds, as 409 `taken`; any other failure
/// as it is.
pub fn conflict_if_taken(err: DbErr, taken: &str) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::conflict(taken),
        _ => err.into(),
    }
}

/// Whether `actor` may change what the team shares (`what`: "labels", "saved replies").
///
/// # Errors
/// 403 for anyone but an admin of the team.
pub fn admins_only(actor: &user::Model, what: &str) -> Result<(), AppError> {
    if actor.is_team_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden(format!("only admins manage {what}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_bounded_as_sent_and_never_blank() {
        assert_eq!(
            bounded_text("name", "  vip ", 6).ok().as_deref(),
            Some("vip")
        );
        assert!(bounded_text("name", "   ", 5).is_err());
        assert!(
            bounded_text("name", " abcde", 5).is_err(),
            "counted as sent"
        );
        assert!(bounded_text("name", &"é".repeat(5), 5).is_ok());
        assert!(bounded_text("name", "a\0b", 5).is_err());
    }
}
