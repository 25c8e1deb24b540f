#!/usr/bin/env bash
# Browser tests against the release build (and a validation of its OpenAPI document): starts
# the server on a free port with a throwaway
# SQLite database, waits until it is ready, runs Playwright, and stops the server whatever
# happens. Expects the release build to have run (make test does).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bin="$TARGET_DIR/release/confab"
[ -x "$bin" ] || die "$bin not found: run the release build first (make test does)"

work=$(mktemp -d)
port=$(free_port)
# A staff account for the tests, seeded the way operators seed one.
export E2E_ADMIN_EMAIL="staff@e2e.example.com"
export E2E_ADMIN_PASSWORD="e2e staff password"
CONFAB_ADMIN_EMAIL="$E2E_ADMIN_EMAIL" CONFAB_ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD" \
DATABASE_URL="sqlite://$work/e2e.db?mode=rwc" CONFAB_LOG=info \
  "$bin" serve --addr "127.0.0.1:$port" --site-root "$ROOT/target/site" >"$work/server.log" 2>&1 &
server_pid=$!

cleanup() {
  status=$?
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  if [ $status -ne 0 ]; then
    echo "--- server log ---"
    cat "$work/server.log"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

wait_for_url "http://127.0.0.1:$port/readyz" 60 || die "server did not become ready within 60 s"

# The release server's API description must be valid OpenAPI 3.1.
curl -fsS "http://127.0.0.1:$port/api/openapi.json" -o "$work/openapi.json"
"$ROOT/.tools/venv/bin/openapi-spec-validator" "$work/openapi.json"
cd end2end
CONFAB_BASE_URL="http://127.0.0.1:$port" npx playwright test
