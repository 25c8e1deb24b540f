#!/usr/bin/env bash
# Installs everything building, running and testing Confab needs, from the package registries
# only, and skips whatever is already there. `make run` and `make test` call it first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CARGO_LEPTOS_VERSION=0.3.11

# Rust: the toolchain in rust-toolchain.toml, with clippy, rustfmt, the standard library's source
# and the wasm32 target.
if ! rustc --version >/dev/null 2>&1; then
  rustup toolchain install
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if ! cargo clippy --version >/dev/null 2>&1 || ! cargo fmt --version >/dev/null 2>&1; then
  rustup component add clippy rustfmt
fi
std_source="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
if [ ! -d "$std_source" ]; then
  rustup component add rust-src
fi
# The crates the standard library's own build needs (scripts/build-wasm.sh compiles it into the
# embed and the pages bundle), fetched now so the offline release build finds them.
RUSTC_BOOTSTRAP=1 cargo fetch --quiet --locked --manifest-path "$std_source/Cargo.toml"

# System packages: a C toolchain (linking, the bundled SQLite), Chromium for the browser tests,
# PostgreSQL for the second backend, curl and python3 for the scripts, Node.js for Playwright,
# nginx for the reverse proxy test of deploy/ (scripts/proxy-e2e.sh runs an instance of its own),
# libfaketime to move a test server's clock.
missing=()
command -v cc >/dev/null || missing+=(build-essential)
command -v pkg-config >/dev/null || missing+=(pkg-config)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# chromedriver for the browser unit tests (cargo test --target wasm32-unknown-unknown): Debian's,
# built with /usr/bin/chromium, so their versions match.
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v npm >/dev/null || missing+=(nodejs npm)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
compgen -G '/usr/lib/*/faketime/libfaketime.so.1' >/dev/null || missing+=(libfaketime)
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# The cargo tools below are only build helpers: compile them for build speed, not run speed.
# Measured on 2 cores: cargo-leptos with its own release profile (fat LTO) ~13 min, at
# opt-level 1 without LTO 12.5 min, unoptimised 6.3 min; its work (driving cargo, a few KB of
# CSS and JS) is just as quick either way.
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_INCREMENTAL=false \
    cargo install "$@"
}

# cargo-leptos drives the build. Plain --locked fails on a newer rustc than it declares.
if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
  fast_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --ignore-rust-version
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate exactly, or the generated JS does not
# match the wasm. cargo-leptos never checks, so we do.
lock_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
pinned_version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)
if [ "$lock_version" != "$pinned_version" ]; then
  die "Cargo.toml pins wasm-bindgen =$pinned_version but Cargo.lock has $lock_version; make them agree, e.g. cargo update -p wasm-bindgen --precise $pinned_version"
fi
# Built from tools/wasm-bindgen-cli, whose lock pins every dependency (the published package's
# own lock cannot be used: see that Cargo.toml). A CLI installed any other way is replaced.
tool_version=$(sed -n 's/^wasm-bindgen-cli = "=\(.*\)"$/\1/p' tools/wasm-bindgen-cli/Cargo.toml)
if [ "$tool_version" != "$lock_version" ]; then
  die "tools/wasm-bindgen-cli builds wasm-bindgen-cli $tool_version but the wasm-bindgen crate is $lock_version; make them agree (its version, its dependency and its Cargo.lock)"
fi
installed_tools=$(cargo install --list)
if ! grep -qx "confab-wasm-bindgen-cli v$lock_version (.*):" <<<"$installed_tools" ||
  ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $lock_version"; then
  fast_install --locked --force --path tools/wasm-bindgen-cli --target-dir "$TARGET_DIR/tools"
fi

# Every package in Cargo.lock, for every platform, while the network is allowed: cargo-leptos
# runs `cargo metadata`, which needs them all, and the release build runs offline.
cargo fetch --locked --quiet

# Python tools from PyPI, in a virtual environment of the checkout's own, installed from a lock
# that pins every package and its hashes (end2end/python/requirements.txt; what it holds and how
# to update it: requirements.in beside it). A venv made from another lock is made anew, so no
# package a fresh machine would not get stays behind.
python_lock=end2end/python/requirements.txt
python_stamp=.tools/venv/confab-lock.sha256
lock_hash=$(sha256sum "$python_lock" | cut -d' ' -f1)
if [ "$(cat "$python_stamp" 2>/dev/null)" != "$lock_hash" ]; then
  rm -rf .tools/venv
  python3 -m venv .tools/venv || {
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
    python3 -m venv .tools/venv
  }
  .tools/venv/bin/pip install --quiet --require-hashes --no-deps -r "$python_lock"
  # --no-deps trusts the lock to be whole: a dependency it lacks fails here, not mid-test.
  .tools/venv/bin/pip check
  echo "$lock_hash" >"$python_stamp"
fi

# npm packages: Playwright (no browser download: it drives /usr/bin/chromium) and binaryen's
# wasm-opt. Never Debian's binaryen: its old wasm-opt builds a bundle that fails to hydrate.
if [ ! -f end2end/node_modules/.package-lock.json ] ||
  [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  (cd end2end && npm ci --no-audit --no-fund)
fi
[ "$(command -v wasm-opt)" = "$ROOT/end2end/node_modules/.bin/wasm-opt" ] ||
  die "wasm-opt on PATH is $(command -v wasm-opt), not binaryen's from end2end/node_modules"
