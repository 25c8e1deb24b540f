//! Accounts with passwords: sign-up, sign-in, staff creation and the seeded admins.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, SqlErr,
};
use uuid::Uuid;

use super::{password, token::Token, validate};
use crate::{
    client_addr::ClientAddr,
    clock,
    entities::{
        User,
        columns::{RoleColumn, StaffRoleColumn},
        user,
    },
    limits::{Limit, Limits},
};
use wire::{error::AppError, model::Role};

/// What sign-in answers for any wrong email or password: the same words either way.
pub const WRONG_CREDENTIALS: &str = "wrong email or password";

/// The address of the development admin `make run` creates.
pub const DEV_ADMIN_EMAIL: &str = "admin@confab.localhost";

/// Registers a user of the hosted app, counting the sign-up against the client's address.
///
/// # Errors
/// 422 for an invalid email, name or password; 409 when the email is taken; 429 past the
/// sign-ups allowed per address; 503 when password hashing is at capacity.
pub async fn sign_up(
    db: &DatabaseConnection,
    limits: &Limits,
    client: ClientAddr,
    email: &str,
    name: Option<&str>,
    password: &str,
) -> Result<user::Model, AppError> {
    // Cheap checks first: a refused sign-up should not use up the address's allowance.
    validate::email(email)?;
    validate::name(name)?;
    validate::password(password)?;
    limits
        .take(Limit::SignUpsPerAddress, &client.limit_key())
        .await?;
    create_with_password(db, email, name, password, Role::User).await
}

/// Creates a staff account with the `admin` role.
///
/// # Errors
/// As [`sign_up`].
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    name: Option<&str>,
    password: &str,
) -> Result<user::Model, AppError> {
    create_staff(db, email, name, password, Role::Admin).await
}

/// Creates a staff account with `role` (`admin` or `agent`).
///
/// # Errors
/// 422 for the `user` role; otherwise as [`sign_up`].
pub async fn create_staff(
    db: &DatabaseConnection,
    email: &str,
    name: Option<&str>,
    password: &str,
    role: Role,
) -> Result<user::Model, AppError> {
    if !role.is_staff() {
        return Err(AppError::validation("a staff role is admin or agent"));
    }
    create_with_password(db, email, name, password, role).await
}

async fn create_with_password(
    db: &DatabaseConnection,
    email: &str,
    name: Option<&str>,
    password: &str,
    role: Role,
) -> Result<user::Model, AppError> {
    let email = validate::email(email)?;
    let name = validate::name(name)?;
    validate::password(password)?;
    if find_by_email(db, &email).await?.is_some() {
        return Err(AppError::conflict(format!(
            "an account for {email} already exists"
        )));
    }
    let password_hash = password::hash(password.to_owned()).await?;
    insert_account(db, &email, name, password_hash, role).await
}

/// Inserts the account of `email` (validated, lowercased) with a password hash, on `conn` (a
/// connection or the caller's transaction).
///
/// # Errors
/// 409 when the email is taken (also when a concurrent insert won).
pub(crate) async fn insert_account(
    conn: &impl ConnectionTrait,
    email: &str,
    name: Option<String>,
    password_hash: String,
    role: Role,
) -> Result<user::Model, AppError> {
    let taken = || AppError::conflict(format!("an account for {email} already exists"));
    let now = clock::now();
    let inserted = User::insert(user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(Some(email.to_owned())),
        name: Set(name),
        role: Set(role.into()),
        password_hash: Set(Some(password_hash)),
        external_id: Set(None),
        email_verified: Set(false),
        unsubscribed_at: Set(None),
        unsubscribe_token: Set(None),
        staff_role: Set(StaffRoleColumn::of(role)),
        deactivated_at: Set(None),
        last_seen_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(conn)
    .await;
    match inserted {
        Ok(user) => Ok(user),
        // Lost a race with another sign-up for the same address. Told from the error itself,
        // not by asking again: inside a PostgreSQL transaction nothing can be asked after it.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(taken())
        }
        Err(err) => Err(err.into()),
    }
}

/// Checks an email and password. Only failures count: against the email from this client
/// address, and against the address. So a stranger guessing elsewhere never locks the real
/// owner out, and one address cannot spray guesses over many accounts.
///
/// # Errors
/// 429 once the failures allowed per (email, address) or per address are used up; 401
/// [`WRONG_CREDENTIALS`] for an unknown email and a wrong password alike, after the same
/// amount of hashing work; 503 when password hashing is at capacity.
pub async fn sign_in(
    db: &DatabaseConnection,
    limits: &Limits,
    client: ClientAddr,
    email: &str,
    password: &str,
) -> Result<user::Model, AppError> {
    let email = email.trim().to_lowercase();
    let address = client.limit_key();
    let account = format!("{email}\0{address}");
    // Each attempt takes its tokens before the password is checked, so parallel guesses
    // cannot all pass before the first failure counts; a success gives them back.
    limits
        .take(Limit::SignInFailuresPerAddress, &address)
        .await?;
    if let Err(refused) = limits.take(Limit::SignInFailuresPerAccount, &account).await {
        limits
            .give_back(Limit::SignInFailuresPerAddress, &address)
            .await?;
        return Err(refused);
    }
    let checked = check_password(db, &email, password).await;
    // Only a wrong password counts as a failure: a success, or a check that never happened
    // (busy, broken), gives the tokens back.
    if !matches!(checked, Err(AppError::Unauthorized { .. })) {
        limits
            .give_back(Limit::SignInFailuresPerAddress, &address)
            .await?;
        limits
            .give_back(Limit::SignInFailuresPerAccount, &account)
            .await?;
    }
    checked
}

/// The account of `email` when `password` is its password; 401 [`WRONG_CREDENTIALS`] for an
/// unknown email and a wrong password alike, after the same hashing work.
async fn check_password(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> Result<user::Model, AppError> {
    let user = find_by_email(db, email).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = password::verify(password.to_owned(), stored).await?;
    match user {
        // Told only to whoever knows the password: the account exists but may not sign in.
        Some(user) if matches && user.deactivated_at.is_some() => Err(AppError::forbidden(
            "this account was deactivated; ask an admin of your team",
        )),
        Some(user) if matches => Ok(user),
        _ => Err(AppError::unauthorized(WRONG_CREDENTIALS)),
    }
}

/// Every staff account, oldest first.
///
/// # Errors
/// Internal error on database failure.
pub async fn list_admins(db: &DatabaseConnection) -> Result<Vec<user::Model>, AppError> {
    Ok(User::find()
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .order_by_asc(user::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Creates the admin an operator configured, unless that email already has an account.
/// Returns the new admin, or `None` when there was nothing to do.
///
/// # Errors
/// As [`create_admin`].
pub async fn ensure_admin(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> Result<Option<user::Model>, AppError> {
    if find_by_email(db, &validate::email(email)?).await?.is_some() {
        return Ok(None);
    }
    create_admin(db, email, Some("Admin"), password)
        .await
        .map(Some)
}

/// For development only: when no admin exists, creates [`DEV_ADMIN_EMAIL`] with a random
/// password and returns that password, which is shown once and stored only as a hash.
///
/// # Errors
/// Internal error on database or randomness failure.
pub async fn ensure_dev_admin(db: &DatabaseConnection) -> Result<Option<String>, AppError> {
    let admins = User::find()
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .count(db)
        .await?;
    if admins > 0 {
        return Ok(None);
    }
    let token = Token::generate().map_err(|err| AppError::internal("no randomness", err))?;
    let password = token.expose()[..20].to_owned();
    create_admin(db, DEV_ADMIN_EMAIL, Some("Development admin"), &password).await?;
    Ok(Some(password))
}

/// The account of `email` (as stored: trimmed, lowercased), if any.
///
/// # Errors
/// Internal error on database failure.
pub(crate) async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(User::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}
