//! What the benchmarks share: a fresh database to run against, an HTTP client, the `confab`
//! binary as a process (`process`), and where their figures go. Each bench compiles this
//! module on its own and uses part of it, hence the `dead_code` allowance.
//! `make bench` (scripts/bench.sh) sets `CONFAB_BENCH_FIGURES` to a directory; each bench
//! appends its table rows there, and the script turns them into the files under `figures/`,
//! which README's benchmark tables must equal.

#![allow(dead_code)]

pub mod process;

use std::io::Write;

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

/// An HTTP client. reqwest has rustls without a crypto provider in this build (the S3
/// client of the attachments' storage takes its TLS from it), so ring's is installed first.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A fresh database: a new PostgreSQL database when `DATABASE_URL` names a server, else a
/// SQLite file in a temporary directory (kept alive by the returned guard).
pub async fn database_url() -> anyhow::Result<(String, Option<tempfile::TempDir>)> {
    match std::env::var("DATABASE_URL") {
        Ok(server) if server.starts_with("postgres") => {
            let admin = Database::connect(&server).await?;
            let name = format!("confab_bench_{}", Uuid::now_v7().simple());
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            let base = server
                .split('?')
                .next()
                .and_then(|s| s.rsplit_once('/'))
                .map(|(b, _)| b);
            let base = base.ok_or_else(|| anyhow::anyhow!("DATABASE_URL has no database path"))?;
            Ok((format!("{base}/{name}"), None))
        }
        _ => {
            let dir = tempfile::tempdir()?;
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("bench.db").display()
            );
            Ok((url, Some(dir)))
        }
    }
}

/// Appends one row to the named table in `$CONFAB_BENCH_FIGURES` (nothing when unset: a bench
/// run by hand only prints).
pub fn record_row(table: &str, cells: &[String]) -> anyhow::Result<()> {
    let Some(dir) = std::env::var_os("CONFAB_BENCH_FIGURES") else {
        return Ok(());
    };
    let mut rows = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(std::path::Path::new(&dir).join(format!("{table}.rows")))?;
    writeln!(rows, "| {} |", cells.join(" | "))?;
    Ok(())
}

/// A count with thousands separators, as README's tables show them.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
