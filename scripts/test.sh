#!/usr/bin/env bash
# Runs every test: lints, the API docs' examples (compiled for wasm32), native tests (core,
# protocol, server handshake and storage), the herd benchmark's targets, the crates' packaging,
# then the browser tests in headless Chromium and in headless Firefox
# against real servers that this script starts and stops, then the end-to-end tests of the
# release build over WebDriver in Chromium and Firefox (e2e/). Installs what is missing first.
# Ends with "steps: N passed, N failed" and a non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0; failures=()
step() { # name command...
  local name=$1; shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# start NAME LOGFILE READY-TEXT command...: runs a server in the background, waits for its line.
start() {
  local name=$1 log=$2 ready=$3; shift 3
  "$@" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    grep -q "$ready" "$log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$name did not start:"; cat "$log"; return 1
}

start_servers() {
  cargo build -q -p ws-chat-server --bins || return 1
  local bin=target/debug
  # Every chat of the tests is a guest on 127.0.0.1, one sender to the rate limits, and the
  # chaos runs send far faster than people do: the limits are off but on one server (9105).
  local unlimited=(--message-rate 0 --hello-rate 0)
  # It keeps 6,000 messages a room: the scroll-back test fills one with 5,000.
  start "companion server" "$work/server.log" "listening on" \
    "$bin/ws-chat-server" --listen 127.0.0.1:9101 --db :memory: --fault-injection --history 6000 \
    "${unlimited[@]}" || return 1
  start "supervised server" "$work/supervisor.log" "control on" \
    "$bin/ws-chat-supervisor" --control 127.0.0.1:9103 -- \
    --listen 127.0.0.1:9102 --db "$work/crash.sqlite3" --fault-injection "${unlimited[@]}" || return 1
  # One that checks tokens, and mints them for the tests at /_test/token.
  head -c 48 /dev/urandom | base64 > "$work/jwt-secret"
  start "signing server" "$work/signing.log" "listening on" \
    "$bin/ws-chat-server" --listen 127.0.0.1:9104 --db :memory: --fault-injection \
    --jwt-secret-file "$work/jwt-secret" --anonymous none --token-grace 1s "${unlimited[@]}" || return 1
  # One whose rate limit a test reaches: 2 messages a second after a burst of 3.
  start "rate-limited server" "$work/limited.log" "listening on" \
    "$bin/ws-chat-server" --listen 127.0.0.1:9105 --db :memory: \
    --message-rate 2 --message-burst 3 --hello-rate 0 || return 1
  start "plain ws server" "$work/plain.log" "listening on" \
    env PORT=9110 node tests/plain-server/server.mjs || return 1
  # Two servers sharing one Redis (run durably, as the README asks), each supervised so a test
  # can SIGKILL or SIGTERM (drain) it and start it again.
  mkdir -p "$work/redis"
  start "redis" "$work/redis.log" "Ready to accept connections" \
    redis-server --port 9120 --bind 127.0.0.1 --dir "$work/redis" \
    --appendonly yes --appendfsync always --save '' || return 1
  start "shared server" "$work/shared.log" "control on" \
    "$bin/ws-chat-supervisor" --control 127.0.0.1:9124 -- \
    --listen 127.0.0.1:9121 --redis redis://127.0.0.1:9120/ --fault-injection "${unlimited[@]}" || return 1
  start "supervised shared server" "$work/shared-supervisor.log" "control on" \
    "$bin/ws-chat-supervisor" --control 127.0.0.1:9123 -- \
    --listen 127.0.0.1:9122 --redis redis://127.0.0.1:9120/ --fault-injection "${unlimited[@]}" || return 1
}

# browser_tests BROWSER-FLAGS...: the wasm-bindgen browser tests in one headless browser,
# uncaptured so the chaos runs' counts (sent, delivered, duplicates, gaps) are printed. In a
# headless browser, WASM_BINDGEN_TEST_TIMEOUT bounds the whole run, not each test: about four
# minutes in Chromium and more in Firefox on 2 cores, so 15 minutes.
browser_tests() {
  WS_CHAT_TEST_SERVER=127.0.0.1:9101 WS_CHAT_TEST_CRASH_SERVER=127.0.0.1:9102 \
  WS_CHAT_TEST_SUPERVISOR=127.0.0.1:9103 WS_CHAT_TEST_PLAIN_SERVER=127.0.0.1:9110 \
  WS_CHAT_TEST_SHARED_SERVER=127.0.0.1:9121 WS_CHAT_TEST_SHARED_CRASH_SERVER=127.0.0.1:9122 \
  WS_CHAT_TEST_SHARED_SUPERVISOR=127.0.0.1:9123 WS_CHAT_TEST_SHARED_SERVER_SUPERVISOR=127.0.0.1:9124 \
  WS_CHAT_TEST_SIGNING_SERVER=127.0.0.1:9104 \
  WS_CHAT_TEST_LIMITED_SERVER=127.0.0.1:9105 \
  WASM_BINDGEN_TEST_TIMEOUT=900 \
    wasm-pack test --headless "$@" --mode no-install . --test browser -- --nocapture
}

# e2e_tests: the ws-chat-e2e crate's tests (e2e/tests/): the release build (trunk, with
# ws-chat-embed.js and examples/) served by companion servers the tests start on free ports,
# driven over WebDriver in headless Chromium (chromedriver) and headless Firefox (geckodriver);
# one test at a time, output shown (timings, memory figures, screenshot paths in
# target/e2e-artifacts/).
e2e_tests() {
  local t0=$SECONDS t
  rm -rf target/e2e-dist
  if ! bash scripts/bundle.sh --dist target/e2e-dist >"$work/e2e-trunk.log" 2>&1; then
    cat "$work/e2e-trunk.log"; return 1
  fi
  echo "trunk build: $((SECONDS - t0)) s"; t=$SECONDS
  # Built one package at a time, as the test run builds them (no feature-unification rebuilds).
  cargo build -q --release -p ws-chat-server || return 1
  cargo test -q -p ws-chat-e2e --release --no-run || return 1
  echo "server and tests built: $((SECONDS - t)) s"; t=$SECONDS
  WS_CHAT_E2E_REQUIRED=1 \
  WS_CHAT_E2E_DIST="$PWD/target/e2e-dist" WS_CHAT_SERVER_BIN="$PWD/target/release/ws-chat-server" \
  WS_CHAT_GECKODRIVER="$HOME/.cargo/bin/geckodriver" \
    cargo test -q -p ws-chat-e2e --release --no-fail-fast -- --test-threads=1 --nocapture
  local rc=$?
  echo "end-to-end tests ran in $((SECONDS - t)) s; the whole step took $((SECONDS - t0)) s"
  return $rc
}

step "cargo fmt --check" cargo fmt --all -- --check
step "clippy (native)" cargo clippy -q --workspace --all-targets -- -D warnings
step "clippy (wasm32)" cargo clippy -q -p ws-chat --target wasm32-unknown-unknown --all-targets -- -D warnings
# The examples of the browser-facing API compile for wasm32 (they cannot run there); those of
# the core (src/core/) are plain Rust, run with the native tests below.
step "doc examples (wasm32, compiled)" cargo test -q --doc -p ws-chat --target wasm32-unknown-unknown -- --skip src/core/
step "native tests" env WS_CHAT_REDIS_REQUIRED=1 cargo test -q --workspace --exclude ws-chat-e2e
step "herd benchmark targets" cargo bench -q --bench herd
# The protocol and client crates as crates.io would take them: packaged, then built from the
# packages alone (the client against the packaged protocol).
package_crates() {
  # In a target directory of its own, fresh each run: cargo takes a crate from a registry to
  # be the same as long as its version is, so in a kept one it would check the client against
  # the protocol as it was first packaged there. The copy cargo unpacks for the check (under
  # registry/src/-HASH/, never a real registry's index.* folder) goes afterwards.
  local status=0
  CARGO_TARGET_DIR="$work/package" cargo package -q -p ws-chat-protocol -p ws-chat --allow-dirty || status=$?
  rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/ws-chat-protocol-*
  rmdir "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-* 2>/dev/null
  return "$status"
}
step "crates package (protocol, client)" package_crates
step "start the test servers" start_servers
step "browser tests (headless Chromium, real servers)" browser_tests --chrome --chromedriver /usr/bin/chromedriver
step "browser tests (headless Firefox, real servers)" browser_tests --firefox --geckodriver "$HOME/.cargo/bin/geckodriver"
step "end-to-end tests (WebDriver: Chromium and Firefox)" e2e_tests

echo
[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
