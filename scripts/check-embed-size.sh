#!/usr/bin/env bash
# The embed's weight budget, checked by `make test` after the release build: what a page
# that embeds the widget downloads, gzip -9 compressed. Prints every size; fails over budget.
#   embed.js alone (every page that embeds the widget):          <= 10 KB
#   the whole widget (embed.js, manifest, glue JS, wasm, CSS):   <= 150 KB
set -euo pipefail
source "$(dirname "$0")/lib.sh"

site="$ROOT/target/site"
[ -f "$site/pkg/embed.json" ] || die "$site/pkg/embed.json not found: run scripts/build-embed.sh"
module=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["module"])' "$site/pkg/embed.json")
wasm=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wasm"])' "$site/pkg/embed.json")

gz() { gzip -9 -c "$1" | wc -c; }
total=0
printf '%-34s %10s %10s\n' "file" "bytes" "gzip -9"
for file in embed.js pkg/embed.json "pkg/$module" "pkg/$wasm" widget.css; do
  raw=$(stat -c %s "$site/$file")
  packed=$(gz "$site/$file")
  total=$((total + packed))
  printf '%-34s %10d %10d\n' "$file" "$raw" "$packed"
done
loader=$(gz "$site/embed.js")
printf '%-34s %10s %10d\n' "whole embed path" "" "$total"

status=0
if [ "$loader" -gt 10000 ]; then
  echo "over budget: embed.js is $loader bytes gzipped (budget 10000)"; status=1
fi
if [ "$total" -gt 150000 ]; then
  echo "over budget: the embed path is $total bytes gzipped (budget 150000)"; status=1
fi
[ $status -eq 0 ] && echo "within budget: embed.js $loader <= 10000, embed path $total <= 150000"
exit $status
