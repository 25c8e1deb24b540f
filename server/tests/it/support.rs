//! Test helpers: a fresh database and a running app, one line each.

use std::path::PathBuf;

use app::server::state::AppState;
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};
use server::config::ServeArgs;
use tempfile::TempDir;
use tokio::net::TcpListener;

/// A database nobody else uses. SQLite files vanish with the temporary directory; PostgreSQL
/// test databases live in the throwaway server `make test` starts and stops.
pub struct TestDb {
    /// URL of the fresh database.
    pub url: String,
    _dir: Option<TempDir>,
}

impl TestDb {
    pub async fn new() -> Self {
        match std::env::var("DATABASE_URL") {
            Ok(server) if server.starts_with("postgres") => Self::postgres(&server).await,
            _ => Self::sqlite(),
        }
    }

    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("confab.db").display()
        );
        Self {
            url,
            _dir: Some(dir),
        }
    }

    async fn postgres(server: &str) -> Self {
        let admin = Database::connect(server)
            .await
            .expect("DATABASE_URL names a reachable PostgreSQL server");
        let name = format!("confab_test_{}", uuid::Uuid::now_v7().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await.expect("close admin connection");
        let (base, _) = server
            .split('?')
            .next()
            .and_then(|s| s.rsplit_once('/'))
            .expect("DATABASE_URL has a database path");
        Self {
            url: format!("{base}/{name}"),
            _dir: None,
        }
    }

    /// The backend this run tests.
    pub fn backend(&self) -> DatabaseBackend {
        if self.url.starts_with("postgres") {
            DatabaseBackend::Postgres
        } else {
            DatabaseBackend::Sqlite
        }
    }

    /// A fresh, migrated database and a connection to it. Keep the `TestDb` alive as long as
    /// the connection: dropping it deletes a SQLite file.
    pub async fn fresh() -> (Self, DatabaseConnection) {
        let test_db = Self::new().await;
        let db = test_db.migrated().await;
        (test_db, db)
    }

    /// Connects exactly as the server does and applies every migration.
    pub async fn migrated(&self) -> DatabaseConnection {
        let db = server::database::connect(&self.url).await.expect("connect");
        server::database::migrate(&db).await.expect("migrate");
        db
    }
}

/// The production router, serving on a free loopback port.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// A handle on the app's own pool.
    pub db: DatabaseConnection,
    /// A plain HTTP client.
    pub http: reqwest::Client,
    /// The database behind the app.
    pub test_db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> Self {
        let test_db = TestDb::new().await;
        let db = test_db.migrated().await;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let serve = ServeArgs {
            addr,
            public_url: None,
            // Pages render without the built site; only asset requests would need it.
            site_root: PathBuf::from("target/site"),
        };
        let state = AppState {
            leptos_options: serve.leptos_options(),
            db: db.clone(),
        };
        let router = server::build_router(state);
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            url: format!("http://{addr}"),
            db,
            http: reqwest::Client::new(),
            test_db,
        }
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}
