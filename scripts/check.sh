#!/usr/bin/env bash
# The everyday loop (`make check`): format, lints and the Rust tests on SQLite, in seconds to a
# few minutes on a warm machine. `make test` runs these and everything else CI runs (PostgreSQL,
# the release build, the reverse proxy, Schemathesis and Chromium).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clean_environment

step "format"
cargo fmt --all --check

step "README's figures equal the files that measured them (scripts/check-figures.sh)"
scripts/check-figures.sh

step "module imports point one way (cargo xtask module-cycles)"
cargo xtask module-cycles

# Lint per crate: a --workspace build on the host would unify the ssr and hydrate features.
step "clippy: server side (wire, domain, app with ssr, server, migration, xtask)"
cargo clippy -p wire -p domain -p app -p server -p migration -p xtask --all-targets -- -D warnings

step "clippy: browser side (frontend, app with hydrate, wire) for wasm32"
cargo clippy -p frontend -p app -p wire --target wasm32-unknown-unknown -- -D warnings

step "clippy: the pages' bundle (frontend and app without the dashboard, wire) for wasm32"
cargo clippy -p frontend -p app -p wire --target wasm32-unknown-unknown --no-default-features \
  --features frontend/pages -- -D warnings

step "clippy: the embed bundle (frontend, app with embed, wire) for wasm32"
cargo clippy -p frontend -p app -p wire --target wasm32-unknown-unknown --no-default-features \
  --features frontend/embed -- -D warnings

# PostgreSQL-only tests (a `postgres` module in their file) are filtered out here, so the
# summary counts them as "filtered out", never as passed; `make test` runs them on PostgreSQL.
step "tests on SQLite"
cargo_test_at_least 287 -p wire -p domain -p app -p server -p migration -p xtask -- --skip ::postgres::

# app's browser-only code (JSON codec, /ws client, widget model) in headless Chromium, through
# wasm-bindgen-test-runner and chromedriver (.cargo/config.toml names the runner).
step "browser-only code in headless Chromium (app/tests/browser, wasm-bindgen-test)"
cargo clippy -p app --target wasm32-unknown-unknown --features hydrate --tests -- -D warnings
cargo_test_at_least 29 -p app --target wasm32-unknown-unknown --features hydrate --test browser

end_steps
