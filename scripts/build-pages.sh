#!/usr/bin/env bash
# Splits the hosted app's bundle by audience, after `cargo leptos build --release` (which
# scripts/build-release.sh runs first): the whole app cargo-leptos built, dashboard included,
# becomes pkg/confab-dashboard.{js,wasm}, which the staff pages under /admin load; and
# pkg/confab.{js,wasm} becomes the frontend crate's `pages` feature alone, compiled for size
# by scripts/build-wasm.sh, which every other page loads, so a user on the start page never
# downloads the dashboard (app::http::bundles chooses per page). Each with gzip and brotli
# copies beside it. A development build (make dev) skips this: one bundle serves every page.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

site_pkg="$ROOT/target/site/pkg"
[ -f "$site_pkg/confab.wasm" ] || die "$site_pkg/confab.wasm not found: run cargo leptos build first"

# pkg/confab.wasm is cargo-leptos's whole app unless this script already replaced it, which
# the stamp (the hash of the pages bundle it wrote; beside the site, not served) tells.
stamp="$ROOT/target/pages-bundle.sha256"
if [ "$(sha256sum <"$site_pkg/confab.wasm")" != "$(cat "$stamp" 2>/dev/null)" ]; then
  for file in confab.js confab.wasm; do
    for suffix in "" .gz .br; do
      [ -f "$site_pkg/$file$suffix" ] &&
        mv -f "$site_pkg/$file$suffix" "$site_pkg/${file/confab/confab-dashboard}$suffix"
    done
  done
fi

scripts/build-wasm.sh pages pages-release "$site_pkg" confab
precompress "$site_pkg/confab.js" "$site_pkg/confab.wasm"
sha256sum <"$site_pkg/confab.wasm" >"$stamp"
echo "hosted bundles: pkg/confab.{js,wasm} (pages outside /admin), pkg/confab-dashboard.{js,wasm} (staff pages)"
