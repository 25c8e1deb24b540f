#!/usr/bin/env bash
# The release server behind nginx, configured with the production proxy rules
# (deploy/nginx/confab-proxy.conf, through deploy/nginx/test-site.conf.template), checked the
# way clients use it:
#   a. per-address limits count the real client that nginx names, and neither nginx itself nor
#      forged forwarding headers (through nginx, or sent to Confab directly);
#   b. a staff member signs in through nginx and gets the session cookie;
#   c. a WebSocket conversation through nginx: a widget visitor writes, staff see it live.
# Confab and nginx listen on free 127.0.0.1 ports and write only to a temporary directory; both
# are stopped whatever happens. Expects the release build (make test runs it first), nginx and
# the Python tools from scripts/setup.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clean_environment

bin="$TARGET_DIR/release/confab"
site="$ROOT/target/site"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
python="$ROOT/.tools/venv/bin/python"
[ -x "$bin" ] || die "$bin not found: run the release build first (make test does)"
[ -d "$site" ] || die "$site not found: run the release build first (make test does)"
[ -x "$nginx" ] || die "nginx not found: scripts/setup.sh installs it"
"$python" -c 'import websockets' 2>/dev/null ||
  die "the websockets package is missing from .tools/venv: run scripts/setup.sh"

# Every request here goes to 127.0.0.1: never through a proxy named in the environment.
export no_proxy='*' NO_PROXY='*'

work=$(mktemp -d)
confab_port=$(free_port)
nginx_port=$(free_port)
while [ "$nginx_port" = "$confab_port" ]; do nginx_port=$(free_port); done
direct="http://127.0.0.1:$confab_port"
proxy="http://127.0.0.1:$nginx_port"
admin_email="staff@proxy-e2e.example.com"
admin_password="proxy e2e staff password"
sessions_per_hour=2

# Started from a directory of its own, so no .env is read. Two widget sessions per address make
# the limit quick to reach; only nginx (127.0.0.1) may name clients; the public URL is nginx's,
# as in production, so the dashboard's socket from that origin may use its cookie.
(cd "$work" && exec env CONFAB_ADMIN_EMAIL="$admin_email" CONFAB_ADMIN_PASSWORD="$admin_password" \
  CONFAB_TRUSTED_PROXIES=127.0.0.1 CONFAB_WIDGET_SESSIONS_PER_HOUR=$sessions_per_hour \
  CONFAB_PUBLIC_URL="$proxy" DATABASE_URL="sqlite://$work/proxy-e2e.db?mode=rwc" CONFAB_LOG=info \
  "$bin" serve --addr "127.0.0.1:$confab_port" --site-root "$site") >"$work/server.log" 2>&1 &
server_pid=$!
nginx_pid=""

cleanup() {
  status=$?
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  if [ $status -ne 0 ]; then
    echo "--- confab log (last 60 lines) ---"
    tail -n 60 "$work/server.log"
    if [ -f "$work/nginx/error.log" ]; then
      echo "--- nginx error log (last 30 lines) ---"
      tail -n 30 "$work/nginx/error.log"
      echo "--- nginx access log (last 30 lines) ---"
      tail -n 30 "$work/nginx/access.log" 2>/dev/null || true
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# nginx's configuration: the template with this run's ports and directory, and the production
# snippet linked where the template includes it from (as /etc/nginx/snippets in production).
# As root, nginx would run its workers as nobody, who cannot write their temporary files into
# this private directory: they run as root instead.
mkdir -p "$work/nginx/snippets"
ln -s "$ROOT/deploy/nginx/confab-proxy.conf" "$work/nginx/snippets/confab-proxy.conf"
user_directive=""
if [ "$(id -u)" -eq 0 ]; then user_directive="user root;"; fi
sed -e "s|@DIR@|$work/nginx|g" -e "s|@USER@|$user_directive|" \
  -e "s|@CONFAB_PORT@|$confab_port|" -e "s|@NGINX_PORT@|$nginx_port|" \
  "$ROOT/deploy/nginx/test-site.conf.template" >"$work/nginx/nginx.conf"
nginx_args=(-p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log")
"$nginx" -t -q "${nginx_args[@]}" || die "nginx refused the configuration (above)"

wait_for_url "$direct/readyz" 60 || die "confab did not become ready within 60 s"
"$nginx" "${nginx_args[@]}" &
nginx_pid=$!
wait_for_url "$proxy/readyz" 30 || die "confab did not answer through nginx within 30 s"

passed=0
failed=0
# The checks run inside `if`, where set -e does not apply: each failure returns explicitly.
fail() { printf 'FAIL: %s\n' "$*" >&2; }
body() { head -c 300 "$work/body"; }

# session_status BASE_URL SOURCE_ADDRESS [HEADER...]: starts a widget session from that
# loopback address (all of 127/8 is local on Linux) and prints the HTTP status; the body is
# left in $work/body.
session_status() {
  local base=$1 from=$2 header
  shift 2
  local headers=()
  for header in "$@"; do headers+=(-H "$header"); done
  curl -sS -o "$work/body" -w '%{http_code}' --interface "$from" -X POST "${headers[@]}" \
    "$base/api/widget/session"
}

# limited_per_address LABEL BASE_URL SOURCE_ADDRESS: the allowed sessions get 201 and the next
# one 429, although every request claims a different client in forged X-Forwarded-For and
# Forwarded headers: were either believed, each request would count for another address.
limited_per_address() {
  local label=$1 base=$2 from=$3 n got="" expected=""
  for n in $(seq 1 $((sessions_per_hour + 1))); do
    got+=" $(session_status "$base" "$from" "X-Forwarded-For: 203.0.113.$n" \
      "Forwarded: for=198.51.100.$n")"
    if [ "$n" -le "$sessions_per_hour" ]; then expected+=" 201"; else expected+=" 429"; fi
  done
  printf '    %s from %s:%s\n' "$label" "$from" "$got"
  [ "$got" = "$expected" ] || {
    fail "$label from $from: expected$expected, got$got (last body: $(body))"
    return 1
  }
}

check_limits_per_client() {
  local x
  # Through nginx, four clients: each has its own allowance, so Confab counts the address
  # nginx names, not nginx's own 127.0.0.1.
  for x in 2 3 4 5; do
    limited_per_address "via nginx" "$proxy" "127.0.0.$x" || return 1
  done
  # Straight to Confab from an address it does not trust: its forwarded headers are ignored.
  limited_per_address "direct" "$direct" 127.0.0.9
}

staff_cookie=""
check_staff_sign_in() {
  local status
  status=$(curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code}' \
    --data-urlencode "email=$admin_email" --data-urlencode "password=$admin_password" \
    "$proxy/rpc/auth/sign_in")
  [ "$status" = 200 ] || {
    fail "staff sign-in through nginx: HTTP $status: $(body)"
    return 1
  }
  staff_cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \(confab_session=[^;]*\);.*/\1/p' "$work/headers")
  [ -n "$staff_cookie" ] || {
    fail "staff sign-in through nginx: no confab_session cookie"
    return 1
  }
  printf '    signed in: HTTP 200 with a confab_session cookie\n'
}

# json_field NAME: the top-level field NAME of the JSON response in $work/body.
json_field() {
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <"$work/body"
}

check_ws_conversation() {
  local status token chat_id
  [ -n "$staff_cookie" ] || {
    fail "WebSocket conversation: no staff cookie (the sign-in failed)"
    return 1
  }
  # A visitor from an address check a has not used up.
  status=$(session_status "$proxy" 127.0.0.6)
  token=$(json_field token 2>/dev/null) || {
    fail "the visitor's widget session: HTTP $status: $(body)"
    return 1
  }
  status=$(curl -sS -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $token" \
    "$proxy/api/support_chat")
  chat_id=$(json_field id 2>/dev/null) || {
    fail "the visitor's chat: HTTP $status: $(body)"
    return 1
  }
  "$python" "$ROOT/end2end/proxy/ws_conversation.py" "ws://127.0.0.1:$nginx_port/ws" "$proxy" \
    "$token" "$chat_id" "$staff_cookie" || {
    fail "WebSocket conversation through nginx (its message above)"
    return 1
  }
}

# run_check NAME FUNCTION: runs one check and counts it; every check runs even after a failure.
run_check() {
  printf '%s\n' "$1"
  if "$2"; then
    passed=$((passed + 1))
    printf '    ok\n'
  else
    failed=$((failed + 1))
  fi
}

run_check "a. widget sessions are limited per real client, through nginx and around it" \
  check_limits_per_client
run_check "b. staff sign-in through nginx" check_staff_sign_in
run_check "c. WebSocket conversation through nginx: visitor writes, staff receive" \
  check_ws_conversation

echo "proxy e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
