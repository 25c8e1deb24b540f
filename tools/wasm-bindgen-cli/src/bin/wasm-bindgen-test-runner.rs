//! `wasm-bindgen-test-runner`: the published CLI's entry point, built from this project's lock;
//! cargo runs wasm32 tests through it in headless Chromium.

fn main() -> anyhow::Result<()> {
    env_logger::init();
    wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(std::env::args_os())
}
