//! Confab's development tasks, run as `cargo xtask <task>` (an alias in `.cargo/config.toml`).
//!
//! - `module-cycles`: fails when a module imports another that imports it back, directly or
//!   around a longer loop, in any crate of the workspace. Dependencies between modules should
//!   point one way, so each layer can be read (and changed) without the ones above it.
//! - `compress FILE…`: writes `FILE.br` beside each file, brotli at its best quality, for the
//!   server to send browsers that accept `br` (scripts/lib.sh `precompress`, for the embed and
//!   the pages bundle; cargo-leptos `--precompress` does the same for its own files).

mod compress;
mod module_graph;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

/// The workspace's crates whose modules are checked, by source folder.
const CRATES: &[&str] = &["wire", "domain", "app", "server", "migration", "frontend"];

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("module-cycles") => module_cycles(),
        Some("compress") => compress::files(std::env::args_os().skip(2).map(PathBuf::from)),
        _ => {
            eprintln!("usage: cargo xtask module-cycles | cargo xtask compress FILE…");
            ExitCode::FAILURE
        }
    }
}

/// Prints every import cycle found; fails when there is one.
fn module_cycles() -> ExitCode {
    // `cargo run` names this checkout's xtask/ at run time; the value compiled in names the
    // checkout that built the binary, which a shared target directory may have reused.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let root = manifest_dir.parent().unwrap_or(Path::new("."));
    let mut cycles = 0;
    for name in CRATES {
        let graph = match module_graph::ModuleGraph::read(&root.join(name).join("src")) {
            Ok(graph) => graph,
            Err(err) => {
                eprintln!("{name}: {err:#}");
                return ExitCode::FAILURE;
            }
        };
        for cycle in graph.cycles() {
            cycles += 1;
            println!("{name}: import cycle: {}", cycle.join(" → "));
        }
        println!(
            "{name}: {} modules, {} imports between them",
            graph.module_count(),
            graph.edge_count()
        );
    }
    if cycles == 0 {
        println!("no module imports another that imports it back");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
