#!/usr/bin/env bash
# `make run`: sets up, builds the release, and serves on SQLite at http://127.0.0.1:3000
# (override with the variables in .env.example). On an empty database it creates a development
# admin and prints its password once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scripts/setup.sh
scripts/build-release.sh
exec "$TARGET_DIR/release/confab" serve --site-root "$ROOT/target/site" --dev-admin
