//! Test helpers: a fresh database and a running app, one line each.

use app::http::state::AppState;
use clap::Parser;
use reqwest::{Response, StatusCode, header};
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};
use serde_json::Value;
use server::config::Cli;
use tempfile::TempDir;
use tokio::net::TcpListener;

/// A database nobody else uses. SQLite files vanish with the temporary directory; PostgreSQL
/// test databases live in the throwaway server `make test` starts and stops.
pub struct TestDb {
    /// URL of the fresh database.
    pub url: String,
    _dir: Option<TempDir>,
    /// For PostgreSQL: the server's admin URL and the database's name, to drop it at the end.
    postgres: Option<(String, String)>,
}

impl Drop for TestDb {
    /// Drops a PostgreSQL test database, so runs against a developer's own server leave
    /// nothing behind. `WITH (FORCE)` ends the app's pooled connections that may still be open.
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread with
        // a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let admin = Database::connect(&server).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                admin.close().await
            })?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop a test database: {dropped:?}");
        }
    }
}

impl TestDb {
    /// SQLite when `DATABASE_URL` is unset; a fresh database on the PostgreSQL server it names
    /// otherwise. Any other `DATABASE_URL` is a mistake that would quietly test SQLite twice.
    pub async fn new() -> Self {
        match std::env::var("DATABASE_URL") {
            Err(_) => Self::sqlite(),
            Ok(server)
                if server.starts_with("postgres://") || server.starts_with("postgresql://") =>
            {
                Self::postgres(&server).await
            }
            Ok(other) => panic!(
                "DATABASE_URL is {other:?}, which is not a PostgreSQL server: unset it to test on \
                 SQLite, or name a postgres:// server"
            ),
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
            postgres: None,
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
            postgres: Some((server.to_owned(), name)),
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
    /// The state the app serves with: its hub, limits and settings.
    pub state: AppState,
    /// A plain HTTP client (no cookie jar: tests pass credentials explicitly).
    pub http: reqwest::Client,
    /// The database behind the app, dropped with the instance that created it.
    test_db: Option<TestDb>,
    /// The directory files are stored in (unless the flags named other storage), shared
    /// with [`another_instance`](Self::another_instance)s.
    pub files_dir: std::sync::Arc<TempDir>,
}

/// Serves the production router on a free loopback port over the database at `database_url`
/// (migrated); returns the base URL, the app's pool and its state. Files go to `storage`
/// unless `flags` name a storage URL.
async fn serve(
    database_url: &str,
    storage: &std::path::Path,
    flags: &[&str],
) -> (String, DatabaseConnection, AppState) {
    let db = server::database::connect(database_url)
        .await
        .expect("connect");
    server::database::migrate(&db).await.expect("migrate");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let addr_flag = addr.to_string();
    let storage_flag = storage.display().to_string();
    let mut argv = vec!["confab", "--addr", &addr_flag];
    if !flags.contains(&"--storage-url") {
        argv.extend(["--storage-url", &storage_flag]);
    }
    argv.extend_from_slice(flags);
    let args = Cli::try_parse_from(argv).expect("valid flags").serve;
    let state = server::build_state(&args, db.clone()).expect("the app's state");
    tokio::spawn(server::serve_on(
        listener,
        state.clone(),
        args.connection_rules(),
        std::future::pending(),
    ));
    (format!("http://{addr}"), db, state)
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Starts the app with extra `confab serve` flags, e.g. `["--identity-secret", "s"]`.
    pub async fn spawn_with(flags: &[&str]) -> Self {
        let test_db = TestDb::new().await;
        let files_dir = std::sync::Arc::new(TempDir::new().expect("a directory for files"));
        let (url, db, state) = serve(&test_db.url, files_dir.path(), flags).await;
        Self {
            url,
            db,
            state,
            http: http_client(),
            test_db: Some(test_db),
            files_dir,
        }
    }

    /// A second server process's worth of app (own pool, hub and relay) on the same database,
    /// as when several instances run behind a load balancer.
    pub async fn another_instance(&self) -> Self {
        self.another_instance_with(&[]).await
    }

    /// [`another_instance`](Self::another_instance) with extra `confab serve` flags.
    pub async fn another_instance_with(&self, flags: &[&str]) -> Self {
        let url = self
            .test_db
            .as_ref()
            .expect("the first instance owns the database")
            .url
            .clone();
        let (url, db, state) = serve(&url, self.files_dir.path(), flags).await;
        Self {
            url,
            db,
            state,
            http: http_client(),
            test_db: None,
            files_dir: std::sync::Arc::clone(&self.files_dir),
        }
    }

    /// The URL of the database this app (the first instance) created.
    pub fn database_url(&self) -> String {
        self.test_db
            .as_ref()
            .expect("the first instance owns the database")
            .url
            .clone()
    }

    /// The backend this app runs on.
    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// POSTs a form to a server function, e.g. `rpc("auth/sign_in", &[("email", ..)])`.
    pub async fn rpc(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Response {
        let mut request = self
            .http
            .post(self.at(&format!("/rpc/{endpoint}")))
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send().await.expect("POST")
    }

    /// Signs up a user; returns the session cookie (`name=value`).
    pub async fn sign_up(&self, email: &str, password: &str) -> String {
        let res = self
            .rpc(
                "auth/sign_up",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "sign-up of {email}");
        session_cookie(&res).expect("sign-up sets a session cookie")
    }

    /// Signs in; returns the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let res = self
            .rpc(
                "auth/sign_in",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "sign-in of {email}");
        session_cookie(&res).expect("sign-in sets a session cookie")
    }

    /// Creates a staff account and signs it in; returns the session cookie.
    pub async fn admin_session(&self, email: &str) -> String {
        domain::auth::accounts::create_admin(&self.db, email, None, "staff-password")
            .await
            .expect("create admin");
        self.sign_in(email, "staff-password").await
    }

    /// Creates a staff account with `role` and signs it in; returns its id and session cookie.
    pub async fn staff_session(
        &self,
        email: &str,
        role: wire::model::Role,
    ) -> (uuid::Uuid, String) {
        let staff =
            domain::auth::accounts::create_staff(&self.db, email, None, "staff-password", role)
                .await
                .expect("create staff");
        (staff.id, self.sign_in(email, "staff-password").await)
    }

    /// Sends `body` as JSON with `method` to `path`, with the session cookie.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        cookie: &str,
        body: &Value,
    ) -> Response {
        self.http
            .request(method, self.at(path))
            .header(header::COOKIE, cookie)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Posts `content` to the visitor's (or user's) own chat with their bearer token.
    pub async fn post_as(&self, token: &str, content: &str) -> Response {
        self.http
            .post(self.at("/api/support_chat/messages"))
            .bearer_auth(token)
            .json(&serde_json::json!({ "content": content }))
            .send()
            .await
            .expect("POST /api/support_chat/messages")
    }

    /// Starts a new anonymous widget visitor session; returns its bearer token.
    pub async fn visitor_token(&self) -> String {
        let res = self
            .http
            .post(self.at("/api/widget/session"))
            .send()
            .await
            .expect("POST /api/widget/session");
        assert_eq!(res.status(), StatusCode::CREATED, "new visitor session");
        let body: Value = res.json().await.expect("JSON");
        body["token"].as_str().expect("token").to_owned()
    }

    /// GET a JSON document, with a bearer token when given.
    pub async fn get_json(&self, path: &str, bearer: Option<&str>) -> Value {
        let mut request = self.http.get(self.at(path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("JSON body")
    }

    /// GET a JSON document with a cookie; it must answer 200.
    pub async fn get_json_with_cookie(&self, path: &str, cookie: &str) -> Value {
        let res = self.get_with_cookie(path, cookie).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.expect("JSON body")
    }

    /// GET with a cookie.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Response {
        self.http
            .get(self.at(path))
            .header(header::COOKIE, cookie)
            .send()
            .await
            .expect("GET")
    }
}

/// The `confab` binary as a child process that only the test configures: it starts in an empty
/// directory of its own (the binary reads the working directory's `.env`, and a developer's
/// `server/.env` must not configure a test), and inherits no `CONFAB_*` or `DATABASE_URL` from
/// the shell that ran the tests.
pub fn confab_command() -> std::process::Command {
    // In cargo's scratch directory for this test target, so no run leaves one behind.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("confab-working-dir");
    std::fs::create_dir_all(&dir).expect("the servers' working directory");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_confab"));
    command.current_dir(&dir);
    for (name, _) in std::env::vars_os() {
        let inherited = name.to_string_lossy();
        if inherited.starts_with("CONFAB_") || inherited == "DATABASE_URL" {
            command.env_remove(&name);
        }
    }
    command
}

/// `confab serve` as a process of its own, so it can be killed like a crashing server or
/// stopped like a deployed one; killed when dropped, so a failing test leaves nothing behind.
pub struct ConfabProcess(std::process::Child);

impl ConfabProcess {
    pub fn start(database_url: &str, port: u16) -> Self {
        Self::start_with_env(database_url, port, &[])
    }

    /// Starts it with extra environment variables, e.g. `CONFAB_SMTP_URL`.
    pub fn start_with_env(database_url: &str, port: u16, env: &[(&str, String)]) -> Self {
        let mail_dir = std::env::temp_dir().join(format!("confab-mail-{port}"));
        let child = confab_command()
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", database_url)
            .env("CONFAB_LOG", "warn")
            .env("CONFAB_MAIL_DIR", mail_dir)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start confab");
        Self(child)
    }

    /// The process id, for reading its memory from /proc.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    /// SIGKILL: no shutdown, no flushing, as in a crash.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }

    /// SIGTERM: what a process manager sends to stop a service.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }
}

impl Drop for ConfabProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// An HTTP client for a test. reqwest is built here with rustls and no crypto provider of its
/// own (the S3 client of the attachments' storage takes its TLS from it, and the process
/// installs ring's), so one is installed before any client is built.
pub fn http_client() -> reqwest::Client {
    http_builder().build().expect("an HTTP client")
}

/// A builder for an HTTP client with settings of its own; see [`http_client`].
pub fn http_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// A memory figure of a process from `/proc/PID/status`, in KiB: `VmRSS` (resident now) or
/// `VmHWM` (the most it was ever resident).
pub fn memory_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("/proc status")
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

/// Waits until the server at `base` answers `/readyz`.
pub async fn wait_ready(http: &reqwest::Client, base: &str, patience: std::time::Duration) {
    let deadline = std::time::Instant::now() + patience;
    while std::time::Instant::now() < deadline {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("confab at {base} did not become ready");
}

/// A new widget visitor of the server at `base`, with their chat: (token, chat id).
pub async fn visitor_at(http: &reqwest::Client, base: &str) -> (String, String) {
    let session: Value = http
        .post(format!("{base}/api/widget/session"))
        .send()
        .await
        .expect("POST /api/widget/session")
        .json()
        .await
        .expect("JSON");
    let token = session["token"].as_str().expect("token").to_owned();
    let chat: Value = http
        .get(format!("{base}/api/support_chat"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET /api/support_chat")
        .json()
        .await
        .expect("JSON");
    (token, chat["id"].as_str().expect("chat id").to_owned())
}

/// `name=value` of the session cookie a response sets, if it sets one with a value.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with("confab_session=") && pair.len() > "confab_session=".len())
        .map(str::to_owned)
}

/// The `{ "error": { "code", "message" } }` of an error response.
pub async fn error_of(res: Response) -> (StatusCode, String, String) {
    let status = res.status();
    let body: Value = res.json().await.expect("JSON error body");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_owned();
    let message = body["error"]["message"]
        .as_str()
        .expect("error.message")
        .to_owned();
    (status, code, message)
}

/// Runs `test` on a runtime whose threads have the server's stack size (`server/src/main.rs`):
/// for tests that render a page deep enough to overflow a test thread's 2 MiB in a debug build.
pub fn on_server_stacks(test: impl std::future::Future<Output = ()> + Send + 'static) {
    const STACK: usize = 8 * 1024 * 1024;
    let runner = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(STACK)
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(test);
        })
        .expect("a test thread");
    if let Err(panic) = runner.join() {
        std::panic::resume_unwind(panic);
    }
}
