//! The `confab` binary's commands, run as a process like an operator would.

use std::process::{Command, Output};

use crate::support::TestDb;

fn confab(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confab"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("CONFAB_LOG", "warn")
        .output()
        .expect("run confab")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn migrate_up_down_and_status() {
    let db = TestDb::new().await;

    let up = confab(&db.url, &["migrate", "up"]);
    assert!(up.status.success(), "{up:?}");
    assert_eq!(stdout(&up).matches("Applied").count(), 5, "{}", stdout(&up));

    let down = confab(&db.url, &["migrate", "down", "--steps", "1"]);
    assert!(down.status.success(), "{down:?}");
    let lines: Vec<String> = stdout(&down).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(lines[4].starts_with("Pending") && lines[4].contains("external_id"));
    assert!(lines[3].starts_with("Applied"));

    let status = confab(&db.url, &["migrate", "status"]);
    assert_eq!(stdout(&status), stdout(&down));
}

#[tokio::test]
async fn migrate_fresh_requires_confirmation() {
    let db = TestDb::new().await;
    let refused = confab(&db.url, &["migrate", "fresh"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));

    let fresh = confab(&db.url, &["migrate", "fresh", "--yes"]);
    assert!(fresh.status.success(), "{fresh:?}");
    assert_eq!(stdout(&fresh).matches("Applied").count(), 5);
}

#[test]
fn an_unreachable_database_is_reported_without_its_password() {
    let out = confab(
        "postgres://confab:hunter2@127.0.0.1:1/confab",
        &["migrate", "status"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could not open the database"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "password leaked: {stderr}");
}
