//! Checks on what people type, with messages that say what to fix.

use wire::error::AppError;

/// Longest email address SMTP allows.
const MAX_EMAIL: usize = 254;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 8;
/// Longest password accepted: Argon2 hashes any length, but unbounded input is a DoS lever.
pub const MAX_PASSWORD: usize = 1024;
/// Longest display name.
const MAX_NAME: usize = 200;

/// A trimmed, lower-cased email address with one `@`, a local part and a dotted domain.
///
/// # Errors
/// 422 with the reason.
pub fn email(raw: &str) -> Result<String, AppError> {
    // Limits apply to the text as sent, as the API document states them.
    if raw.chars().count() > MAX_EMAIL {
        return Err(AppError::validation("that email address is too long"));
    }
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::validation("enter an email address"));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(AppError::validation(format!(
            "{:?} is not an email address",
            raw.trim()
        )))
    }
}

/// A password of acceptable length (kept exactly as typed).
///
/// # Errors
/// 422 with the reason.
pub fn password(raw: &str) -> Result<(), AppError> {
    let len = raw.chars().count();
    if len < MIN_PASSWORD {
        Err(AppError::validation(format!(
            "the password needs at least {MIN_PASSWORD} characters"
        )))
    } else if len > MAX_PASSWORD {
        Err(AppError::validation(format!(
            "the password may have at most {MAX_PASSWORD} characters"
        )))
    } else {
        Ok(())
    }
}

/// A trimmed display name; empty means none.
///
/// # Errors
/// 422 when too long (as sent) or holding a NUL character.
pub fn name(raw: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    if raw.chars().count() > MAX_NAME {
        return Err(AppError::validation(format!(
            "the name may have at most {MAX_NAME} characters"
        )));
    }
    if raw.contains('\0') {
        return Err(AppError::validation("the name contains a NUL character"));
    }
    let name = raw.trim();
    Ok((!name.is_empty()).then(|| name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            email("  Ada@Example.COM ").as_deref(),
            Ok("ada@example.com")
        );
        assert_eq!(
            email("admin@confab.localhost").as_deref(),
            Ok("admin@confab.localhost")
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            assert!(email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(password("1234567").is_err());
        assert!(password("12345678").is_ok());
        assert!(password(&"x".repeat(MAX_PASSWORD + 1)).is_err());
    }

    #[test]
    fn names_are_optional_and_bounded() {
        assert_eq!(name(Some("  ")), Ok(None));
        assert_eq!(name(Some(" Ada ")), Ok(Some("Ada".into())));
        assert!(name(Some(&"x".repeat(201))).is_err());
    }
}
