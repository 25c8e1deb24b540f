#!/usr/bin/env bash
# Every check, in order, stopping at the first failure: `make test` (and so CI) runs this.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clean_environment

step "setup"
scripts/setup.sh

# Format, lints and the SQLite tests: the everyday loop, `make check`.
scripts/check.sh

step "tests on PostgreSQL"
start_throwaway_postgres
DATABASE_URL="$PG_URL" cargo_test_at_least 163 -p server --test it

# Alone, since it restarts the PostgreSQL server under two running instances.
step "two instances across a PostgreSQL restart"
CONFAB_TEST_PG_DIR="$PG_DIR" DATABASE_URL="$PG_URL" cargo_test_at_least 1 -p server --test it -- \
  --ignored --exact fanout::postgres::two_processes_survive_a_postgresql_restart

# Without network where the platform allows it: proves the build downloads nothing (cargo-leptos
# would otherwise fetch wasm-bindgen or wasm-opt). Every crate was fetched by the steps above.
step "release build (offline)"
if unshare -n true 2>/dev/null; then
  unshare -n -- env CARGO_NET_OFFLINE=true scripts/build-release.sh
elif unshare -rn true 2>/dev/null; then
  unshare -rn -- env CARGO_NET_OFFLINE=true scripts/build-release.sh
else
  # cargo's own offline mode, and a check that cargo-leptos downloaded nothing into its cache
  # (what it fetches when wasm-bindgen or wasm-opt is missing from PATH).
  echo "(no network namespaces here: cargo builds offline, and the step checks that cargo-leptos"
  echo " fetched nothing into ${XDG_CACHE_HOME:-$HOME/.cache}/cargo-leptos)"
  downloads() {
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/cargo-leptos"
    if [ -d "$cache" ]; then find "$cache" -type f | sort; fi
  }
  before=$(downloads)
  env CARGO_NET_OFFLINE=true scripts/build-release.sh
  [ "$(downloads)" = "$before" ] ||
    die "the offline release build downloaded tools: $(comm -13 <(echo "$before") <(downloads) | tr '\n' ' ')"
fi

step "bundle weight budget: the embed, the start page"
scripts/check-embed-size.sh

step "reverse proxy: nginx in front of the release binary"
scripts/proxy-e2e.sh

step "against the running release server: OpenAPI, Schemathesis, Chromium"
scripts/e2e.sh

end_steps
