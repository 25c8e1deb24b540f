#!/usr/bin/env bash
# `make dev`: the development loop. Builds the embed bundle once, then `cargo leptos watch`
# serves the app on SQLite at http://127.0.0.1:3000 and rebuilds server, hosted bundle and
# styles on every change, reloading open pages. Every page loads the whole app there (the
# release build splits it by audience: scripts/build-pages.sh). After changing the widget, run
# scripts/build-embed.sh again to refresh the embed bundle other sites load.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scripts/setup.sh
cargo leptos build
scripts/build-embed.sh
exec cargo leptos watch -- serve --dev-admin
