#!/usr/bin/env bash
# `make run`: sets up, builds the release, and serves on SQLite at http://127.0.0.1:3000
# (override with the variables in .env.example).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scripts/setup.sh
"${RELEASE_BUILD[@]}"
exec "$TARGET_DIR/release/confab" serve --site-root "$ROOT/target/site"
