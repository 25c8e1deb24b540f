//! Issuing, checking and revoking sessions. The same rows back browser cookies and widget
//! bearer tokens; a token only works where it was issued for.

use chrono::Duration;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::token::{self, Token};
use crate::{
    clock,
    effects::Effects,
    entities::{
        Session, User,
        session::{self, SessionKind},
        user,
    },
    fact::Fact,
};
use wire::error::AppError;

/// How long a browser sign-in lasts.
pub const BROWSER_SESSION_DAYS: i64 = 30;
/// How long a widget token lasts: long, since visitors have no password to sign in again with.
pub const WIDGET_SESSION_DAYS: i64 = 365;

/// Stores a new session for `user_id` and returns its token, the only copy there will be.
///
/// # Errors
/// Internal error on database or randomness failure.
pub async fn issue(
    db: &DatabaseConnection,
    user_id: Uuid,
    kind: SessionKind,
) -> Result<Token, AppError> {
    let token = Token::generate().map_err(|err| AppError::internal("no randomness", err))?;
    let now = clock::now();
    let days = match kind {
        SessionKind::Browser => BROWSER_SESSION_DAYS,
        SessionKind::Widget => WIDGET_SESSION_DAYS,
    };
    session::Entity::insert(session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        token_hash: Set(token::hash(token.expose())),
        kind: Set(kind),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(days)),
    })
    .exec(db)
    .await?;
    Ok(token)
}

/// The user a presented token signs in.
///
/// # Errors
/// 401 when the token is unknown, of the other kind, or expired (an expired row is deleted).
pub async fn authenticate(
    db: &DatabaseConnection,
    presented: &str,
    kind: SessionKind,
) -> Result<user::Model, AppError> {
    authenticate_session(db, presented, kind)
        .await
        .map(|(_, user)| user)
}

/// The session a presented token belongs to and its user: for connections that must close
/// when the session ends (revoked, or expired).
///
/// # Errors
/// As [`authenticate`].
pub async fn authenticate_session(
    db: &DatabaseConnection,
    presented: &str,
    kind: SessionKind,
) -> Result<(session::Model, user::Model), AppError> {
    let found = Session::find()
        .filter(session::Column::TokenHash.eq(token::hash(presented)))
        .filter(session::Column::Kind.eq(kind))
        .find_also_related(User)
        .one(db)
        .await?;
    let Some((session, Some(user))) = found else {
        return Err(AppError::unauthorized(
            "your session is not valid; sign in again",
        ));
    };
    if session.expires_at <= clock::now() {
        session.delete(db).await?;
        return Err(AppError::unauthorized(
            "your session expired; sign in again",
        ));
    }
    // A sign-in that was checking the password while an admin deactivated the account may
    // have issued this session after the deactivation ended the others.
    if user.deactivated_at.is_some() {
        session.delete(db).await?;
        return Err(AppError::unauthorized("this account was deactivated"));
    }
    Ok((session, user))
}

/// Deletes every session that expired before `now` (rows of tokens never presented again);
/// returns how many.
///
/// # Errors
/// When the database fails.
pub async fn delete_expired(
    db: &DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(Session::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Ends the session a token belongs to, and after the delete closes the sockets it opened, on
/// every instance. Unknown tokens are ignored (signing out twice is fine).
///
/// # Errors
/// Internal error on database failure.
pub async fn revoke(
    db: &DatabaseConnection,
    effects: &Effects,
    presented: &str,
) -> Result<(), AppError> {
    let ended = Session::find()
        .filter(session::Column::TokenHash.eq(token::hash(presented)))
        .all(db)
        .await?;
    for session in ended {
        end(db, effects, session.id).await?;
    }
    Ok(())
}

/// Closes this process's sockets whose sessions are gone, in case the news of an ending was
/// lost (a relay notification dropped while the database was unreachable, or a sign-out that
/// landed between a socket's authentication and its binding). Returns how many sessions.
///
/// # Errors
/// When the database fails.
pub async fn close_sockets_of_ended_sessions(
    db: &DatabaseConnection,
    hub: &crate::hub::Hub,
) -> Result<usize, sea_orm::DbErr> {
    let mut ended = 0;
    for bound in hub.bound_sessions().chunks(500) {
        let existing: std::collections::HashSet<Uuid> = Session::find()
            .select_only()
            .column(session::Column::Id)
            .filter(session::Column::Id.is_in(bound.iter().copied()))
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for gone in bound.iter().filter(|id| !existing.contains(id)) {
            hub.end_session(*gone);
            ended += 1;
        }
    }
    Ok(ended)
}

/// Ends the session with this row id (if it still exists) and closes its sockets on every
/// instance; also for a session whose row went with its user (a visitor carried over).
///
/// # Errors
/// Internal error on database failure.
pub async fn end(
    db: &DatabaseConnection,
    effects: &Effects,
    session_id: Uuid,
) -> Result<(), AppError> {
    Session::delete_by_id(session_id).exec(db).await?;
    effects
        .publish(db, Fact::SessionEnded { session_id }, None)
        .await;
    Ok(())
}
