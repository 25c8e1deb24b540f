//! The `confab` binary's commands, run as a process like an operator would.

use std::{
    io::Write,
    process::{Output, Stdio},
};

use sea_orm::EntityTrait;

use crate::support::{TestDb, confab_command};

fn confab(database_url: &str, args: &[&str]) -> Output {
    confab_command()
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("CONFAB_LOG", "warn")
        .output()
        .expect("run confab")
}

/// Runs confab with `input` on standard input.
fn confab_with_stdin(database_url: &str, args: &[&str], input: &str) -> Output {
    let mut child = confab_command()
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("CONFAB_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn confab");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn migrate_up_down_and_status() {
    let db = TestDb::new().await;

    let count = migration_count();
    let up = confab(&db.url, &["migrate", "up"]);
    assert!(up.status.success(), "{up:?}");
    assert_eq!(
        stdout(&up).matches("Applied").count(),
        count,
        "{}",
        stdout(&up)
    );

    let down = confab(&db.url, &["migrate", "down", "--steps", "1"]);
    assert!(down.status.success(), "{down:?}");
    let lines: Vec<String> = stdout(&down).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), count, "{lines:?}");
    assert!(
        lines[count - 1].starts_with("Pending") && lines[count - 1].contains(&newest_migration()),
        "{lines:?}"
    );
    assert!(lines[count - 2].starts_with("Applied"));

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
    assert_eq!(stdout(&fresh).matches("Applied").count(), migration_count());
}

/// How many migrations the schema has.
fn migration_count() -> usize {
    use migration::MigratorTrait;
    migration::Migrator::migrations().len()
}

/// The name of the schema's newest migration.
fn newest_migration() -> String {
    use migration::MigratorTrait;
    migration::Migrator::migrations()
        .last()
        .map(|newest| newest.name().to_owned())
        .unwrap_or_default()
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

#[tokio::test]
async fn admin_create_reads_the_password_from_stdin_and_list_shows_staff() {
    let db = TestDb::new().await;
    let create = [
        "admin",
        "create",
        "--email",
        "Lee@Example.com",
        "--name",
        "Lee",
        "--password-stdin",
    ];

    let made = confab_with_stdin(&db.url, &create, "a staff password\n");
    assert!(made.status.success(), "{made:?}");
    assert!(stdout(&made).contains("lee@example.com"));

    let again = confab_with_stdin(&db.url, &create, "another password\n");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let empty = confab_with_stdin(
        &db.url,
        &[
            "admin",
            "create",
            "--email",
            "x@example.com",
            "--password-stdin",
        ],
        "",
    );
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("no password on standard input"));

    let short = confab_with_stdin(
        &db.url,
        &[
            "admin",
            "create",
            "--email",
            "y@example.com",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8 characters"));

    let without_flag = confab(&db.url, &["admin", "create", "--email", "z@example.com"]);
    assert!(
        !without_flag.status.success(),
        "the password must never come from argv"
    );

    let list = confab(&db.url, &["admin", "list"]);
    let lines: Vec<String> = stdout(&list).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("lee@example.com\tLee\t"), "{lines:?}");
}

/// A `.env` in a parent directory (a developer's, above a checkout) configures nothing; the
/// working directory's own `.env` does.
#[test]
fn only_the_working_directorys_env_file_is_read() {
    let parent = tempfile::tempdir().expect("temporary directory");
    let child = parent.path().join("checkout");
    std::fs::create_dir(&child).expect("child directory");
    std::fs::write(
        parent.path().join(".env"),
        "CONFAB_LOG=confab=not_a_level\n",
    )
    .expect("write parent .env");
    let status = |dir: &std::path::Path| {
        confab_command()
            .args(["migrate", "status"])
            .current_dir(dir)
            .env_remove("CONFAB_LOG")
            .env("DATABASE_URL", "sqlite::memory:")
            .output()
            .expect("run confab")
    };
    let from_child = status(&child);
    assert!(from_child.status.success(), "{from_child:?}");

    // The same file in the working directory is read, and its broken filter is reported.
    let from_parent = status(parent.path());
    assert!(!from_parent.status.success(), "{from_parent:?}");
}

#[tokio::test]
async fn backup_copies_a_live_sqlite_database_and_refuses_to_overwrite() {
    let test_db = TestDb::new().await;
    let db = test_db.migrated().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let target = dir.path().join("nested").join("copy.db");
    let target_arg = target.to_str().expect("utf-8 path");
    let backed_up = confab(&test_db.url, &["backup", target_arg]);
    if test_db.backend() == sea_orm::DatabaseBackend::Postgres {
        assert!(!backed_up.status.success());
        let stderr = String::from_utf8_lossy(&backed_up.stderr);
        assert!(stderr.contains("pg_dump"), "{stderr}");
        return;
    }
    domain::auth::visitors::create_anonymous(&db)
        .await
        .expect("a row to copy");
    // Taken again now that there is a row (the first copy proves an empty database copies).
    assert!(backed_up.status.success(), "{backed_up:?}");
    std::fs::remove_file(&target).expect("remove the first copy");
    let backed_up = confab(&test_db.url, &["backup", target_arg]);
    assert!(backed_up.status.success(), "{backed_up:?}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&target)
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "only its owner may read the copy");

    let copy = server::database::connect(&format!("sqlite://{target_arg}?mode=rw"))
        .await
        .expect("open the copy");
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(
        domain::entities::User::find()
            .count(&copy)
            .await
            .expect("count"),
        1
    );
    let again = confab(&test_db.url, &["backup", target_arg]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[tokio::test]
async fn files_rotate_key_replaces_the_link_key() {
    let (db, conn) = TestDb::fresh().await;
    let read = || async {
        domain::entities::Secret::find_by_id(domain::attachments::links::LINK_KEY)
            .one(&conn)
            .await
            .expect("read the key")
    };
    let links = domain::attachments::Links::new("");
    links
        .signer(&conn)
        .await
        .expect("a key is made on first use");
    let before = read().await.expect("the key").value;
    let rotated = confab(&db.url, &["files", "rotate-key"]);
    assert!(rotated.status.success(), "{rotated:?}");
    assert!(stdout(&rotated).contains("no longer work"));
    let after = read().await.expect("the key").value;
    assert_ne!(before, after);
    assert_eq!(after.len(), 64);
}
