#!/usr/bin/env bash
# `make bench`: the benchmarks, on SQLite and on a throwaway PostgreSQL. They print numbers,
# fail on lost or repeated deliveries and failed connections, and write their table rows; this
# script turns the rows into figures/admin-list.md, figures/search.md, figures/realtime.md,
# figures/uploads.md, figures/load.md and figures/lighthouse.md (Lighthouse's scores of the
# hosted app), measures the release bundles into figures/bundle-weight.md, each naming the commit
# measured, and copies them into README (scripts/check-figures.sh keeps the two equal).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clean_environment

# The figures name the commit they measured: nothing else may differ from it (README and
# figures/ are what this script writes).
if [ -n "$(git status --porcelain -- . ':!README.md' ':!figures')" ]; then
  die "the work tree differs from HEAD; commit or stash first, so the figures name the code they measured"
fi
measured="Measured by \`make bench\` on commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), on $(nproc) cores with $(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo) GiB of memory:"

scripts/setup.sh
# 10,000 WebSocket clients and the server they talk to each need a descriptor per socket.
ulimit -n "$(ulimit -Hn)"

bench_all() {
  step "the dashboard's reads, 100,000 chats / 1,000,000 messages, $1"
  cargo bench -p server --bench admin_list
  for clients in 1000 10000; do
    step "/ws delivery with $clients clients, $1"
    CONFAB_BENCH_CLIENTS=$clients cargo bench -p server --bench realtime
  done
  step "uploads of 1 MB by 20 clients at once to local storage, $1"
  cargo bench -p server --bench uploads
  step "messages over /ws at rising rates: 1,000 visitors, 3 dashboards, $1"
  cargo bench -p server --bench load
}

# The rows and tables of this run, beside the build (made anew each run).
rows="$TARGET_DIR/bench-figures"
rm -rf "$rows" && mkdir -p "$rows"
export CONFAB_BENCH_FIGURES=$rows

step "release build, and the bundles' weight"
scripts/build-release.sh
scripts/check-embed-size.sh --figures "$rows/bundle-weight.md"
step "Lighthouse: / as a signed-in user (mobile), /admin/chats as staff (desktop)"
scripts/lighthouse.sh "$rows/lighthouse.rows"

bench_all SQLite
start_throwaway_postgres
DATABASE_URL="$PG_URL" bench_all PostgreSQL

step "figures/ and README"
# figure FILE ROWS HEADER: the table of the rows one bench wrote, under its header.
figure() {
  { echo "$measured"; echo; echo "$3"; echo "$3" | sed -E 's/[^|]+/ --- /g'; cat "$rows/$2.rows"; } >"$rows/$1"
  cp "$rows/$1" "figures/$1"
  cat "figures/$1"
}
figure admin-list.md admin_list \
  "| Backend | Seeding | First page p50 / p95 | Page after 50,000 | Mine | Unassigned | Mine, after 5,000 | Chat page | Label on 1 in 100 | Label on 1 in 3 | Label + Mine | Label, after 10,000 |"
figure search.md search \
  "| Backend | A rare word (one chat) | 1 in 64 messages | 9 in 10 | Every message | Prefix of 5 words (re*) | Prefix of 11,111 numbers (1*) | Prefix of 1 word, 9 in 10 (lore*) | Two words | An email |"
figure realtime.md realtime \
  "| Backend | Clients | Connect + subscribe | p50 | p95 | p99 | Deliveries | RSS per idle socket | under load |"
figure uploads.md uploads \
  "| Backend | Clients | Uploads | Throughput | One upload p50 | p95 | p99 |"
figure load.md load \
  "| Backend | Offered | Sent | Ack p50 | Ack p95 | Ack p99 | To staff p95 | Server CPU | CPU per message | Server RSS |"
figure lighthouse.md lighthouse \
  "| Page | Device | Performance | First paint | Largest paint | Total blocking | Layout shift | Transferred |"
{ echo "$measured"; echo; cat "$rows/bundle-weight.md"; } >figures/bundle-weight.md
scripts/check-figures.sh --write
end_steps
