#!/usr/bin/env bash
# The embed's weight budget, checked by `make test` after the release build: what a page
# that embeds the widget downloads, gzip -9 compressed, and the hosted app's bundle. Prints every
# size; fails over budget. `--figures FILE` also writes the sizes to FILE (make bench does, for
# figures/bundle-weight.md). make test only prints them: the bundles embed paths of the machine
# that built them (the cargo registry's), so their exact sizes are that machine's.
#   embed.js alone (every page that embeds the widget):          <= 10 KB
#   the whole widget (embed.js, manifest, glue JS, wasm, CSS):   <= 156 KB
# (150 KB until attachments: showing a message's files costs the embed 5.5 KB; sending them
# from an embedded widget waits until that code loads on first use)
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
figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
{
  echo '```'
  total=0
  printf '%-34s %10s %10s\n' "file" "bytes" "gzip -9"
  for file in embed.js pkg/embed.json "pkg/$module" "pkg/$wasm" widget.css; do
    raw=$(stat -c %s "$site/$file")
    packed=$(gz "$site/$file")
    total=$((total + packed))
    # The hashed names change with every build; the figures file names them as README does.
    printf '%-34s %10d %10d\n' "${file/-[0-9a-f]*./-<hash>.}" "$raw" "$packed"
  done
  printf '%-34s %10s %10d\n' "whole embed path" "" "$total"
  echo '```'
  echo
  echo "The hosted app's bundle, as served (brotli: the precompressed file the server sends):"
  echo
  echo '```'
  printf '%-34s %10s %10s %10s\n' "file" "bytes" "gzip -9" "brotli"
  for file in pkg/confab.js pkg/confab.wasm pkg/confab.css; do
    printf '%-34s %10d %10d %10d\n' "$file" "$(stat -c %s "$site/$file")" "$(gz "$site/$file")" \
      "$(stat -c %s "$site/$file.br")"
  done
  echo '```'
} >"$figures"
cat "$figures"
if [ -n "$figures_out" ]; then cp "$figures" "$figures_out"; fi
total=$(awk '/^whole embed path/ { print $NF }' "$figures")
loader=$(gz "$site/embed.js")

status=0
if [ "$loader" -gt 10000 ]; then
  echo "over budget: embed.js is $loader bytes gzipped (budget 10000)"; status=1
fi
if [ "$total" -gt 156000 ]; then
  echo "over budget: the embed path is $total bytes gzipped (budget 156000)"; status=1
fi
[ $status -eq 0 ] && echo "within budget: embed.js $loader <= 10000, embed path $total <= 156000"
exit $status
