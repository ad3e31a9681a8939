#!/usr/bin/env bash
# The benchmarks, each printed side by side with its baseline in one run:
# - herd: the default reconnect policy against a fixed 3 s interval and full jitter;
# - abuse (server/benches/abuse/): the release companion server's memory, connections and
#   closing of stuck clients under a crowd, stuck readers, catch-up hogs and a hello flood,
#   each figure beside its bound;
# - load (server/benches/load/): 1,000 wschat.v1 connections in 100 rooms at stepped rates,
#   ack and fan-out latency, memory and CPU of the server with SQLite, with Redis, with two
#   servers on one Redis, beside the Node `ws` relay; then cost growth with connections and
#   room size;
# - browser (e2e/src/bin/browser-bench.rs), one table: burst time and memory for ws-chat, the
#   seed page and a floor page; start-up; delivery latency beside a raw wschat.v1 page; and the
#   size of ws-chat's release bundle beside a minimal Yew counter built with the same profile,
#   trunk and wasm-opt, i.e. what the chat costs on top of Yew itself.
# Arguments are passed to browser-bench, e.g. `scripts/bench.sh --bursts 1000 --latency 100`
# for a quick run (`--help` lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

cargo bench -q --bench herd

echo "building the companion server (release) and the abuse and load benchmarks…"
cargo bench -q -p ws-chat-server --bench abuse --bench load --no-run
# Building a bench also links a server built with the dev-dependencies' features at
# target/release/ws-chat-server; this puts the plain release build back (no recompiling)
# and measures a copy of it, which the next `cargo bench` cannot replace.
cargo build -q --release -p ws-chat-server
mkdir -p target/bench && cp target/release/ws-chat-server target/bench/ws-chat-server
cargo bench -q -p ws-chat-server --bench abuse -- --server "$PWD/target/bench/ws-chat-server"
cargo bench -q -p ws-chat-server --bench load -- --server "$PWD/target/bench/ws-chat-server"

out=target/bench
rm -rf "$out/ws-chat" "$out/baseline"
echo "building release bundles (trunk build --release, wasm-opt -Oz)…"
build() { # log dir command...: runs it quietly, prints its output if it fails
  local log=$1; shift
  if ! "$@" >"$log" 2>&1; then cat "$log"; echo "failed: $*"; return 1; fi
}
mkdir -p "$out"
build "$out/trunk-ws-chat.log" trunk build --release --dist "$out/ws-chat"
(cd benches/size-baseline &&
  CARGO_TARGET_DIR=../../target/size-baseline \
    build "../../$out/trunk-baseline.log" trunk build --release --dist "../../$out/baseline")

echo "building the companion server and the benchmark harness (release)…"
# Two commands: built together, the harness's dependencies (thirtyfour turns on serde_json's
# preserve_order) would change the server's feature set and so the server itself.
cargo build -q --release -p ws-chat-server
cargo build -q --release -p ws-chat-e2e --bins

echo
target/release/browser-bench \
  --dist "$out/ws-chat" --baseline-dist "$out/baseline" --site "$out/site" \
  --server target/release/ws-chat-server \
  --burst-server tests/plain-server/burst-server.mjs \
  --chromedriver /usr/bin/chromedriver --chromium /usr/bin/chromium \
  "$@"
