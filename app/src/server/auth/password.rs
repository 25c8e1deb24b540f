//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes), off the async
//! runtime because each hash takes tens of milliseconds of CPU by design.

use std::sync::LazyLock;

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::error::AppError;

/// A hash of a password nobody has, verified against when an email is unknown so that a wrong
/// email costs the same time as a wrong password.
static DECOY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(b"confab decoy password")
        .ok()
        .map(|h| h.to_string())
});

/// A PHC string (`$argon2id$v=19$...`) for `password`.
///
/// # Errors
/// Internal error if hashing fails (no randomness for the salt).
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|err| AppError::internal("password hashing failed", err))
    })
    .await
    .map_err(|err| AppError::internal("password hashing task failed", err))?
}

/// Whether `password` matches `stored`; with no stored hash it spends the same time on a decoy
/// and answers false.
///
/// # Errors
/// Internal error if the blocking task cannot run.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let (phc, real) = match stored {
            Some(stored) => (stored, true),
            None => (DECOY_HASH.clone().unwrap_or_default(), false),
        };
        let matches = PasswordHash::new(&phc)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        real && matches
    })
    .await
    .map_err(|err| AppError::internal("password check task failed", err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let phc = hash("correct horse".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$"));
        assert!(
            verify("correct horse".into(), Some(phc.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify("wrong horse".into(), Some(phc))
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        assert!(
            !verify("confab decoy password".into(), None)
                .await
                .expect("verify")
        );
    }
}
