#!/usr/bin/env bash
# `make bench`: the benchmarks, on SQLite and on a throwaway PostgreSQL. They print numbers;
# README.md records the latest ones.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clean_environment

scripts/setup.sh
step "GET /api/admin/chats, 10,000 chats / 200,000 messages, SQLite"
cargo bench -p server --bench admin_list
step "GET /api/admin/chats, 10,000 chats / 200,000 messages, PostgreSQL"
start_throwaway_postgres
DATABASE_URL="$PG_URL" cargo bench -p server --bench admin_list
end_steps
