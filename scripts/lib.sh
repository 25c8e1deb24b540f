# Shared by the scripts in this folder (sourced, not run): paths, logging, small helpers.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# Tools installed by scripts/setup.sh: cargo's bin dir and the end2end npm packages
# (Playwright, and binaryen's wasm-opt, which cargo-leptos finds on PATH).
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"

# Tests and benchmarks configure everything they start themselves: a developer's CONFAB_* or
# DATABASE_URL (exported, or from a .env) must not change what they test.
clean_environment() {
  local name
  for name in $(compgen -e); do
    case $name in CONFAB_* | DATABASE_URL) unset "$name" ;; esac
  done
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# `cargo test "${@:2}"`, failing unless at least $1 tests passed. cargo reports a filter that
# matches nothing (a renamed test) as success with 0 tests; this makes it a failure. Raise the
# number with the tests; lowering it is a decision a review should see.
cargo_test_at_least() {
  local least=$1 log passed
  shift
  log=$(mktemp)
  cargo test "$@" 2>&1 | tee "$log"
  passed=$(awk '/^test result: ok\./ { sum += $4 } END { print sum + 0 }' "$log")
  rm -f "$log"
  [ "$passed" -ge "$least" ] ||
    die "cargo test $* passed $passed tests, fewer than the $least expected: a test was renamed or lost"
  echo "    ($passed tests passed, at least $least expected)"
}

# precompress FILE...: writes FILE.gz (gzip -9) and FILE.br (brotli, quality 11) beside each
# file, as cargo-leptos --precompress does for its own: the server sends the brotli copy to
# browsers that accept `br` (all current ones), gzip to the others.
precompress() {
  local file
  for file in "$@"; do
    gzip -9 -k -f "$file"
  done
  cargo xtask compress "$@"
}

# step NAME: prints a header, and the previous step's duration.
STEP_NAME=""
STEP_START=$SECONDS
step() {
  if [ -n "$STEP_NAME" ]; then
    printf '    (%s took %ss)\n' "$STEP_NAME" "$((SECONDS - STEP_START))"
  fi
  STEP_NAME=$1
  STEP_START=$SECONDS
  printf '\n==> %s\n' "$1"
}
end_steps() { step "done"; STEP_NAME=""; }

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_url URL SECONDS: polls until the URL answers 2xx, or fails after SECONDS.
wait_for_url() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# Starts a throwaway PostgreSQL server for this script, sets PG_URL to its admin database, and
# stops and deletes it when the script exits.
start_throwaway_postgres() {
  PG_DIR=$(mktemp -d)
  local port
  port=$(free_port)
  trap 'scripts/throwaway-postgres.sh stop "$PG_DIR" || true; rm -rf "$PG_DIR"' EXIT
  scripts/throwaway-postgres.sh start "$PG_DIR" "$port"
  PG_URL="postgres://confab@127.0.0.1:$port/postgres"
}
