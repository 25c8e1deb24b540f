#!/usr/bin/env bash
# Builds the embed bundle, the widget alone for `<support-chat>` on other sites, after
# `cargo leptos build` (make run, make test and make dev call it): the frontend crate with its
# `embed` feature for wasm32, then wasm-bindgen (--target web), esbuild --minify on the
# JavaScript glue and wasm-opt -Oz on the wasm, written under the site's pkg/ with
# content-hashed names (served with long cache lifetimes) and a small pkg/embed.json naming
# them, which public/embed.js reads; each with gzip and brotli copies beside it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

site_pkg="$ROOT/target/site/pkg"
[ -d "$site_pkg" ] || die "$site_pkg not found: run cargo leptos build first"

cargo build -p frontend --lib --target wasm32-unknown-unknown --profile embed-release \
  --no-default-features --features embed
wasm="$TARGET_DIR/wasm32-unknown-unknown/embed-release/frontend.wasm"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name embed "$wasm"
# The glue wasm-bindgen writes is readable JavaScript (48 KB); minified it is a quarter of that
# and loads the same module (esbuild from end2end/node_modules, pinned in its package.json).
esbuild "$work/embed.js" --minify --format=esm --log-level=warning --outfile="$work/embed.min.js"
mv "$work/embed.min.js" "$work/embed.js"
wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$work/embed_bg.wasm" -o "$work/embed.opt.wasm"

hash=$(cat "$work/embed.js" "$work/embed.opt.wasm" | sha256sum | cut -c1-16)
rm -f "$site_pkg"/embed-*
cp "$work/embed.js" "$site_pkg/embed-$hash.js"
cp "$work/embed.opt.wasm" "$site_pkg/embed-$hash.wasm"
printf '{"module":"embed-%s.js","wasm":"embed-%s.wasm"}\n' "$hash" "$hash" >"$site_pkg/embed.json"
# Precompressed copies, as cargo-leptos --precompress writes for its own files: the server sends
# the brotli one to browsers that accept `br` (all current ones), gzip to the others.
bundle=("$site_pkg/embed-$hash.js" "$site_pkg/embed-$hash.wasm" "$site_pkg/embed.json")
for file in "${bundle[@]}"; do
  gzip -9 -k -f "$file"
done
cargo xtask compress "${bundle[@]}"
echo "embed bundle: pkg/embed-$hash.{js,wasm}"
