//! README's configuration table and `.env.example` name exactly the variables the parser reads,
//! so documentation and code cannot drift apart.

use std::collections::BTreeSet;

use clap::CommandFactory;
use server::config::Cli;

/// Every environment variable any `confab` argument reads.
fn parsed_variables() -> BTreeSet<String> {
    fn walk(command: &clap::Command, found: &mut BTreeSet<String>) {
        for arg in command.get_arguments() {
            if let Some(env) = arg.get_env() {
                found.insert(env.to_string_lossy().into_owned());
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, found);
        }
    }
    let mut found = BTreeSet::new();
    walk(&Cli::command(), &mut found);
    found
}

/// The backticked `CONFAB_*` / `DATABASE_URL` names in the first column of README's
/// configuration table.
fn readme_variables() -> BTreeSet<String> {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("## Configuration")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a Configuration section");
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .filter_map(|line| line.split('|').nth(1))
        .flat_map(|cell| {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|name| name.starts_with("CONFAB_") || name == "DATABASE_URL")
        .collect()
}

/// The variables `.env.example` sets or shows commented out.
fn env_example_variables() -> BTreeSet<String> {
    include_str!("../../../.env.example")
        .lines()
        .map(|line| line.trim_start_matches('#').trim())
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()))
        .filter(|name| {
            (name.starts_with("CONFAB_") || *name == "DATABASE_URL")
                && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn readme_and_env_example_name_exactly_the_variables_the_parser_reads() {
    let parsed = parsed_variables();
    assert!(parsed.contains("CONFAB_SMTP_URL"), "{parsed:?}");
    assert_eq!(readme_variables(), parsed, "README's configuration table");
    assert_eq!(env_example_variables(), parsed, ".env.example");
}
