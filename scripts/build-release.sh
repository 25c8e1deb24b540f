#!/usr/bin/env bash
# The release build `make run` and `make test` share: the server and the hosted app's bundle
# (cargo-leptos; --precompress writes .gz and .br beside each asset, which the server sends to
# browsers that accept them), split by audience (the pages outside /admin get a bundle without
# the dashboard), then the embed bundle for other sites.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

cargo leptos build --release --precompress
scripts/build-pages.sh
scripts/build-embed.sh
