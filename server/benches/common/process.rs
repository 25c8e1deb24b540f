//! The `confab` binary as its own process, for the benches that measure it from outside
//! (its memory and CPU time alone, from /proc), on a free loopback port.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

/// The longest the server may take to become ready.
const READY_DEADLINE: Duration = Duration::from_secs(120);

/// A running `confab serve`; killed when dropped. It runs in an empty directory of its own,
/// so no `.env` configures it.
pub struct Server {
    process: Child,
    /// The working directory; removed when the server is dropped.
    _cwd: tempfile::TempDir,
}

impl Server {
    /// Starts `confab serve` on `port` over `database`, with `env` besides the bench's own
    /// settings.
    pub fn start(database: &str, port: u16, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let cwd = tempfile::tempdir()?;
        let child = Command::new(env!("CARGO_BIN_EXE_confab"))
            .current_dir(cwd.path())
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", database)
            .env("CONFAB_LOG", "warn")
            // One machine plays every client: no per-address or per-person limit applies.
            .env("CONFAB_WIDGET_SESSIONS_PER_HOUR", "1000000")
            .env("CONFAB_CONNECTIONS_PER_ADDRESS", "1000000")
            .env("CONFAB_SOCKETS_PER_ADDRESS", "1000000")
            .env("CONFAB_SOCKETS_PER_USER", "1000000")
            .env("CONFAB_MESSAGES_PER_MINUTE", "1000000")
            .env("CONFAB_MESSAGE_BURST", "1000000")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .context("start confab")?;
        Ok(Self {
            process: child,
            _cwd: cwd,
        })
    }

    /// Resident memory, from /proc.
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("VmRSS in /proc/PID/status")
    }

    /// CPU time used so far (user and system), in seconds, from /proc.
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.process.id()))?;
        // Fields after the command name (which may hold spaces, so it is skipped by its
        // closing parenthesis): utime and stime are the 12th and 13th, in clock ticks of
        // 1/100 s (USER_HZ, which Linux fixes at 100 for /proc).
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks = |i: usize| -> anyhow::Result<u64> {
            fields
                .get(i)
                .and_then(|f| f.parse().ok())
                .context("utime and stime in /proc/PID/stat")
        };
        Ok((ticks(11)? + ticks(12)?) as f64 / 100.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Waits until `/readyz` answers 200.
pub async fn wait_ready(http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + READY_DEADLINE;
    while Instant::now() < deadline {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("confab did not become ready")
}
