//! Health of the running service, as shown on the start page.

use sea_orm::{DatabaseBackend, DatabaseConnection, DbErr};

use wire::model::AppStatus;

/// Checks the database answers, then reports version and backend.
///
/// # Errors
/// Returns the database error when the ping fails.
pub async fn app_status(db: &DatabaseConnection) -> Result<AppStatus, DbErr> {
    db.ping().await?;
    Ok(AppStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: backend_name(db.get_database_backend()).to_owned(),
    })
}

/// The backend's usual name.
pub fn backend_name(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Sqlite => "SQLite",
        DatabaseBackend::Postgres => "PostgreSQL",
        DatabaseBackend::MySql => "MySQL",
        _ => "unknown",
    }
}
