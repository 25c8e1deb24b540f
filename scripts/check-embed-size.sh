#!/usr/bin/env bash
# The embed's weight budget, checked by `make test` after the release build: what a page that
# embeds the widget downloads as served to a browser that accepts brotli (the `.br` copy the
# server sends beside each file; gzip -9 shown too, for browsers without brotli), and the hosted
# app's bundle. Prints every size; fails over budget. `--figures FILE` also writes the sizes to
# FILE (make bench does, for figures/bundle-weight.md). make test only prints them: the bundles
# embed paths of the machine that built them (the cargo registry's), so their exact sizes are
# that machine's.
#   embed.js alone (every page that embeds the widget):          <= 10 KB
#   the whole widget (embed.js, manifest, glue JS, wasm, CSS):   <= 140 KB
# (150 KB gzip until attachments; 140 KB brotli with the upload tools in, on the way to 100 KB)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

figures_out=""
case ${1:-} in
  --figures) figures_out=${2:?"--figures needs a file"} ;;
  "") ;;
  *) die "usage: scripts/check-embed-size.sh [--figures FILE]" ;;
esac

site="$ROOT/target/site"
[ -f "$site/pkg/embed.json" ] || die "$site/pkg/embed.json not found: run scripts/build-embed.sh"
module=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["module"])' "$site/pkg/embed.json")
wasm=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wasm"])' "$site/pkg/embed.json")

gz() { gzip -9 -c "$1" | wc -c; }
# What the server sends a browser that accepts `br`: the precompressed copy.
br() {
  [ -f "$1.br" ] || die "$1.br not found: the release build precompresses every file it serves"
  stat -c %s "$1.br"
}
figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
{
  echo '```'
  total=0
  total_gz=0
  printf '%-34s %10s %10s %10s\n' "file" "bytes" "gzip -9" "brotli"
  for file in embed.js pkg/embed.json "pkg/$module" "pkg/$wasm" widget.css; do
    raw=$(stat -c %s "$site/$file")
    gzipped=$(gz "$site/$file")
    served=$(br "$site/$file")
    total=$((total + served))
    total_gz=$((total_gz + gzipped))
    # The hashed names change with every build; the figures file names them as README does.
    printf '%-34s %10d %10d %10d\n' "${file/-[0-9a-f]*./-<hash>.}" "$raw" "$gzipped" "$served"
  done
  printf '%-34s %10s %10d %10d\n' "whole embed path" "" "$total_gz" "$total"
  echo '```'
  echo
  echo "The hosted app's bundle, as served (brotli: the precompressed file the server sends):"
  echo
  echo '```'
  printf '%-34s %10s %10s %10s\n' "file" "bytes" "gzip -9" "brotli"
  for file in pkg/confab.js pkg/confab.wasm pkg/confab.css; do
    printf '%-34s %10d %10d %10d\n' "$file" "$(stat -c %s "$site/$file")" "$(gz "$site/$file")" \
      "$(br "$site/$file")"
  done
  echo '```'
} >"$figures"
cat "$figures"
if [ -n "$figures_out" ]; then cp "$figures" "$figures_out"; fi
total=$(awk '/^whole embed path/ { print $NF }' "$figures")
loader=$(br "$site/embed.js")

status=0
if [ "$loader" -gt 10000 ]; then
  echo "over budget: embed.js is $loader bytes as served (budget 10000)"; status=1
fi
if [ "$total" -gt 140000 ]; then
  echo "over budget: the embed path is $total bytes as served, brotli (budget 140000)"; status=1
fi
[ $status -eq 0 ] && echo "within budget, as served (brotli): embed.js $loader <= 10000, embed path $total <= 140000"
exit $status
