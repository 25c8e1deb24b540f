#!/usr/bin/env bash
# Builds the embed bundle, the widget alone for `<support-chat>` on other sites, after
# `cargo leptos build` (scripts/build-release.sh and make dev call it): the frontend crate with
# its `embed` feature, compiled for size by scripts/build-wasm.sh, written under the site's pkg/
# with content-hashed names (served with long cache lifetimes) and a small pkg/embed.json naming
# them, which public/embed.js reads; each with gzip and brotli copies beside it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

site_pkg="$ROOT/target/site/pkg"
[ -d "$site_pkg" ] || die "$site_pkg not found: run cargo leptos build first"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/build-wasm.sh embed embed-release "$work" embed

hash=$(cat "$work/embed.js" "$work/embed.wasm" | sha256sum | cut -c1-16)
rm -f "$site_pkg"/embed-*
cp "$work/embed.js" "$site_pkg/embed-$hash.js"
cp "$work/embed.wasm" "$site_pkg/embed-$hash.wasm"
printf '{"module":"embed-%s.js","wasm":"embed-%s.wasm"}\n' "$hash" "$hash" >"$site_pkg/embed.json"
precompress "$site_pkg/embed-$hash.js" "$site_pkg/embed-$hash.wasm" "$site_pkg/embed.json"
echo "embed bundle: pkg/embed-$hash.{js,wasm}"
