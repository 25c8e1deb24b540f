//! Signed links to files: `/files/{id}?exp=…&sig=…`, an HMAC-SHA256 over the attachment's
//! id, the variant and the expiry. A link works without cookies and from other origins (an
//! `<img src>` in an embedding site), for whoever holds it until it expires, so links are
//! only ever put in what the chat's user and staff may read, and expire: views get links
//! good for one to two hours (the expiry is a whole hour, so the same file keeps the same
//! link for an hour and browsers cache it), reply emails links good for 30 days.
//!
//! The key is shared by every instance through the database (`secrets`), made by the first
//! that needs it; `confab files rotate-key` replaces it, which revokes every link handed out.
//! Instances re-read it every minute.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ConnectionTrait, EntityTrait, Set, sea_query::OnConflict};
use sha2::Sha256;
use uuid::Uuid;
use wire::error::AppError;

use super::storage::Variant;
use crate::{clock, entities::Secret, entities::secret};

/// The `secrets` row links are signed with.
pub const LINK_KEY: &str = "file_links";

/// How long an instance keeps using the key it read before reading it again.
const KEY_REFRESH: Duration = Duration::from_secs(60);

/// How long links in reply emails last.
pub const EMAIL_LINK_LIFETIME: TimeDelta = TimeDelta::days(30);

/// Makes and checks links for one process.
#[derive(Debug)]
pub struct Links {
    /// Prefixed to every link: the public URL, or empty for links relative to the server.
    base: String,
    cached: Mutex<Option<(Vec<u8>, Instant)>>,
}

impl Links {
    /// Links under `base` (e.g. `https://chat.example.com`; empty for relative links).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            cached: Mutex::new(None),
        }
    }

    /// A signer with the current key.
    ///
    /// # Errors
    /// Internal error when the key can be neither read nor made.
    pub async fn signer(&self, db: &impl ConnectionTrait) -> Result<Signer, AppError> {
        if let Some(key) = self.fresh_key() {
            return Ok(Signer {
                key,
                base: self.base.clone(),
            });
        }
        let key = shared_key(db).await?;
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some((key.clone(), Instant::now()));
        }
        Ok(Signer {
            key,
            base: self.base.clone(),
        })
    }

    fn fresh_key(&self) -> Option<Vec<u8>> {
        let cached = self.cached.lock().ok()?;
        let (key, read_at) = cached.as_ref()?;
        (read_at.elapsed() < KEY_REFRESH).then(|| key.clone())
    }

    /// Forgets the key read, so the next link uses the database's (after a rotation).
    pub fn forget_key(&self) {
        if let Ok(mut cached) = self.cached.lock() {
            *cached = None;
        }
    }
}

/// The key, made now if no instance made it yet.
async fn shared_key(db: &impl ConnectionTrait) -> Result<Vec<u8>, AppError> {
    if let Some(row) = Secret::find_by_id(LINK_KEY).one(db).await? {
        return decode(&row.value);
    }
    Secret::insert(new_key_row()?)
        .on_conflict(
            OnConflict::column(secret::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    // Whichever instance's insert won, everyone uses the stored one.
    let row = Secret::find_by_id(LINK_KEY)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("file link key", "missing after insert"))?;
    decode(&row.value)
}

/// A `secrets` row holding a new random key for links.
fn new_key_row() -> Result<secret::ActiveModel, AppError> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|err| AppError::internal("file link key", err))?;
    Ok(secret::ActiveModel {
        name: Set(LINK_KEY.to_owned()),
        value: Set(hex::encode(key)),
        created_at: Set(clock::now()),
    })
}

fn decode(value: &str) -> Result<Vec<u8>, AppError> {
    hex::decode(value).map_err(|err| AppError::internal("file link key", err))
}

/// Replaces the key: every link handed out so far stops working (within a minute on
/// instances already running).
///
/// # Errors
/// Internal error on database failure.
pub async fn rotate_key(db: &impl ConnectionTrait) -> Result<(), AppError> {
    Secret::insert(new_key_row()?)
        .on_conflict(
            OnConflict::column(secret::Column::Name)
                .update_columns([secret::Column::Value, secret::Column::CreatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The expiry of links in views read at `now`: the whole hour at least one hour ahead.
pub fn view_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    let hour = 3_600;
    let at = (now.timestamp() / hour + 2) * hour;
    DateTime::from_timestamp(at, 0).unwrap_or(now + TimeDelta::hours(2))
}

/// Signs and checks links with one key.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
    base: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(***)")
    }
}

impl Signer {
    fn mac(&self, id: Uuid, variant: Variant, expires: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        let variant = match variant {
            Variant::Original => "file",
            Variant::Thumbnail => "thumbnail",
        };
        mac.update(format!("{id}:{variant}:{expires}").as_bytes());
        mac
    }

    /// The link to `variant` of attachment `id`, good until `expires`.
    pub fn url(&self, id: Uuid, variant: Variant, expires: DateTime<Utc>) -> String {
        let expires = expires.timestamp();
        let sig = hex::encode(self.mac(id, variant, expires).finalize().into_bytes());
        let path = match variant {
            Variant::Original => format!("/files/{id}"),
            Variant::Thumbnail => format!("/files/{id}/thumbnail"),
        };
        format!("{}{path}?exp={expires}&sig={sig}", self.base)
    }

    /// Whether `sig` signs `variant` of `id` until `expires`, and `expires` is after `now`.
    /// The signature is compared in constant time.
    pub fn verify(
        &self,
        id: Uuid,
        variant: Variant,
        expires: i64,
        sig: &str,
        now: DateTime<Utc>,
    ) -> bool {
        let Ok(sig) = hex::decode(sig) else {
            return false;
        };
        let signed = self.mac(id, variant, expires).verify_slice(&sig).is_ok();
        signed && expires > now.timestamp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(key: &[u8]) -> Signer {
        Signer {
            key: key.to_vec(),
            base: "https://chat.example".to_owned(),
        }
    }

    fn parts(url: &str) -> (i64, String) {
        let (_, query) = url.split_once('?').expect("a query");
        let exp = query
            .split('&')
            .find_map(|p| p.strip_prefix("exp="))
            .and_then(|e| e.parse().ok())
            .expect("exp");
        let sig = query
            .split('&')
            .find_map(|p| p.strip_prefix("sig="))
            .expect("sig");
        (exp, sig.to_owned())
    }

    #[test]
    fn a_link_verifies_for_its_own_id_variant_and_time_only() {
        let now = clock::now();
        let id = Uuid::now_v7();
        let one = signer(b"one");
        let url = one.url(id, Variant::Original, view_expiry(now));
        assert!(url.starts_with(&format!("https://chat.example/files/{id}?exp=")));
        let (exp, sig) = parts(&url);
        assert!(one.verify(id, Variant::Original, exp, &sig, now));
        assert!(!one.verify(Uuid::now_v7(), Variant::Original, exp, &sig, now));
        assert!(!one.verify(id, Variant::Thumbnail, exp, &sig, now));
        assert!(!one.verify(id, Variant::Original, exp + 3600, &sig, now));
        let mut forged = sig.clone();
        forged.replace_range(0..1, if sig.starts_with('0') { "1" } else { "0" });
        assert!(!one.verify(id, Variant::Original, exp, &forged, now));
        assert!(!one.verify(id, Variant::Original, exp, "not hex", now));
        // Another key (a rotation) refuses it; so does time past the expiry.
        assert!(!signer(b"two").verify(id, Variant::Original, exp, &sig, now));
        let later = DateTime::from_timestamp(exp, 0).expect("a time");
        assert!(!one.verify(id, Variant::Original, exp, &sig, later));
    }

    #[test]
    fn view_links_last_one_to_two_hours_and_change_on_the_hour() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T10:59:59Z")
            .expect("a time")
            .to_utc();
        let expiry = view_expiry(now);
        assert_eq!(expiry.to_rfc3339(), "2026-12-04T12:00:00+00:00");
        let on_the_hour = view_expiry(now + TimeDelta::seconds(1));
        assert_eq!(on_the_hour.to_rfc3339(), "2026-12-04T13:00:00+00:00");
        assert!(expiry - now >= TimeDelta::hours(1));
    }
}
