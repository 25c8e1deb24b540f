#!/usr/bin/env bash
# Builds one of the two bundles compiled for size: the embed, the widget other sites load
# (scripts/build-embed.sh), and the pages bundle, which hydrates the hosted pages outside /admin
# (scripts/build-pages.sh).
#   scripts/build-wasm.sh FEATURE PROFILE OUT_DIR NAME
# writes OUT_DIR/NAME.js (wasm-bindgen --target web, minified by esbuild) and OUT_DIR/NAME.wasm
# (wasm-opt -Oz), from the frontend crate built with FEATURE alone, in cargo profile PROFILE.
#
# The standard library is compiled with the bundle (-Zbuild-std, from the rust-src component),
# for `-Cpanic=immediate-abort`: a panic traps at once instead of formatting a message, which
# takes the panic machinery and most of core::fmt out of the wasm (11 KB brotli of the embed's
# 127 KB), and `optimize_for_size`, std's own size-over-speed choices. Both are unstable
# compiler options; RUSTC_BOOTSTRAP=1 allows them on the toolchain rust-toolchain.toml pins,
# for this build only, so a new toolchain is a reviewed change that reruns this budget.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: scripts/build-wasm.sh FEATURE PROFILE OUT_DIR NAME"
feature=$1 profile=$2 out_dir=$3 name=$4

RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
  cargo build -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
  -p frontend --lib --target wasm32-unknown-unknown --profile "$profile" \
  --no-default-features --features "$feature"
wasm="$TARGET_DIR/wasm32-unknown-unknown/$profile/frontend.wasm"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name "$name" "$wasm"
# The glue wasm-bindgen writes is readable JavaScript; minified it is a quarter of that and
# loads the same module (esbuild from end2end/node_modules, pinned in its package.json).
esbuild "$work/$name.js" --minify --format=esm --log-level=warning --outfile="$out_dir/$name.js"
wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$work/${name}_bg.wasm" -o "$out_dir/$name.wasm"
