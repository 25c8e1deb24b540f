//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes), off the async
//! runtime because each hash takes tens of milliseconds of CPU by design.
//!
//! Every hash and verification waits for one of as many permits as the machine has cores and
//! runs on one of as many dedicated threads, each hashing in its own 19 MiB of Argon2 memory,
//! allocated once and kept. So hundreds of parallel sign-ups cost a few hashes' worth of
//! memory, not hundreds, and a hash never frees 19 MiB: freeing a block that large makes
//! glibc raise its mmap threshold for the whole process, after which every thread's arena
//! keeps the memory it frees (measured with 400 parallel sign-ups: +615 MiB on tokio's
//! blocking pool, +385 MiB on dedicated threads that allocated per hash, +61 to +63 MiB now).
//! A caller that cannot get a permit within [`QUEUE_DEADLINE`] is told the server is busy (503)
//! rather than queueing without end.

use std::{
    cell::RefCell,
    sync::{LazyLock, Mutex, mpsc},
    time::Duration,
};

use tokio::sync::{Semaphore, oneshot};

use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::phc::{Output, ParamsString, PasswordHash, Salt},
};

use wire::error::AppError;

/// The PHC string of a password nobody has, verified against when an email is unknown so that
/// a wrong email costs the same time as a wrong password. Made on a hashing thread, with its
/// memory, on first use.
static DECOY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

thread_local! {
    /// This hashing thread's Argon2 memory: allocated on its first hash, never freed.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs `argon2` over `password` and `salt` into `out`, in this thread's kept memory.
fn hash_into(argon2: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
    let blocks = argon2.params().block_count();
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
            .is_ok()
    })
}

/// A new PHC string for `password` (Argon2id with the crate's default parameters).
fn new_hash(password: &[u8]) -> Option<String> {
    let argon2 = Argon2::default();
    let salt = Salt::generate();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    if !hash_into(&argon2, password, salt.as_ref(), &mut out) {
        return None;
    }
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params()).ok()?,
        salt: Some(salt),
        hash: Some(Output::new(&out).ok()?),
    };
    Some(phc.to_string())
}

/// Whether `password` hashes to the PHC string `stored`, with the parameters it names; the
/// comparison is constant-time.
fn matches(password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm.as_str()),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    hash_into(&argon2, password, salt.as_ref(), &mut out)
        && Output::new(&out).is_ok_and(|computed| computed == expected)
}

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
        new_hash(password.as_bytes())
            .ok_or_else(|| AppError::internal("password hashing failed", "argon2"))
    })
    .await?
}

/// Whether `password` matches `stored`. With no stored hash (an unknown email) it checks the
/// password against [`DECOY_HASH`] instead: the same function over a hash with the same
/// parameters, so the same work, and never a match.
///
/// # Errors
/// 503 `busy` when no hashing permit frees up in time; internal error if the blocking task
/// cannot run.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    with_permit(move || {
        let (against, known) = match &stored {
            Some(stored) => (stored.as_str(), true),
            None => (decoy_hash(), false),
        };
        matches(password.as_bytes(), against) && known
    })
    .await
}

/// Makes the decoy now, so even the first sign-in with an unknown email costs one hash, like
/// every other (the server calls it at start).
///
/// # Errors
/// As [`verify`].
pub async fn prepare_decoy() -> Result<(), AppError> {
    with_permit(|| {
        decoy_hash();
    })
    .await
}

/// The decoy's PHC string, made on first use (on a hashing thread, with its memory).
fn decoy_hash() -> &'static str {
    DECOY_HASH.get_or_init(|| new_hash(b"confab decoy password").unwrap_or_default())
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

    /// README: "the same hashing work" for an unknown email and a wrong password. Both run
    /// `matches` once; this proves the decoy it runs against costs what a real hash costs.
    #[tokio::test]
    async fn the_decoy_costs_what_a_real_hash_costs() {
        let real = hash("correct horse".into()).await.expect("hash");
        assert!(!verify("correct horse".into(), None).await.expect("verify"));
        let decoy = DECOY_HASH
            .get()
            .expect("made by the check of an unknown account");
        let (real, decoy) = (
            PasswordHash::new(&real).expect("a PHC string"),
            PasswordHash::new(decoy).expect("a PHC string"),
        );
        assert_eq!(real.algorithm, decoy.algorithm);
        assert_eq!(real.version, decoy.version);
        assert_eq!(
            Params::try_from(&real).expect("parameters"),
            Params::try_from(&decoy).expect("parameters"),
            "memory, passes and lanes"
        );
        assert_eq!(
            real.hash.map(|h| h.len()),
            decoy.hash.map(|h| h.len()),
            "output length"
        );
    }
}
