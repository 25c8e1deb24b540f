#!/usr/bin/env bash
# `make bench`: the benchmarks, on SQLite and on a throwaway PostgreSQL. They print numbers;
# README.md records the latest ones.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clean_environment

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
}

bench_all SQLite
start_throwaway_postgres
DATABASE_URL="$PG_URL" bench_all PostgreSQL
end_steps
