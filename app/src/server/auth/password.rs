//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes), off the async
//! runtime because each hash takes tens of milliseconds of CPU by design.
//!
//! Every hash and verification waits for one of as many permits as the machine has cores and
//! runs on one of as many dedicated threads, so hundreds of parallel sign-ups cost a few
//! hashes' worth of memory, not hundreds. (Dedicated threads matter as much as the permits:
//! the allocator keeps a freed 19 MiB block in the arena of the thread that used it, and
//! tokio's blocking pool would spread hashes over dozens of threads and so dozens of arenas;
//! measured: +615 MiB for 400 sign-ups.) A caller that cannot get a permit within
//! [`QUEUE_DEADLINE`] is told the server is busy (503) rather than queueing without end.

use std::{
    sync::{LazyLock, Mutex, mpsc},
    time::Duration,
};

use tokio::sync::{Semaphore, oneshot};

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

/// How many hashes run at once: one per core.
static HASHERS: LazyLock<usize> =
    LazyLock::new(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get));

/// One permit per hashing thread: hashing beyond that only queues in memory.
static PERMITS: LazyLock<std::sync::Arc<Semaphore>> =
    LazyLock::new(|| std::sync::Arc::new(Semaphore::new(*HASHERS)));

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads' shared queue; the threads start with the first hash.
static POOL: LazyLock<Mutex<mpsc::Sender<Job>>> = LazyLock::new(|| {
    let (jobs, queue) = mpsc::channel::<Job>();
    let queue = std::sync::Arc::new(Mutex::new(queue));
    for n in 0..*HASHERS {
        let queue = std::sync::Arc::clone(&queue);
        let spawned = std::thread::Builder::new()
            .name(format!("confab-hash-{n}"))
            .spawn(move || {
                loop {
                    // Holding the lock only to receive: the job runs after it is released.
                    let job = queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok(job) = job else { return };
                    // A panicking hash must not take its thread (and a share of the capacity)
                    // with it; its caller sees the answer channel close and gets a 500.
                    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err() {
                        tracing::error!("a password hashing job panicked");
                    }
                }
            });
        if let Err(err) = spawned {
            tracing::error!(error = %err, "could not start a password hashing thread");
        }
    }
    Mutex::new(jobs)
});

/// Runs `work` on a hashing thread once a permit is free. The permit travels with the job and
/// is released when the work ends, not when the caller goes away: a client that disconnects
/// mid-sign-in cannot free its permit while its hash still queues, and a job whose caller is
/// gone by the time a thread takes it is skipped.
async fn with_permit<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permits = std::sync::Arc::clone(&PERMITS);
    let permit = tokio::time::timeout(QUEUE_DEADLINE, permits.acquire_owned())
        .await
        .map_err(|_| {
            metrics::counter!("confab_password_hashing_busy_total").increment(1);
            AppError::Busy {
                retry_after_secs: QUEUE_DEADLINE.as_secs(),
            }
        })?
        .map_err(|err| AppError::internal("the password permits are gone", err))?;
    let (answer, answered) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _permit = permit;
        if answer.is_closed() {
            return;
        }
        // The caller may have gone meanwhile (its request was cancelled): nobody to tell.
        let _ = answer.send(work());
    });
    let queued = POOL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .send(job);
    if queued.is_err() {
        return Err(AppError::internal(
            "password hashing threads are gone",
            "queue closed",
        ));
    }
    answered
        .await
        .map_err(|err| AppError::internal("password hashing task failed", err))
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
