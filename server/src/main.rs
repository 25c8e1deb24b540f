//! `confab`: read `.env` if present, parse the command line, run the command, report failure in
//! one line.

use std::process::ExitCode;

use clap::Parser;
use server::config::Cli;

/// Stack of each runtime thread. Rendering a page on the server recurses deeply through the
/// view's types, more so in unoptimised builds (`make dev`), where a signed-in user's page
/// overflowed the default 2 MiB; the memory is reserved, and only used as deep as it goes.
const THREAD_STACK_BYTES: usize = 8 * 1024 * 1024;

fn main() -> ExitCode {
    // Only the working directory's .env: one in a parent directory (a developer's, above a
    // test checkout) must not configure this process. A missing .env is normal (the
    // environment and flags may say everything); a broken one is not.
    if let Err(err) = dotenvy::from_path(".env")
        && !err.not_found()
    {
        eprintln!("confab: could not read .env: {err}");
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK_BYTES)
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("confab: could not start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("confab: {err:#}");
            ExitCode::FAILURE
        }
    }
}
