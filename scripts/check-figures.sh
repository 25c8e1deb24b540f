#!/usr/bin/env bash
# README's measured figures are generated, never typed: each file in figures/ is written by the
# code that measures it (`make bench`: figures/admin-list.md and figures/realtime.md;
# scripts/check-embed-size.sh in `make test`: figures/bundle-weight.md), and README holds a copy
# of each between two markers:
#   <!-- figures/NAME.md: generated, do not edit -->
#   …the file's text…
#   <!-- end of figures/NAME.md -->
# This check fails when a copy differs from its file, when README has no copy of a file, or a
# copy of a file that does not exist. `scripts/check-figures.sh --write` puts the files' text
# into README (make bench does it after measuring).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mode=${1:-check}
case $mode in check | --write) ;; *) die "usage: scripts/check-figures.sh [--write]" ;; esac

python3 - "$mode" <<'PY'
import pathlib, re, sys

write = sys.argv[1] == "--write"
readme_path = pathlib.Path("README.md")
readme = readme_path.read_text()
files = {p.name: p.read_text() for p in sorted(pathlib.Path("figures").glob("*.md"))}
block = re.compile(
    r"(<!-- figures/(?P<name>[\w.-]+): generated, do not edit -->\n)(?P<body>.*?)(<!-- end of figures/(?P=name) -->)",
    re.S,
)
problems, seen = [], set()

def replace(match):
    name = match["name"]
    seen.add(name)
    if name not in files:
        problems.append(f"README copies figures/{name}, which does not exist")
        return match[0]
    if match["body"] != files[name]:
        if write:
            return match[1] + files[name] + match[4]
        problems.append(
            f"README's copy of figures/{name} differs from the file that measured it "
            "(run scripts/check-figures.sh --write, and commit both)"
        )
    return match[0]

updated = block.sub(replace, readme)
for name in files:
    if name not in seen:
        problems.append(f"README has no copy of figures/{name} (add the two markers where it belongs)")
if problems:
    print("\n".join("error: " + p for p in problems), file=sys.stderr)
    sys.exit(1)
if write and updated != readme:
    readme_path.write_text(updated)
    print("README.md: figures updated")
else:
    print(f"README.md agrees with figures/ ({len(files)} files)")
PY
