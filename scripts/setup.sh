#!/usr/bin/env bash
# Installs every tool ws-chat needs, idempotently: each step is skipped when the right
# version is already there. Works offline apart from the package registries.
# docs/testing.md says what each tool is for.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.22.0-beta.1      # 0.22.1 needs rustc >= 1.96.1
WASM_PACK_VERSION=0.15.1
BINARYEN_VERSION=132             # Debian's binaryen 108 rejects current rustc output
GECKODRIVER_VERSION=0.37.1
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
wasm_bindgen_version() {
  if [ ! -f Cargo.lock ]; then cargo generate-lockfile >/dev/null 2>&1; fi
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then return; fi
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
}

# The standard library's sources, which scripts/bundle.sh rebuilds for size.
# The bundle's build is offline (Trunk.toml), so the crates the standard library itself
# depends on are fetched here; a no-op once they are in cargo's cache.
ensure_rust_src() {
  local library
  library="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
  if [ ! -d "$library/std" ]; then
    say "adding rust component rust-src"
    rustup component add rust-src
  fi
  RUSTC_BOOTSTRAP=1 cargo fetch --quiet --manifest-path "$library/Cargo.toml"
}

# has_version CMD WANT: true when `CMD --version` mentions WANT
has_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF -- "$2"; }

ensure_cargo_tool() { # bin version crate [extra cargo-install args...]
  local bin=$1 version=$2 crate=$3; shift 3
  if has_version "$bin" "$version"; then return; fi
  say "installing $crate $version (cargo install; this takes minutes)"
  cargo install --quiet "$crate" --version "=$version" "$@"
}

ensure_wasm_opt() {
  if has_version wasm-opt "version $BINARYEN_VERSION"; then return; fi
  say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
  npm install -g "binaryen@$BINARYEN_VERSION" >/dev/null
}

# Browsers for the tests: Chromium with its driver, and Firefox (geckodriver comes from crates.io).
ensure_browsers() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/firefox-esr ]; then return; fi
  say "installing chromium, chromedriver and firefox-esr from Debian"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver firefox-esr >/dev/null
}

# Redis for the companion server's --redis mode, which the tests run against a real one, and
# redis-cli, which joins the cluster tests' nodes into a Redis Cluster.
ensure_redis() {
  if [ -x /usr/bin/redis-server ] && [ -x /usr/bin/redis-cli ]; then return; fi
  say "installing redis-server and redis-tools from Debian"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
  # The package starts a system-wide Redis on port 6379; the tests start their own.
}

# The seed page's Node `ws` server, for testing plain-text mode.
ensure_plain_server() {
  if [ -f tests/plain-server/node_modules/ws/package.json ]; then return; fi
  say "installing the plain ws test server's packages from npm"
  npm ci --prefix tests/plain-server --no-audit --no-fund >/dev/null
}

# terser, which scripts/bundle.sh runs on wasm-bindgen's snippets after trunk.
ensure_build_tools() {
  if [ -f scripts/build-tools/node_modules/terser/package.json ]; then return; fi
  say "installing the bundle's build tools (terser) from npm"
  npm ci --prefix scripts/build-tools --no-audit --no-fund >/dev/null
}

ensure_target
ensure_rust_src
ensure_browsers
ensure_redis
ensure_plain_server
ensure_build_tools
ensure_wasm_opt
ensure_cargo_tool wasm-bindgen "$(wasm_bindgen_version)" wasm-bindgen-cli
ensure_cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack --locked
ensure_cargo_tool geckodriver "$GECKODRIVER_VERSION" geckodriver --locked
ensure_cargo_tool trunk "$TRUNK_VERSION" trunk --locked
say "tools ready"
