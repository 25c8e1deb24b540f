//! `confab`: read `.env` if present, parse the command line, run the command, report failure in
//! one line.

use std::process::ExitCode;

use clap::Parser;
use server::config::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    // Only the working directory's .env: one in a parent directory (a developer's, above a
    // test checkout) must not configure this process. A missing .env is normal (the
    // environment and flags may say everything); a broken one is not.
    if let Err(err) = dotenvy::from_path(".env")
        && !err.not_found()
    {
        eprintln!("confab: could not read .env: {err}");
        return ExitCode::FAILURE;
    }
    match server::run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("confab: {err:#}");
            ExitCode::FAILURE
        }
    }
}
