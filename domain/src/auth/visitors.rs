//! Visitors of sites that embed the widget: anonymous ones get a bearer token of their own;
//! verified ones are vouched for by the embedding site, so the same person finds the same
//! conversation on every device. The site vouches either with a signed identity token (a JWT,
//! HS256 with the identity secret: id, email and name all signed, and an expiry) or, the
//! legacy way, with `user_hash`, an HMAC of the id alone: then the id is verified but an email
//! or name sent beside it is not.

use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, ModelTrait, QueryFilter, QuerySelect, Set,
};
use sha2::Sha256;
use uuid::Uuid;

use super::validate;
use crate::{
    clock,
    entities::{SupportChat, User, columns::RoleColumn, support_chat, support_message, user},
    transactions,
};
use wire::error::AppError;

/// The shared secret embedding sites sign visitor ids with (`CONFAB_IDENTITY_SECRET`).
#[derive(Clone)]
pub struct IdentitySecret(Vec<u8>);

impl IdentitySecret {
    /// Wraps the configured secret.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self(secret.into())
    }
}

// The secret must never reach a log line.
impl std::fmt::Debug for IdentitySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentitySecret(***)")
    }
}

/// What an embedding site says about its signed-in user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimedIdentity {
    /// The legacy form: the id signed by `user_hash`; email and name ride along unsigned.
    Hashed {
        /// The site's own id for the person.
        external_id: String,
        /// Their email, if the site shares it (not verified).
        email: Option<String>,
        /// Their display name, if the site shares it.
        name: Option<String>,
        /// Hex HMAC-SHA256(secret, external_id).
        user_hash: String,
    },
    /// A signed identity token: a JWT (HS256, keyed with the identity secret) with `sub` (the
    /// site's id), optional `email` and `name`, and `exp`.
    Token(String),
}

/// The claims of an identity token.
#[derive(serde::Deserialize)]
struct TokenClaims {
    sub: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// Seconds of clock difference allowed between the embedding site and Confab when checking
/// an identity token's expiry.
const TOKEN_LEEWAY_SECS: u64 = 30;

/// An identity whose proof checked out.
struct Vouched {
    external_id: String,
    email: Option<String>,
    name: Option<String>,
    email_verified: bool,
}

fn vouched(secret: &IdentitySecret, claim: ClaimedIdentity) -> Result<Vouched, AppError> {
    match claim {
        ClaimedIdentity::Hashed {
            external_id,
            email,
            name,
            user_hash,
        } => {
            let trimmed = checked_external_id(&external_id)?;
            // One secret signs both forms. A `user_hash` over an id shaped like a token's
            // signed part (`header.claims`) would be that token's signature, so a site that
            // lets people choose their ids could be made to sign a token for anyone.
            if looks_like_token_input(&trimmed) {
                return Err(AppError::validation(
                    "user-id must not have the shape of an identity token's header and claims",
                ));
            }
            if !hash_matches(secret, &trimmed, &user_hash) {
                return Err(AppError::unauthorized(
                    "user-hash does not match user-id: it must be the hex HMAC-SHA256 of user-id keyed with the identity secret",
                ));
            }
            Ok(Vouched {
                external_id: trimmed,
                email,
                name,
                email_verified: false,
            })
        }
        ClaimedIdentity::Token(token) => {
            let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
            validation.leeway = TOKEN_LEEWAY_SECS;
            validation.set_required_spec_claims(&["exp", "sub"]);
            let key = jsonwebtoken::DecodingKey::from_secret(&secret.0)
                .map_err(|err| AppError::internal("unusable identity secret", err))?;
            let claims = jsonwebtoken::decode::<TokenClaims>(token.trim(), &key, &validation)
                .map_err(|err| {
                    AppError::unauthorized(match err.kind() {
                        jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                            "the identity token has expired; issue a fresh one"
                        }
                        _ => {
                            "the identity token is not valid: it must be a JWT signed with HS256 and the identity secret, with `sub` and `exp`"
                        }
                    })
                })?
                .claims;
            let email_verified = claims.email.is_some();
            Ok(Vouched {
                external_id: checked_external_id(&claims.sub)?,
                email: claims.email,
                name: claims.name,
                email_verified,
            })
        }
    }
}

/// Whether `id` is two base64url parts joined by a dot whose first decodes to a JSON object:
/// the signing input of a JWT.
fn looks_like_token_input(id: &str) -> bool {
    let Some((header, claims)) = id.split_once('.') else {
        return false;
    };
    let base64url = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    base64url(header)
        && base64url(claims)
        && decode_base64url(header).is_some_and(|bytes| bytes.first() == Some(&b'{'))
}

/// Unpadded base64url, decoded; `None` for anything else.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The id, trimmed, when it is usable.
fn checked_external_id(raw: &str) -> Result<String, AppError> {
    let external_id = raw.trim();
    if external_id.is_empty() || raw.chars().count() > MAX_EXTERNAL_ID || external_id.contains('\0')
    {
        return Err(AppError::validation(format!(
            "user-id must have 1 to {MAX_EXTERNAL_ID} characters and no NUL"
        )));
    }
    Ok(external_id.to_owned())
}

/// Longest external id accepted (the column's width).
const MAX_EXTERNAL_ID: usize = 255;

/// Whether `user_hash` is hex HMAC-SHA256(`secret`, `external_id`), compared in constant time.
pub fn hash_matches(secret: &IdentitySecret, external_id: &str, user_hash: &str) -> bool {
    let Ok(expected) = hex::decode(user_hash.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&secret.0) else {
        return false;
    };
    mac.update(external_id.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// A new anonymous visitor: a `users` row with no email.
///
/// # Errors
/// Internal error on database failure.
pub async fn create_anonymous(db: &DatabaseConnection) -> Result<user::Model, AppError> {
    insert_visitor(db).await
}

async fn insert_visitor(conn: &impl ConnectionTrait) -> Result<user::Model, AppError> {
    let now = clock::now();
    Ok(User::insert(user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(None),
        name: Set(None),
        role: Set(RoleColumn::User),
        password_hash: Set(None),
        external_id: Set(None),
        email_verified: Set(false),
        unsubscribed_at: Set(None),
        unsubscribe_token: Set(None),
        staff_role: Set(None),
        deactivated_at: Set(None),
        last_seen_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(conn)
    .await?)
}

/// Checks `claim` and returns the user it names, creating or upgrading as needed. When the
/// caller was an anonymous visitor (`current`), their conversation comes along: the anonymous
/// user becomes the verified one, or, if the verified one already exists, the chat (or its
/// messages) moves over and the anonymous user is removed.
///
/// # Errors
/// 400 when verification is not configured; 401 when the hash does not match or the token is
/// forged or expired (nothing is changed); 422 for an unusable id or email.
pub async fn verify(
    db: &DatabaseConnection,
    secret: Option<&IdentitySecret>,
    current: Option<user::Model>,
    claim: ClaimedIdentity,
) -> Result<user::Model, AppError> {
    let Some(secret) = secret else {
        return Err(AppError::bad_request(
            "identity verification is not enabled on this server (CONFAB_IDENTITY_SECRET is unset)",
        ));
    };
    let Vouched {
        external_id,
        email,
        name,
        email_verified,
    } = vouched(secret, claim)?;
    let email = email.as_deref().map(validate::email).transpose()?;
    let name = validate::name(name.as_deref())?;

    let txn = transactions::begin_write(db).await?;
    let known = User::find()
        .filter(user::Column::ExternalId.eq(&external_id))
        .one(&txn)
        .await?;
    // Only an anonymous visitor's conversation moves; a signed-in account is never merged.
    let anonymous = current.filter(|u| u.external_id.is_none() && u.password_hash.is_none());
    let target = match (known, anonymous) {
        (Some(known), Some(anon)) if anon.id != known.id => {
            move_conversation(&txn, anon.id, known.id).await?;
            anon.delete(&txn).await?;
            known
        }
        (Some(known), _) => known,
        (None, Some(anon)) => anon,
        (None, None) => insert_visitor(&txn).await?,
    };
    // The embedding site is the authority on its user's email, unless another account owns it.
    let email_free = match &email {
        Some(email) => User::find()
            .filter(user::Column::Email.eq(email))
            .filter(user::Column::Id.ne(target.id))
            .one(&txn)
            .await?
            .is_none(),
        None => false,
    };
    let mut update = target.into_active_model();
    update.external_id = Set(Some(external_id));
    if email_free {
        update.email = Set(email);
        update.email_verified = Set(email_verified);
    }
    if name.is_some() {
        update.name = Set(name);
    }
    update.updated_at = Set(clock::now());
    let verified = update.update(&txn).await?;
    txn.commit().await?;
    Ok(verified)
}

/// Moves what staff keep about the chat `from` to the chat `to` it merges into: the notes,
/// their mentions and the labels (each label once; with the merged chat's `last_message_at`).
async fn move_staff_side(
    txn: &sea_orm::DatabaseTransaction,
    from: Uuid,
    to: Uuid,
    latest: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), AppError> {
    use crate::entities::{ChatLabel, ChatNote, NoteMention, chat_label, chat_note, note_mention};
    use sea_orm::sea_query::{Expr, Query};

    // A client id the merged chat already has no longer makes a resend the same note.
    ChatNote::update_many()
        .col_expr(chat_note::Column::ClientId, Expr::value(None::<Uuid>))
        .filter(chat_note::Column::ChatId.eq(from))
        .filter(
            chat_note::Column::ClientId.in_subquery(
                Query::select()
                    .column(chat_note::Column::ClientId)
                    .from(ChatNote)
                    .and_where(chat_note::Column::ChatId.eq(to))
                    .and_where(chat_note::Column::ClientId.is_not_null())
                    .to_owned(),
            ),
        )
        .exec(txn)
        .await?;
    ChatNote::update_many()
        .col_expr(chat_note::Column::ChatId, Expr::value(to))
        .filter(chat_note::Column::ChatId.eq(from))
        .exec(txn)
        .await?;
    NoteMention::update_many()
        .col_expr(note_mention::Column::ChatId, Expr::value(to))
        .filter(note_mention::Column::ChatId.eq(from))
        .exec(txn)
        .await?;
    // A label both chats carry stays once.
    ChatLabel::delete_many()
        .filter(chat_label::Column::ChatId.eq(from))
        .filter(
            chat_label::Column::LabelId.in_subquery(
                Query::select()
                    .column(chat_label::Column::LabelId)
                    .from(ChatLabel)
                    .and_where(chat_label::Column::ChatId.eq(to))
                    .to_owned(),
            ),
        )
        .exec(txn)
        .await?;
    ChatLabel::update_many()
        .col_expr(chat_label::Column::ChatId, Expr::value(to))
        .filter(chat_label::Column::ChatId.eq(from))
        .exec(txn)
        .await?;
    ChatLabel::update_many()
        .col_expr(chat_label::Column::LastMessageAt, Expr::value(latest))
        .filter(chat_label::Column::ChatId.eq(to))
        .exec(txn)
        .await?;
    Ok(())
}

/// Moves `from`'s chat to `to`: the whole chat when `to` has none, else its messages.
async fn move_conversation(
    txn: &sea_orm::DatabaseTransaction,
    from: Uuid,
    to: Uuid,
) -> Result<(), AppError> {
    // Both chats are locked before they are read: a note, a label or a message written to
    // either meanwhile waits, and is moved (or kept) rather than deleted with the old chat.
    let find_chat = |user_id: Uuid| {
        SupportChat::find()
            .filter(support_chat::Column::UserId.eq(user_id))
            .lock_exclusive()
            .one(txn)
    };
    let Some(from_chat) = find_chat(from).await? else {
        return Ok(());
    };
    match find_chat(to).await? {
        None => {
            let mut chat = from_chat.into_active_model();
            chat.user_id = Set(to);
            chat.updated_at = Set(clock::now());
            chat.update(txn).await?;
        }
        Some(to_chat) => {
            // The moved messages follow the chat's own in sequence: to a subscriber of the
            // verified chat they are new, after everything it has seen.
            support_message::Entity::update_many()
                .col_expr(
                    support_message::Column::ChatId,
                    sea_orm::sea_query::Expr::value(to_chat.id),
                )
                .col_expr(
                    support_message::Column::Seq,
                    sea_orm::sea_query::ExprTrait::add(
                        sea_orm::sea_query::Expr::col(support_message::Column::Seq),
                        to_chat.last_seq,
                    ),
                )
                .filter(support_message::Column::ChatId.eq(from_chat.id))
                .exec(txn)
                .await?;
            let last_seq = to_chat.last_seq + from_chat.last_seq;
            let latest = [to_chat.last_message_at, from_chat.last_message_at]
                .into_iter()
                .flatten()
                .max();
            let user_wrote = [to_chat.last_user_message_at, from_chat.last_user_message_at]
                .into_iter()
                .flatten()
                .max();
            let message_count = to_chat.message_count + from_chat.message_count;
            // The moved messages are numbered last: the newest by seq is theirs, if any.
            let newest = if from_chat.message_count > 0 {
                (
                    from_chat.last_message_preview.clone(),
                    from_chat.last_message_sender,
                )
            } else {
                (
                    to_chat.last_message_preview.clone(),
                    to_chat.last_message_sender,
                )
            };
            move_staff_side(txn, from_chat.id, to_chat.id, latest).await?;
            from_chat.delete(txn).await?;
            let mut chat = to_chat.into_active_model();
            chat.last_message_at = Set(latest);
            chat.last_seq = Set(last_seq);
            chat.message_count = Set(message_count);
            chat.last_message_preview = Set(newest.0);
            chat.last_message_sender = Set(newest.1);
            chat.last_user_message_at = Set(user_wrote);
            chat.updated_at = Set(clock::now());
            chat.update(txn).await?;
        }
    }
    Ok(())
}

/// Records the email an anonymous visitor gave, so replies can reach them.
///
/// # Errors
/// 422 for an invalid address; 409 when it belongs to another account.
pub async fn set_email(
    db: &DatabaseConnection,
    visitor: user::Model,
    email: &str,
) -> Result<user::Model, AppError> {
    let email = validate::email(email)?;
    let owner = User::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?;
    if owner.is_some_and(|o| o.id != visitor.id) {
        return Err(AppError::conflict(format!(
            "{email} belongs to an existing account; sign in to use it"
        )));
    }
    let mut update = visitor.into_active_model();
    update.email = Set(Some(email));
    update.email_verified = Set(false);
    update.updated_at = Set(clock::now());
    Ok(update.update(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_shaped_like_a_token_s_signed_part_are_spotted() {
        // base64url of {"alg":"HS256"} and of {"sub":"x"}
        assert!(looks_like_token_input(
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0"
        ));
        assert!(!looks_like_token_input("ada.lovelace"));
        assert!(!looks_like_token_input("ada@example.com"));
        assert!(!looks_like_token_input("cust-42"));
        assert!(!looks_like_token_input("a.b.c"));
        assert_eq!(decode_base64url("eyJ9").as_deref(), Some(&b"{\"}"[..]));
    }

    #[test]
    fn hmac_matches_the_documented_recipe() {
        // Known answer from the README's recipe:
        // python3 -c "import hmac,hashlib;print(hmac.new(b'secret',b'user-42',hashlib.sha256).hexdigest())"
        let secret = IdentitySecret::new("secret");
        let known = "e286b7b944100ab478fe553b39122922de0000aee1d04087dc3e96eefc3a8d47";
        assert!(hash_matches(&secret, "user-42", known));
        assert!(hash_matches(&secret, "user-42", &known.to_uppercase()));
        assert!(!hash_matches(&secret, "user-43", known));
        assert!(!hash_matches(
            &IdentitySecret::new("other"),
            "user-42",
            known
        ));
        assert!(!hash_matches(&secret, "user-42", "not hex"));
        assert_eq!(format!("{secret:?}"), "IdentitySecret(***)");
    }
}
