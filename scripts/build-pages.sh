#!/usr/bin/env bash
# Splits the hosted app's bundle by audience, after `cargo leptos build --release` (which
# scripts/build-release.sh runs first, and which empties the site directory before it builds):
# the whole app cargo-leptos built, dashboard included, becomes pkg/confab-dashboard.{js,wasm},
# which the staff pages under /admin load; and pkg/confab.{js,wasm} becomes the frontend
# crate's `pages` feature alone, compiled for size by scripts/build-wasm.sh, which every other
# page loads, so a user on the start page never downloads the dashboard (app::http::bundles
# chooses per page). Each with gzip and brotli copies beside it. A development build (make dev)
# skips this: one bundle serves every page.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

site_pkg="$ROOT/target/site/pkg"
[ -f "$site_pkg/confab.wasm" ] || die "$site_pkg/confab.wasm not found: run cargo leptos build first"

# Built aside and moved in at the end, so an interrupted run leaves the site as it was.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/build-wasm.sh pages pages-release "$work" confab
precompress "$work/confab.js" "$work/confab.wasm"

# Once per cargo-leptos build: a second run finds the whole app already renamed.
if [ ! -f "$site_pkg/confab-dashboard.wasm" ]; then
  for file in confab.js confab.wasm; do
    for suffix in "" .gz .br; do
      mv -f "$site_pkg/$file$suffix" "$site_pkg/${file/confab/confab-dashboard}$suffix"
    done
  done
fi
mv -f "$work"/confab.* "$site_pkg/"
echo "hosted bundles: pkg/confab.{js,wasm} (pages outside /admin), pkg/confab-dashboard.{js,wasm} (staff pages)"
