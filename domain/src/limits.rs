//! Limits per person and per client address: token buckets for rates (messages, sign-in
//! failures, sign-ups, new visitor sessions) and slots for open sockets.
//!
//! On SQLite (one process) the counts live in memory. On PostgreSQL several instances share
//! them through the database, so a person cannot multiply their allowance by reaching another
//! instance: buckets are rows of an `UNLOGGED` table updated by one atomic upsert, and sockets
//! hold leases that their instance renews while it runs (a crashed instance's leases expire).
//! Keys are hashed, so a key's size never depends on what a client sent, and buckets that
//! have filled up again are swept in the background, not on every call.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, TransactionTrait};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use wire::error::AppError;

/// A rate: `burst` events at once, then one more every `per / burst`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Events allowed at once (the bucket's size).
    pub burst: u32,
    /// Time in which a drained bucket fills up again.
    pub per: Duration,
}

impl Rate {
    /// `burst` events per `per`.
    pub const fn new(burst: u32, per: Duration) -> Self {
        Self { burst, per }
    }

    fn tokens_per_second(self) -> f64 {
        f64::from(self.burst) / self.per.as_secs_f64().max(0.001)
    }
}

/// Every limit Confab enforces, as configured.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitSettings {
    /// Messages one person (a user, a visitor, a staff member) may post, by any route.
    pub messages: Rate,
    /// Failed sign-ins per email and client address.
    pub sign_in_failures_per_account: Rate,
    /// Failed sign-ins per client address, whatever the email.
    pub sign_in_failures_per_address: Rate,
    /// Accounts created per client address.
    pub sign_ups_per_address: Rate,
    /// New widget visitor sessions per client address.
    pub visitor_sessions_per_address: Rate,
    /// Sockets open at once per signed-in person.
    pub sockets_per_user: u32,
    /// Sockets open at once per client address.
    pub sockets_per_address: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        let minute = Duration::from_secs(60);
        let hour = Duration::from_secs(60 * 60);
        Self {
            messages: Rate::new(20, minute / 3),
            sign_in_failures_per_account: Rate::new(5, 5 * minute),
            sign_in_failures_per_address: Rate::new(20, 5 * minute),
            sign_ups_per_address: Rate::new(10, hour),
            visitor_sessions_per_address: Rate::new(20, hour),
            sockets_per_user: 20,
            sockets_per_address: 200,
        }
    }
}

/// Which limit a key is counted under (part of the hashed key, so limits never share counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// [`LimitSettings::messages`], keyed by the poster's user id.
    Messages,
    /// Files uploaded, at the rate of [`LimitSettings::messages`] in a bucket of their own,
    /// keyed by the uploader's user id.
    Uploads,
    /// [`LimitSettings::sign_in_failures_per_account`], keyed by email and address.
    SignInFailuresPerAccount,
    /// [`LimitSettings::sign_in_failures_per_address`], keyed by address.
    SignInFailuresPerAddress,
    /// [`LimitSettings::sign_ups_per_address`], keyed by address.
    SignUpsPerAddress,
    /// [`LimitSettings::visitor_sessions_per_address`], keyed by address.
    VisitorSessionsPerAddress,
}

impl Limit {
    fn name(self) -> &'static str {
        match self {
            Self::Messages => "messages",
            Self::Uploads => "uploads",
            Self::SignInFailuresPerAccount => "sign_in_failures_account",
            Self::SignInFailuresPerAddress => "sign_in_failures_address",
            Self::SignUpsPerAddress => "sign_ups_address",
            Self::VisitorSessionsPerAddress => "visitor_sessions_address",
        }
    }
}

/// A bucket key: a hash of the limit and the caller's key, fixed in size whatever was sent.
type Key = String;

fn key(limit: &str, raw: &str) -> Key {
    let digest = Sha256::digest(format!("{limit}\0{raw}").as_bytes());
    hex::encode(&digest[..16])
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn available(self, rate: Rate, now: Instant) -> f64 {
        let earned =
            now.saturating_duration_since(self.updated).as_secs_f64() * rate.tokens_per_second();
        (self.tokens + earned).min(f64::from(rate.burst))
    }
}

/// What the in-memory store holds.
#[derive(Default)]
struct Memory {
    buckets: HashMap<Key, (Bucket, Rate)>,
}

enum Store {
    Memory(Mutex<Memory>),
    Database {
        db: DatabaseConnection,
        /// This process, owner of the socket leases it takes.
        instance: Uuid,
        /// The leases this process holds, renewed by upkeep (and only these).
        leases: Mutex<std::collections::HashSet<Uuid>>,
    },
}

/// The limits of this process; share it behind an `Arc`.
pub struct Limits {
    settings: LimitSettings,
    store: Store,
    /// Open sockets counted in this process: per address always (a flood of upgrades from one
    /// address never reaches the database, so it cannot tie up the pool), per person on SQLite.
    local_sockets: Mutex<HashMap<Key, u32>>,
}

/// One socket slot held.
enum Slot {
    /// Counted in [`Limits::local_sockets`] under this key.
    Counted(Key),
    /// A lease row in `socket_leases` (PostgreSQL).
    Leased(Uuid),
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("settings", &self.settings)
            .field(
                "store",
                &match self.store {
                    Store::Memory(_) => "memory",
                    Store::Database { .. } => "database",
                },
            )
            .finish()
    }
}

/// How long a socket lease lives without renewal; instances renew theirs well before.
const LEASE: Duration = Duration::from_secs(90);
/// How often leases are renewed and filled buckets swept.
const UPKEEP_EVERY: Duration = Duration::from_secs(30);

impl Limits {
    /// Limits counted in this process's memory.
    pub fn in_memory(settings: LimitSettings) -> Self {
        Self {
            settings,
            store: Store::Memory(Mutex::default()),
            local_sockets: Mutex::default(),
        }
    }

    /// Limits for a process on `db`: shared through the database on PostgreSQL, in memory on
    /// SQLite (which one process serves).
    pub fn for_database(settings: LimitSettings, db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Self {
                settings,
                store: Store::Database {
                    db: db.clone(),
                    instance: Uuid::now_v7(),
                    leases: Mutex::default(),
                },
                local_sockets: Mutex::default(),
            },
            _ => Self::in_memory(settings),
        }
    }

    /// The configured limits.
    pub fn settings(&self) -> &LimitSettings {
        &self.settings
    }

    fn rate(&self, limit: Limit) -> Rate {
        match limit {
            Limit::Messages | Limit::Uploads => self.settings.messages,
            Limit::SignInFailuresPerAccount => self.settings.sign_in_failures_per_account,
            Limit::SignInFailuresPerAddress => self.settings.sign_in_failures_per_address,
            Limit::SignUpsPerAddress => self.settings.sign_ups_per_address,
            Limit::VisitorSessionsPerAddress => self.settings.visitor_sessions_per_address,
        }
    }

    fn memory(memory: &Mutex<Memory>) -> MutexGuard<'_, Memory> {
        lock(memory)
    }

    /// Takes one token from `key`'s bucket, or refuses with the wait until one is back.
    ///
    /// # Errors
    /// 429 with `retry_after_secs` when the bucket is empty; internal on database failure.
    pub async fn take(&self, limit: Limit, raw_key: &str) -> Result<(), AppError> {
        match &self.store {
            Store::Memory(memory) => self.take_in_memory(memory, limit, raw_key),
            Store::Database { db, .. } => self.take_in_database(db, limit, raw_key).await,
        }
    }

    /// [`take`](Self::take) through `conn`: a caller inside a transaction passes it, so the
    /// bucket is counted on the connection it already holds (on PostgreSQL, a second
    /// connection per request would exhaust the pool under a burst) and a refusal or a
    /// rollback leaves the bucket as it was.
    ///
    /// # Errors
    /// As [`take`](Self::take).
    pub async fn take_on(
        &self,
        conn: &impl ConnectionTrait,
        limit: Limit,
        raw_key: &str,
    ) -> Result<(), AppError> {
        match &self.store {
            Store::Memory(memory) => self.take_in_memory(memory, limit, raw_key),
            Store::Database { .. } => self.take_in_database(conn, limit, raw_key).await,
        }
    }

    fn take_in_memory(
        &self,
        memory: &Mutex<Memory>,
        limit: Limit,
        raw_key: &str,
    ) -> Result<(), AppError> {
        let rate = self.rate(limit);
        let now = Instant::now();
        let mut memory = Self::memory(memory);
        let entry = memory.buckets.entry(key(limit.name(), raw_key)).or_insert((
            Bucket {
                tokens: f64::from(rate.burst),
                updated: now,
            },
            rate,
        ));
        let available = entry.0.available(rate, now);
        if available < 1.0 {
            return Err(refusal(limit, rate, available));
        }
        entry.0 = Bucket {
            tokens: available - 1.0,
            updated: now,
        };
        Ok(())
    }

    async fn take_in_database(
        &self,
        conn: &impl ConnectionTrait,
        limit: Limit,
        raw_key: &str,
    ) -> Result<(), AppError> {
        let rate = self.rate(limit);
        let key = key(limit.name(), raw_key);
        let taken = conn
            .query_one_raw(bucket_statement(&TAKE_SQL, &key, rate))
            .await?;
        if taken.is_some() {
            return Ok(());
        }
        let available = available_in_database(conn, &key, rate).await?;
        Err(refusal(limit, rate, available))
    }

    /// Puts back a token taken from `key`'s bucket (never above its burst): for attempts that
    /// turned out not to count, such as a sign-in that succeeded. Taking first and giving back
    /// after, rather than checking first and charging after, keeps parallel attempts from all
    /// passing the check before the first one is charged.
    ///
    /// # Errors
    /// Internal on database failure.
    pub async fn give_back(&self, limit: Limit, raw_key: &str) -> Result<(), AppError> {
        let rate = self.rate(limit);
        let key = key(limit.name(), raw_key);
        match &self.store {
            Store::Memory(memory) => {
                if let Some((bucket, _)) = Self::memory(memory).buckets.get_mut(&key) {
                    bucket.tokens = (bucket.tokens + 1.0).min(f64::from(rate.burst));
                }
            }
            Store::Database { db, .. } => {
                db.execute_raw(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    "UPDATE rate_limit_buckets SET tokens = LEAST($2, tokens + 1) WHERE key = $1",
                    [key.into(), f64::from(rate.burst).into()],
                ))
                .await?;
            }
        }
        Ok(())
    }

    /// Opens a socket slot for each of `keys` (a user, an address), or refuses when one of
    /// them has all its slots in use. The slots are freed when the returned guard drops.
    /// Addresses are counted per process; people, on PostgreSQL, across every instance.
    ///
    /// # Errors
    /// 429 when a key is at its cap; internal on database failure.
    pub async fn open_socket(
        self: &Arc<Self>,
        keys: &[SocketKey],
    ) -> Result<SocketSlots, AppError> {
        let mut slots = SocketSlots {
            limits: Arc::clone(self),
            held: Vec::new(),
        };
        for socket_key in keys {
            let slot = match (socket_key, &self.store) {
                (
                    SocketKey::User(id),
                    Store::Database {
                        db,
                        instance,
                        leases,
                    },
                ) => {
                    let key = key("sockets", &format!("user:{id}"));
                    let lease =
                        lease_socket(db, *instance, &key, self.settings.sockets_per_user).await?;
                    lease.map(|id| {
                        lock(leases).insert(id);
                        Slot::Leased(id)
                    })
                }
                (SocketKey::User(id), Store::Memory(_)) => self.count_locally(
                    key("sockets", &format!("user:{id}")),
                    self.settings.sockets_per_user,
                ),
                (SocketKey::Address(addr), _) => self.count_locally(
                    key("sockets", &format!("addr:{addr}")),
                    self.settings.sockets_per_address,
                ),
            };
            match slot {
                Some(slot) => slots.held.push(slot),
                // `slots` drops here and frees what it took.
                None => {
                    return Err(AppError::RateLimited {
                        retry_after_secs: 10,
                    });
                }
            }
        }
        Ok(slots)
    }

    fn count_locally(&self, key: Key, cap: u32) -> Option<Slot> {
        let mut counts = lock(&self.local_sockets);
        let open = counts.entry(key.clone()).or_default();
        if *open >= cap {
            return None;
        }
        *open += 1;
        Some(Slot::Counted(key))
    }

    fn release(&self, held: Vec<Slot>) {
        let mut leased = Vec::new();
        {
            let mut counts = lock(&self.local_sockets);
            for slot in held {
                match slot {
                    Slot::Counted(key) => {
                        if let Some(open) = counts.get_mut(&key) {
                            *open = open.saturating_sub(1);
                            if *open == 0 {
                                counts.remove(&key);
                            }
                        }
                    }
                    Slot::Leased(id) => leased.push(id),
                }
            }
        }
        let Store::Database { db, leases, .. } = &self.store else {
            return;
        };
        if leased.is_empty() {
            return;
        }
        // No longer renewed from now on: should the delete below fail, the lease expires.
        lock(leases).retain(|id| !leased.contains(id));
        let db = db.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                for id in leased {
                    let delete = Statement::from_sql_and_values(
                        DatabaseBackend::Postgres,
                        "DELETE FROM socket_leases WHERE id = $1",
                        [id.into()],
                    );
                    if let Err(err) = db.execute_raw(delete).await {
                        tracing::warn!(error = %err, "could not free a socket lease");
                    }
                }
            });
        }
    }

    /// Renews this instance's socket leases and forgets buckets that are full again. Runs
    /// every 30 s from [`spawn_upkeep`](Self::spawn_upkeep); tests call it directly.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn upkeep(&self) -> Result<(), sea_orm::DbErr> {
        match &self.store {
            Store::Memory(memory) => {
                Self::sweep(memory, Instant::now());
                Ok(())
            }
            Store::Database {
                db,
                instance,
                leases,
            } => {
                let held = lock(leases)
                    .iter()
                    .map(Uuid::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                db.execute_raw(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    "UPDATE socket_leases SET expires_at = now() + make_interval(secs => $3) \
                     WHERE instance = $1 AND id::text = ANY(string_to_array($2, ','))",
                    [(*instance).into(), held.into(), LEASE.as_secs_f64().into()],
                ))
                .await?;
                db.execute_unprepared(
                    "DELETE FROM socket_leases WHERE expires_at < now(); \
                     DELETE FROM rate_limit_buckets WHERE full_at < now()",
                )
                .await?;
                Ok(())
            }
        }
    }

    /// Forgets the buckets that are full again at `now`: they hold nothing a new one would not.
    fn sweep(memory: &Mutex<Memory>, now: Instant) {
        Self::memory(memory)
            .buckets
            .retain(|_, (bucket, rate)| bucket.available(*rate, now) < f64::from(rate.burst));
    }

    /// Runs [`upkeep`](Self::upkeep) every 30 seconds for as long as the process lives.
    pub fn spawn_upkeep(self: &Arc<Self>) {
        let limits = Arc::clone(self);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP_EVERY);
            loop {
                every.tick().await;
                if let Err(err) = limits.upkeep().await {
                    tracing::warn!(error = %err, "could not renew socket leases or sweep limits");
                }
            }
        });
    }

    /// How many keys the in-memory store holds (buckets, socket counters); 0 on PostgreSQL.
    pub fn keys_in_memory(&self) -> usize {
        let buckets = match &self.store {
            Store::Memory(memory) => Self::memory(memory).buckets.len(),
            Store::Database { .. } => 0,
        };
        buckets + lock(&self.local_sockets).len()
    }
}

/// Who a socket counts against.
#[derive(Clone, Debug)]
pub enum SocketKey {
    /// A signed-in person.
    User(Uuid),
    /// A client address (its limit key: the address, or its /64).
    Address(String),
}

/// Socket slots held by one connection; freed on drop.
pub struct SocketSlots {
    limits: Arc<Limits>,
    held: Vec<Slot>,
}

/// Locks a map whose every change is a single insert, update or removal: a poisoned lock is
/// still consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Drop for SocketSlots {
    fn drop(&mut self) {
        self.limits.release(std::mem::take(&mut self.held));
    }
}

/// The tokens in `key`'s bucket now (a full bucket when it has no row).
async fn available_in_database(
    conn: &impl ConnectionTrait,
    key: &str,
    rate: Rate,
) -> Result<f64, AppError> {
    let row = conn
        .query_one_raw(bucket_statement(&AVAILABLE_SQL, key, rate))
        .await?;
    Ok(match row {
        Some(row) => row.try_get_by_index::<f64>(0)?,
        None => f64::from(rate.burst),
    })
}

/// A refusal of `limit`, with the wait until a bucket with `available` tokens has one, in
/// whole seconds (at least 1).
fn refusal(limit: Limit, rate: Rate, available: f64) -> AppError {
    metrics::counter!("confab_rate_limited_total", "limit" => limit.name()).increment(1);
    let missing = (1.0 - available).max(0.0);
    let wait = missing / rate.tokens_per_second();
    AppError::RateLimited {
        // Whole seconds: a wait of at most `per`, never negative, so the cast loses nothing.
        retry_after_secs: (wait.ceil() as u64).max(1),
    }
}

/// The bucket's tokens now, refilled since its last update and capped at the burst.
const REFILLED: &str = "LEAST($2, b.tokens + EXTRACT(EPOCH FROM (now() - b.updated_at)) * $3)";

/// One atomic statement: refill, and take a token if there is one; no row when there is none.
/// `full_at` is when the bucket will be full again, for the sweep.
static TAKE_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO rate_limit_buckets AS b (key, tokens, updated_at, full_at) \
         VALUES ($1, $2 - 1, now(), now() + make_interval(secs => 1 / $3)) \
         ON CONFLICT (key) DO UPDATE SET \
           tokens = {REFILLED} - 1, \
           updated_at = now(), \
           full_at = now() + make_interval(secs => ($2 - ({REFILLED} - 1)) / $3) \
         WHERE {REFILLED} >= 1 \
         RETURNING b.tokens"
    )
});

static AVAILABLE_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!("SELECT {REFILLED}::float8 FROM rate_limit_buckets AS b WHERE key = $1")
});

fn bucket_statement(sql: &str, key: &str, rate: Rate) -> Statement {
    Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        sql,
        [
            key.into(),
            f64::from(rate.burst).into(),
            rate.tokens_per_second().into(),
        ],
    )
}

/// Takes a lease on one of `key`'s `cap` socket slots, or `None` when all are in use. The
/// advisory lock makes count-then-insert atomic per key across instances.
async fn lease_socket(
    db: &DatabaseConnection,
    instance: Uuid,
    key: &str,
    cap: u32,
) -> Result<Option<Uuid>, AppError> {
    let id = Uuid::now_v7();
    let txn = db.begin().await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtext($1))",
        [key.into()],
    ))
    .await?;
    let inserted = txn
        .execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "INSERT INTO socket_leases (id, key, instance, expires_at) \
             SELECT $1, $2, $3, now() + make_interval(secs => $5) \
             WHERE (SELECT count(*) FROM socket_leases \
                    WHERE key = $2 AND expires_at > now()) < $4",
            [
                id.into(),
                key.into(),
                instance.into(),
                i64::from(cap).into(),
                LEASE.as_secs_f64().into(),
            ],
        ))
        .await?
        .rows_affected();
    txn.commit().await?;
    Ok((inserted == 1).then_some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LimitSettings {
        LimitSettings {
            messages: Rate::new(2, Duration::from_secs(60)),
            sockets_per_user: 1,
            sockets_per_address: 2,
            ..LimitSettings::default()
        }
    }

    #[tokio::test]
    async fn a_bucket_allows_its_burst_then_says_how_long_to_wait() {
        let limits = Limits::in_memory(settings());
        limits.take(Limit::Messages, "u").await.expect("first");
        limits.take(Limit::Messages, "u").await.expect("second");
        let refused = limits.take(Limit::Messages, "u").await;
        assert!(
            matches!(refused, Err(AppError::RateLimited { retry_after_secs }) if (29..=30).contains(&retry_after_secs)),
            "{refused:?}"
        );
        limits
            .take(Limit::Messages, "v")
            .await
            .expect("keys are independent");
        limits
            .take(Limit::SignUpsPerAddress, "u")
            .await
            .expect("limits are independent");
    }

    #[tokio::test]
    async fn a_token_given_back_can_be_taken_again_but_never_above_the_burst() {
        let limits = Limits::in_memory(settings());
        limits.take(Limit::Messages, "u").await.expect("first");
        limits.take(Limit::Messages, "u").await.expect("second");
        limits
            .give_back(Limit::Messages, "u")
            .await
            .expect("give back");
        limits
            .take(Limit::Messages, "u")
            .await
            .expect("taken again");
        assert!(limits.take(Limit::Messages, "u").await.is_err());
        for _ in 0..5 {
            limits
                .give_back(Limit::Messages, "v")
                .await
                .expect("nothing to give back to");
        }
        limits.take(Limit::Messages, "v").await.expect("v");
        limits.take(Limit::Messages, "v").await.expect("v");
        assert!(
            limits.take(Limit::Messages, "v").await.is_err(),
            "gifts never exceed the burst"
        );
    }

    #[tokio::test]
    async fn socket_slots_are_capped_and_freed_on_drop() {
        let limits = Arc::new(Limits::in_memory(settings()));
        let user = SocketKey::User(Uuid::now_v7());
        let first = limits
            .open_socket(&[user.clone(), SocketKey::Address("a".into())])
            .await
            .expect("first socket");
        assert!(
            limits
                .open_socket(&[SocketKey::Address("a".into()), user.clone()])
                .await
                .is_err(),
            "one socket per user"
        );
        // The refused attempt freed the address slot it had taken.
        let other = limits
            .open_socket(&[SocketKey::Address("a".into())])
            .await
            .expect("the address has a second slot");
        drop(first);
        limits.open_socket(&[user]).await.expect("freed on drop");
        drop(other);
    }

    #[tokio::test]
    async fn the_sweep_forgets_full_buckets_only() {
        let limits = Limits::in_memory(LimitSettings {
            messages: Rate::new(1, Duration::from_secs(1)),
            sign_ups_per_address: Rate::new(1, Duration::from_secs(3600)),
            ..settings()
        });
        limits.take(Limit::Messages, "quick").await.expect("take");
        limits
            .take(Limit::SignUpsPerAddress, "slow")
            .await
            .expect("take");
        let Store::Memory(memory) = &limits.store else {
            unreachable!("an in-memory store");
        };
        Limits::sweep(memory, Instant::now());
        assert_eq!(limits.keys_in_memory(), 2, "both still draining");
        Limits::sweep(memory, Instant::now() + Duration::from_secs(2));
        assert_eq!(limits.keys_in_memory(), 1, "only the still-draining bucket");
    }

    #[test]
    fn keys_are_fixed_size_hashes() {
        let long = "x".repeat(65_536);
        assert_eq!(key("messages", &long).len(), 32);
        assert_ne!(key("messages", "a"), key("sign_ups_address", "a"));
    }
}
