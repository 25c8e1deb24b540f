#!/usr/bin/env bash
# Tests against the running release build: its OpenAPI document is validated, Schemathesis
# checks the server against that document, and Playwright drives Chromium. Starts the server on
# a free port with a throwaway SQLite database (from a directory of its own, so no .env is
# read), waits until it is ready, and stops it whatever happens. Expects the release build to
# have run (make test does).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bin="$TARGET_DIR/release/confab"
[ -x "$bin" ] || die "$bin not found: run the release build first (make test does)"

work=$(mktemp -d)
port=$(free_port)
# A staff account for the tests, seeded the way operators seed one.
export E2E_ADMIN_EMAIL="staff@e2e.example.com"
export E2E_ADMIN_PASSWORD="e2e staff password"
# Schemathesis starts many widget sessions, posts hundreds of messages as one visitor and
# tries verified identities, and every browser test comes from 127.0.0.1: hence the secret and
# the raised limits (the limits themselves are tested in server/tests/it/hardening.rs).
(cd "$work" && exec env CONFAB_ADMIN_EMAIL="$E2E_ADMIN_EMAIL" CONFAB_ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD" \
  CONFAB_IDENTITY_SECRET="e2e identity secret" CONFAB_WIDGET_SESSIONS_PER_HOUR=100000 \
  CONFAB_MESSAGES_PER_MINUTE=1000000 CONFAB_MESSAGE_BURST=1000000 CONFAB_SIGN_UPS_PER_HOUR=100000 \
  DATABASE_URL="sqlite://$work/e2e.db?mode=rwc" CONFAB_LOG=info \
  "$bin" serve --addr "127.0.0.1:$port" --site-root "$ROOT/target/site") >"$work/server.log" 2>&1 &
server_pid=$!

cleanup() {
  status=$?
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  if [ $status -ne 0 ]; then
    # The server's log first, then what the failing step printed, so the failure itself is
    # what a reader of the last lines of the run sees.
    echo "--- server log (last 60 lines) ---"
    tail -n 60 "$work/server.log"
    if [ -s "$work/step.log" ]; then
      echo "--- the failing step's output (last 120 lines) ---"
      tail -n 120 "$work/step.log"
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

wait_for_url "http://127.0.0.1:$port/readyz" 60 || die "server did not become ready within 60 s"

base="http://127.0.0.1:$port"
step "OpenAPI document: valid OpenAPI 3.1"
curl -fsS "$base/api/openapi.json" -o "$work/openapi.json"
"$ROOT/.tools/venv/bin/openapi-spec-validator" "$work/openapi.json"

# Every check, positive and negative data: a schema-valid request the server refuses, or an
# invalid one it accepts, fails the run, so the document and the server cannot drift apart.
# A fixed seed keeps runs comparable; credentials: one widget visitor and one staff member.
step "Schemathesis: the server against its OpenAPI document"
CONFAB_ST_VISITOR_TOKEN=$(curl -fsS -X POST "$base/api/widget/session" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
CONFAB_ST_STAFF_SESSION=$(curl -fsS -D - -o /dev/null "$base/rpc/auth/sign_in" \
  --data-urlencode "email=$E2E_ADMIN_EMAIL" --data-urlencode "password=$E2E_ADMIN_PASSWORD" |
  sed -n 's/^[Ss]et-[Cc]ookie: confab_session=\([0-9a-f]*\);.*/\1/p')
[ -n "$CONFAB_ST_STAFF_SESSION" ] || die "could not sign in the staff account for Schemathesis"
export CONFAB_ST_VISITOR_TOKEN CONFAB_ST_STAFF_SESSION
# Ending the widget session revokes the shared token: that one operation runs last, alone,
# with a token of its own.
(cd "$work" && "$ROOT/.tools/venv/bin/st" --config-file "$ROOT/end2end/schemathesis/schemathesis.toml" \
  run "$base/api/openapi.json" --checks all --seed 1 --max-examples 100 --workers 2 \
  --exclude-operation-id end_widget_session) 2>&1 | tee "$work/step.log"
CONFAB_ST_VISITOR_TOKEN=$(curl -fsS -X POST "$base/api/widget/session" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
(cd "$work" && "$ROOT/.tools/venv/bin/st" --config-file "$ROOT/end2end/schemathesis/schemathesis.toml" \
  run "$base/api/openapi.json" --checks all --seed 1 --max-examples 100 --workers 1 \
  --include-operation-id end_widget_session) 2>&1 | tee "$work/step.log"

step "Playwright in Chromium"
cd end2end
# The widget tests start servers of their own (to restart them, or to let a second loopback
# port embed the widget) from the same binary and site.
CONFAB_BASE_URL="http://127.0.0.1:$port" CONFAB_BIN="$bin" CONFAB_SITE_ROOT="$ROOT/target/site" \
  npx playwright test 2>&1 | tee "$work/step.log"
