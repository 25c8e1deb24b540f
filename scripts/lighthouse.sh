#!/usr/bin/env bash
# Lighthouse's performance scores of the hosted app, for `make bench`: starts the release build on
# a free port with a throwaway SQLite database (from a directory of its own, so no .env is read),
# signs up a user and signs in the seeded staff member, and has end2end/lighthouse/run.mjs audit
# `/` (the user, mobile) and `/admin/chats` (staff, desktop) in Debian's Chromium. Appends a
# table row per page to the file given (make bench turns them into figures/lighthouse.md).
#
# Usage: scripts/lighthouse.sh ROWS_FILE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clean_environment

rows=${1:?usage: scripts/lighthouse.sh ROWS_FILE}
: >"$rows"
bin="$TARGET_DIR/release/confab"
[ -x "$bin" ] || die "$bin not found: run the release build first (make bench does)"

work=$(mktemp -d)
port=$(free_port)
staff_email="lighthouse-staff@example.com"
staff_password="lighthouse staff password"
(cd "$work" && exec env CONFAB_ADMIN_EMAIL="$staff_email" CONFAB_ADMIN_PASSWORD="$staff_password" \
  DATABASE_URL="sqlite://$work/lighthouse.db?mode=rwc" CONFAB_LOG=warn \
  "$bin" serve --addr "127.0.0.1:$port" --site-root "$ROOT/target/site") >"$work/server.log" 2>&1 &
server_pid=$!
cleanup() {
  status=$?
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  [ $status -eq 0 ] || tail -n 40 "$work/server.log"
  rm -rf "$work"
}
trap cleanup EXIT
wait_for_url "http://127.0.0.1:$port/readyz" 60 || die "server did not become ready within 60 s"
base="http://127.0.0.1:$port"

# session_cookie ENDPOINT EMAIL PASSWORD: the `confab_session=…` pair the endpoint sets.
session_cookie() {
  curl -fsS -D - -o /dev/null "$base/rpc/auth/$1" \
    --data-urlencode "email=$2" --data-urlencode "password=$3" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(confab_session=[0-9a-f]\+\);.*/\1/p'
}
# signed_in_as COOKIE: the email of the session's user (empty when the session is refused).
signed_in_as() {
  curl -fsS -X POST -H "Cookie: $1" "$base/rpc/auth/me" |
    python3 -c 'import json, sys; print((json.load(sys.stdin) or {}).get("email") or "")'
}
user_cookie=$(session_cookie sign_up "lighthouse-user@example.com" "lighthouse user password")
staff_cookie=$(session_cookie sign_in "$staff_email" "$staff_password")
[ -n "$user_cookie" ] && [ -n "$staff_cookie" ] || die "could not sign in the user and staff member"
# `/` looks the same to a visitor, so a refused session would go unnoticed in the audit.
[ "$(signed_in_as "$user_cookie")" = "lighthouse-user@example.com" ] ||
  die "the user's session is not accepted"

node "$ROOT/end2end/lighthouse/run.mjs" --base "$base" --user-cookie "$user_cookie" \
  --staff-cookie "$staff_cookie" --rows "$rows"
