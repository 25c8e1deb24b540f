//! A real S3-compatible server for the attachment tests: moto's, from the checkout's Python
//! tools (`scripts/setup.sh` installs it into `.tools/venv`), started on a free loopback port
//! per test and stopped when dropped.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::support::free_port;

/// A running S3 server with one bucket.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The bucket made for the test.
    pub bucket: String,
}

fn moto_server() -> PathBuf {
    std::env::var_os("CONFAB_MOTO_SERVER").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/bin/moto_server"),
        PathBuf::from,
    )
}

impl S3Server {
    /// Starts the server and makes a bucket.
    pub async fn start() -> Self {
        let port = free_port();
        let program = moto_server();
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| {
                panic!(
                    "start {} (make setup installs it): {err}",
                    program.display()
                )
            });
        let server = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            bucket: format!("confab-{}", uuid::Uuid::now_v7().simple()),
        };
        let http = crate::support::http_client();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let made = http
                .put(format!("{}/{}", server.endpoint, server.bucket))
                .send()
                .await;
            if made.as_ref().is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "the S3 server did not start: {made:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The storage URL Confab is configured with.
    pub fn storage_url(&self) -> String {
        format!(
            "s3://{}?endpoint={}&region=us-east-1&access_key_id=test&secret_access_key=test",
            self.bucket, self.endpoint
        )
    }

    /// The keys stored in the bucket.
    pub async fn keys(&self) -> Vec<String> {
        let listing = crate::support::http_client()
            .get(format!("{}/{}?list-type=2", self.endpoint, self.bucket))
            .send()
            .await
            .expect("list the bucket")
            .text()
            .await
            .expect("a listing");
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</Key>"))
            .map(|(key, _)| key.to_owned())
            .collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
