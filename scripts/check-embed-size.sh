#!/usr/bin/env bash
# The bundles' weight budget, checked by `make test` after the release build: what a page that
# embeds the widget downloads as served to a browser that accepts brotli (the `.br` copy the
# server sends beside each file; gzip -9 shown too, for browsers without brotli), and the hosted
# app's bundles by audience (the start page's, and the staff pages'). Prints every size; fails
# over budget. `--figures FILE` also writes the sizes to
# FILE (make bench does, for figures/bundle-weight.md). make test only prints them: the bundles
# embed paths of the machine that built them (the cargo registry's), so their exact sizes are
# that machine's.
#   embed.js alone (every page that embeds the widget):          <= 10 KB
#   the whole widget (embed.js, manifest, glue JS, wasm, CSS):   <= 125 KB
#   the start page's scripts and styles (no dashboard):          <= 360 KB
# (The embed: 150 KB gzip until attachments, 140 KB brotli with the upload tools in, 125 KB
# with std compiled for size; the goal is 100 KB. The start page: 700 KB before the split by
# audience; the goal is 250 KB. Lower a budget as the bundle shrinks; raising one is a decision
# a review should see.)
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
  echo "The hosted app's bundles, as served: every page outside /admin loads the first group,"
  echo "the staff pages under /admin the second (the whole app, dashboard included):"
  echo
  echo '```'
  printf '%-34s %10s %10s %10s\n' "file" "bytes" "gzip -9" "brotli"
  start_page=0
  start_page_gz=0
  for file in pkg/confab.js pkg/confab.wasm pkg/confab.css widget.css; do
    served=$(br "$site/$file")
    gzipped=$(gz "$site/$file")
    start_page=$((start_page + served))
    start_page_gz=$((start_page_gz + gzipped))
    printf '%-34s %10d %10d %10d\n' "$file" "$(stat -c %s "$site/$file")" "$gzipped" "$served"
  done
  printf '%-34s %10s %10d %10d\n' "the start page's scripts, styles" "" "$start_page_gz" "$start_page"
  echo
  for file in pkg/confab-dashboard.js pkg/confab-dashboard.wasm; do
    printf '%-34s %10d %10d %10d\n' "$file" "$(stat -c %s "$site/$file")" "$(gz "$site/$file")" \
      "$(br "$site/$file")"
  done
  echo '```'
} >"$figures"
cat "$figures"
if [ -n "$figures_out" ]; then cp "$figures" "$figures_out"; fi
total=$(awk '/^whole embed path/ { print $NF }' "$figures")
start_page=$(awk '/^the start page/ { print $NF }' "$figures")
loader=$(br "$site/embed.js")

status=0
if [ "$loader" -gt 10000 ]; then
  echo "over budget: embed.js is $loader bytes as served (budget 10000)"; status=1
fi
if [ "$total" -gt 125000 ]; then
  echo "over budget: the embed path is $total bytes as served, brotli (budget 125000)"; status=1
fi
if [ "$start_page" -gt 360000 ]; then
  echo "over budget: the start page's scripts and styles are $start_page bytes as served, brotli (budget 360000)"
  status=1
fi
[ $status -eq 0 ] && echo "within budget, as served (brotli): embed.js $loader <= 10000," \
  "embed path $total <= 125000, start page $start_page <= 360000"
exit $status
