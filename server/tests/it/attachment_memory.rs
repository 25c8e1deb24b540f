//! What uploads cost the server's memory, read from a real `confab` process's `/proc` figures:
//! a PNG that unpacks to 400 megapixels is refused before it is unpacked, and 20 uploads of
//! 5 MB at once are streamed to storage rather than held.

use std::time::Duration;

use reqwest::{
    StatusCode,
    multipart::{Form, Part},
};
use serde_json::Value;

use crate::{
    samples,
    support::{ConfabProcess, TestDb, free_port, memory_kib, visitor_at, wait_ready},
};

const DEADLINE: Duration = Duration::from_secs(60);

/// A `confab` process with its own database and storage directory, and one visitor.
struct Server {
    process: ConfabProcess,
    base: String,
    token: String,
    http: reqwest::Client,
    _db: TestDb,
    _files: tempfile::TempDir,
}

impl Server {
    async fn start() -> Self {
        let db = TestDb::new().await;
        drop(db.migrated().await);
        let files = tempfile::tempdir().expect("a storage directory");
        let port = free_port();
        let process = ConfabProcess::start_with_env(
            &db.url,
            port,
            &[
                ("CONFAB_STORAGE_URL", files.path().display().to_string()),
                // Twenty visitors from one address upload at once here.
                ("CONFAB_WIDGET_SESSIONS_PER_HOUR", "100".to_owned()),
            ],
        );
        let base = format!("http://127.0.0.1:{port}");
        let http = crate::support::http_client();
        wait_ready(&http, &base, DEADLINE).await;
        let (token, _) = visitor_at(&http, &base).await;
        Self {
            process,
            base,
            token,
            http,
            _db: db,
            _files: files,
        }
    }

    async fn upload(&self, name: &str, bytes: Vec<u8>) -> StatusCode {
        self.upload_as(&self.token, name, bytes).await
    }

    async fn upload_as(&self, token: &str, name: &str, bytes: Vec<u8>) -> StatusCode {
        let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
        self.http
            .post(format!("{}/api/support_chat/attachments", self.base))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("upload")
            .status()
    }

    /// The most the process was ever resident, in MiB.
    fn peak_mib(&self) -> u64 {
        memory_kib(self.process.pid(), "VmHWM") / 1024
    }
}

#[tokio::test]
async fn a_png_bomb_is_refused_before_it_is_unpacked() {
    let server = Server::start().await;
    // Warm up: the first image decoded sets up what every later one uses.
    assert_eq!(
        server.upload("warm.png", samples::png(200, 200)).await,
        StatusCode::CREATED
    );
    let before = server.peak_mib();
    let bomb = samples::png_bomb(20_000);
    let res = server
        .http
        .post(format!("{}/api/support_chat/attachments", server.base))
        .bearer_auth(&server.token)
        .multipart(Form::new().part("file", Part::bytes(bomb).file_name("bomb.png")))
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.expect("JSON");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(message.contains("larger than accepted"), "{message}");
    let grew = server.peak_mib().saturating_sub(before);
    eprintln!("peak resident memory grew {grew} MiB with the bomb");
    assert!(grew < 200, "the bomb took {grew} MiB");
    // The server keeps serving.
    assert_eq!(
        server.upload("after.png", samples::png(50, 50)).await,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn twenty_uploads_of_five_megabytes_at_once_are_streamed() {
    let server = Server::start().await;
    assert_eq!(
        server.upload("warm.pdf", samples::pdf(1_000_000)).await,
        StatusCode::CREATED
    );
    let before = server.peak_mib();
    let file = samples::pdf(5 * 1024 * 1024);
    // Twenty people, each with one upload (one person has at most four under way).
    let mut tokens = Vec::new();
    for _ in 0..20 {
        tokens.push(visitor_at(&server.http, &server.base).await.0);
    }
    let uploads = tokens
        .iter()
        .map(|token| server.upload_as(token, "report.pdf", file.clone()));
    let statuses = futures::future::join_all(uploads).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    // Held whole, the files alone would take 100 MiB.
    let grew = server.peak_mib().saturating_sub(before);
    eprintln!("peak resident memory grew {grew} MiB with 20 uploads of 5 MiB");
    assert!(grew < 80, "20 uploads took {grew} MiB");
}
