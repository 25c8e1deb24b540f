//! Invitations: an admin invites a colleague by email; the email carries a single-use link
//! that expires after [`LIFETIME`], where the colleague chooses a password and becomes staff
//! with the role they were invited with.
//!
//! The invitation row is also its email's durable job, like a reply email's: written by
//! [`invite`], claimed by the mail worker ([`claim_due_email`]: PostgreSQL `FOR UPDATE SKIP
//! LOCKED`, SQLite one conditional `UPDATE`), retried with the reply emails' backoff. The
//! link's token stays in the row only until the email went out; after that only its hash is
//! kept, which is what [`accept`] looks up. Accepting marks the row in the same transaction that
//! creates the account, and only a row not accepted, not revoked and not expired can be marked:
//! two tabs racing to use one link create one account.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, Set, Statement, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::{accounts, password, token, validate},
    effects::Effects,
    entities::{StaffInvitation, columns::StaffRoleColumn, staff_invitation, user},
    reply_emails::{
        self,
        compose::{Composed, Site, escape, host_of},
    },
    transactions,
};
use wire::{error::AppError, model::Role, staff::Invitation};

/// How long an invitation link works.
pub const LIFETIME: TimeDelta = TimeDelta::hours(72);

/// What every refused link answers: expired, used, withdrawn and unknown look the same.
const NOT_VALID: &str =
    "this invitation link is no longer valid: ask an admin of your team for a new one";

/// Invites `email` to the team as `role`; a pending invitation of the same address is
/// replaced. The email goes out from the mail worker.
///
/// # Errors
/// 403 unless `actor` is an admin; 422 for an invalid email or name, or the `user` role; 409
/// when the address already has an account.
pub async fn invite(
    db: &DatabaseConnection,
    effects: &Effects,
    actor: &user::Model,
    email: &str,
    name: Option<&str>,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Invitation, AppError> {
    if !actor.is_team_admin() {
        return Err(AppError::forbidden("only admins invite colleagues"));
    }
    let email = validate::email(email)?;
    let name = validate::name(name)?;
    let staff_role = StaffRoleColumn::of(role)
        .ok_or_else(|| AppError::validation("an invitation's role is admin or agent"))?;
    if accounts::find_by_email(db, &email).await?.is_some() {
        return Err(AppError::conflict(format!(
            "{email} already has an account"
        )));
    }
    let link = token::Token::generate().map_err(|err| AppError::internal("no randomness", err))?;
    let txn = transactions::begin_write(db).await?;
    StaffInvitation::update_many()
        .col_expr(staff_invitation::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(staff_invitation::Column::Token, Expr::value(None::<String>))
        .filter(staff_invitation::Column::Email.eq(&email))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let row = staff_invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        name: Set(name),
        staff_role: Set(staff_role),
        token_hash: Set(token::hash(link.expose())),
        token: Set(Some(link.expose().to_owned())),
        invited_by: Set(Some(actor.id)),
        expires_at: Set(now + LIFETIME),
        accepted_at: Set(None),
        revoked_at: Set(None),
        email_sent_at: Set(None),
        run_at: Set(now),
        attempts: Set(0),
        last_error: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    // The mail worker sleeps until its next job: this one is due now.
    effects.reply_jobs.notify_one();
    Ok(view(&row))
}

/// Invitations still waiting to be used, newest first.
///
/// # Errors
/// Internal error on database failure.
pub async fn pending(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>, AppError> {
    let rows = StaffInvitation::find()
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .filter(staff_invitation::Column::ExpiresAt.gt(now))
        .order_by_desc(staff_invitation::Column::Id)
        .all(db)
        .await?;
    Ok(rows.iter().map(view).collect())
}

/// Withdraws an invitation: its link stops working and its email, if not sent yet, never goes.
///
/// # Errors
/// 403 unless `actor` is an admin; 404 for an unknown or finished invitation.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &user::Model,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !actor.is_team_admin() {
        return Err(AppError::forbidden("only admins manage invitations"));
    }
    let revoked = StaffInvitation::update_many()
        .col_expr(staff_invitation::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(staff_invitation::Column::Token, Expr::value(None::<String>))
        .filter(staff_invitation::Column::Id.eq(id))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if revoked.rows_affected == 0 {
        return Err(AppError::not_found("no such pending invitation"));
    }
    Ok(())
}

/// The invitation a link names, while it can still be used (the join page shows it).
///
/// # Errors
/// 404 [`NOT_VALID`] for an unknown, used, withdrawn or expired link.
pub async fn find_open(
    db: &impl ConnectionTrait,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<Invitation, AppError> {
    StaffInvitation::find()
        .filter(staff_invitation::Column::TokenHash.eq(token::hash(presented)))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .filter(staff_invitation::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(|row| view(&row))
        .ok_or_else(|| AppError::not_found(NOT_VALID))
}

/// Uses a link: creates the staff account of the invited address with `password` (and `name`,
/// else the one the admin gave), and marks the invitation used, in one transaction.
///
/// # Errors
/// 404 [`NOT_VALID`] for an unknown, used, withdrawn or expired link; 422 for an invalid
/// password or name; 409 when the address got an account meanwhile; 503 when password hashing
/// is at capacity.
pub async fn accept(
    db: &DatabaseConnection,
    presented: &str,
    name: Option<&str>,
    password_text: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    let invitation = find_open(db, presented, now).await?;
    validate::password(password_text)?;
    let name = validate::name(name)?;
    let password_hash = password::hash(password_text.to_owned()).await?;
    let txn = transactions::begin_write(db).await?;
    // Only an open invitation can be marked: a second use (or a race with one) finds none.
    let marked = StaffInvitation::update_many()
        .col_expr(staff_invitation::Column::AcceptedAt, Expr::value(Some(now)))
        .col_expr(staff_invitation::Column::Token, Expr::value(None::<String>))
        .filter(staff_invitation::Column::Id.eq(invitation.id))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .filter(staff_invitation::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        return Err(AppError::not_found(NOT_VALID));
    }
    let name = name.or(invitation.name);
    let staff = accounts::insert_account(
        &txn,
        &invitation.email,
        name,
        password_hash,
        invitation.role,
    )
    .await?;
    txn.commit().await?;
    Ok(staff)
}

/// Claims the invitation email that has been due longest, if any: its attempt is counted and
/// its `run_at` moved to `now + lease` in one statement, so no other worker takes it meanwhile.
///
/// # Errors
/// When the database fails.
pub async fn claim_due_email(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease: TimeDelta,
) -> Result<Option<staff_invitation::Model>, DbErr> {
    let backend = db.get_database_backend();
    let (params, lock) = match backend {
        DatabaseBackend::Postgres => (["$1", "$2", "$3"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?", "?"], ""),
    };
    let [lease_end, due, live] = params;
    let claim = Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE staff_invitations SET attempts = attempts + 1, run_at = {lease_end} \
             WHERE id = (SELECT id FROM staff_invitations WHERE email_sent_at IS NULL \
                         AND token IS NOT NULL AND revoked_at IS NULL AND accepted_at IS NULL \
                         AND run_at <= {due} AND expires_at > {live} \
                         ORDER BY run_at, id LIMIT 1{lock}) \
             RETURNING id"
        ),
        [(now + lease).into(), now.into(), now.into()],
    );
    let Some(row) = db.query_one_raw(claim).await? else {
        return Ok(None);
    };
    let id: Uuid = row.try_get("", "id")?;
    StaffInvitation::find_by_id(id).one(db).await
}

/// When the next invitation email is due, if one is waiting: exactly the rows
/// [`claim_due_email`] may claim, so a row it would pass over never wakes the worker for nothing.
///
/// # Errors
/// When the database fails.
pub async fn next_email_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(StaffInvitation::find()
        .filter(staff_invitation::Column::EmailSentAt.is_null())
        .filter(staff_invitation::Column::Token.is_not_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::ExpiresAt.gt(now))
        .order_by_asc(staff_invitation::Column::RunAt)
        .one(db)
        .await?
        .map(|row| row.run_at))
}

/// Forgets the tokens of invitations that expired before their email went out (the server was
/// down for their whole lifetime): no email will carry them, so no row keeps one. Returns how
/// many.
///
/// # Errors
/// When the database fails.
pub async fn forget_expired_tokens(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(StaffInvitation::update_many()
        .col_expr(staff_invitation::Column::Token, Expr::value(None::<String>))
        .filter(staff_invitation::Column::Token.is_not_null())
        .filter(staff_invitation::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Withdraws every invitation `admin` sent that is still open (they were deactivated, or are
/// no longer an admin), inside the caller's transaction.
///
/// # Errors
/// When the database fails.
pub async fn withdraw_sent_by(
    txn: &impl ConnectionTrait,
    admin: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    StaffInvitation::update_many()
        .col_expr(staff_invitation::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(staff_invitation::Column::Token, Expr::value(None::<String>))
        .filter(staff_invitation::Column::InvitedBy.eq(admin))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// Records that the email went out: the token leaves the row, only its hash stays.
///
/// # Errors
/// When the database fails.
pub async fn mark_email_sent(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    StaffInvitation::update_many()
        .col_expr(
            staff_invitation::Column::EmailSentAt,
            Expr::value(Some(now)),
        )
        .col_expr(staff_invitation::Column::Token, Expr::value(None::<String>))
        .col_expr(
            staff_invitation::Column::LastError,
            Expr::value(None::<String>),
        )
        .filter(staff_invitation::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: retried after the reply emails' backoff, or given up (the token
/// leaves the row; the admin can invite again) after `max_attempts`. Returns whether it will be
/// retried.
///
/// # Errors
/// When the database fails.
pub async fn mark_email_failed(
    db: &DatabaseConnection,
    invitation: &staff_invitation::Model,
    error: &str,
    now: DateTime<Utc>,
    max_attempts: u32,
) -> Result<bool, DbErr> {
    let attempts = u32::try_from(invitation.attempts).unwrap_or(u32::MAX);
    let retry = attempts < max_attempts;
    let mut update = StaffInvitation::update_many()
        .col_expr(
            staff_invitation::Column::LastError,
            Expr::value(Some(error.to_owned())),
        )
        .filter(staff_invitation::Column::Id.eq(invitation.id));
    update = if retry {
        update.col_expr(
            staff_invitation::Column::RunAt,
            Expr::value(now + reply_emails::retry_delay(attempts)),
        )
    } else {
        update.col_expr(staff_invitation::Column::Token, Expr::value(None::<String>))
    };
    update.exec(db).await?;
    Ok(retry)
}

/// The invitation email: who invited them, to what, the link and when it stops working.
pub fn compose(
    site: Site<'_>,
    invitation: &staff_invitation::Model,
    inviter: &str,
) -> Option<Composed> {
    let token = invitation.token.as_deref()?;
    let link = format!("{}/join/{token}", site.public_url);
    let expires = invitation.expires_at.format("%Y-%m-%d %H:%M UTC");
    let role = match invitation.staff_role {
        StaffRoleColumn::Admin => "an admin",
        StaffRoleColumn::Agent => "an agent",
    };
    let headline = format!(
        "{inviter} invited you to answer support chats on {} as {role}.",
        site.app_name
    );
    let text = format!(
        "Hello,\n\n{headline}\n\nChoose your password here: {link}\n\nThe link works once, until {expires}.\n"
    );
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;color:#101828\">\
         <p>Hello,</p><p>{}</p><p><a href=\"{}\" style=\"color:#175cd3\">Choose your password</a></p>\
         <p style=\"color:#667085;font-size:12px\">The link works once, until {expires}.</p>\
         </body></html>",
        escape(&headline),
        escape(&link),
    );
    Some(Composed {
        to: invitation.email.clone(),
        subject: format!("Join {} Support", site.app_name),
        text,
        html,
        message_id: format!(
            "<invitation-{}@{}>",
            invitation.id,
            host_of(site.public_url)
        ),
        open_url: link,
        unsubscribe_url: None,
    })
}

/// An invitation as the team page shows it: never its token.
fn view(row: &staff_invitation::Model) -> Invitation {
    Invitation {
        id: row.id,
        email: row.email.clone(),
        name: row.name.clone(),
        role: match row.staff_role {
            StaffRoleColumn::Admin => Role::Admin,
            StaffRoleColumn::Agent => Role::Agent,
        },
        expires_at: row.expires_at,
        email_sent: row.email_sent_at.is_some(),
    }
}
