//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes), off the async
//! runtime because each hash takes tens of milliseconds of CPU by design.
//!
//! Every hash and verification waits for one of as many permits as the machine has cores, so
//! hundreds of parallel sign-ups cost a few hashes' worth of memory, not hundreds; a caller
//! that cannot get a permit within [`QUEUE_DEADLINE`] is told the server is busy (503) rather
//! than queueing without end while everyone else waits behind it.

use std::{sync::LazyLock, time::Duration};

use tokio::sync::Semaphore;

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

/// Longest wait for a hashing permit before answering 503 `busy`.
pub const QUEUE_DEADLINE: Duration = Duration::from_secs(5);

/// One permit per core: hashing beyond that only queues in memory.
static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
});

/// Runs `work` on the blocking pool once a permit is free.
async fn with_permit<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = tokio::time::timeout(QUEUE_DEADLINE, PERMITS.acquire())
        .await
        .map_err(|_| AppError::Busy {
            retry_after_secs: QUEUE_DEADLINE.as_secs(),
        })?
        .map_err(|err| AppError::internal("the password permits are gone", err))?;
    let result = tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| AppError::internal("password hashing task failed", err));
    drop(permit);
    result
}

/// A PHC string (`$argon2id$v=19$...`) for `password`.
///
/// # Errors
/// 503 `busy` when no hashing permit frees up in time; internal error if hashing fails (no
/// randomness for the salt).
pub async fn hash(password: String) -> Result<String, AppError> {
    with_permit(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|err| AppError::internal("password hashing failed", err))
    })
    .await?
}

/// Whether `password` matches `stored`; with no stored hash it spends the same time on a decoy
/// and answers false.
///
/// # Errors
/// 503 `busy` when no hashing permit frees up in time; internal error if the blocking task
/// cannot run.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    with_permit(move || {
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
