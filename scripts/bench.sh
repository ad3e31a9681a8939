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
#
# Each benchmark's output is kept in target/bench/NAME.md and, once the benchmark has
# succeeded, written into docs/benchmarks.md between <!-- bench:NAME --> and
# <!-- /bench:NAME --> by scripts/bench-doc.sh, with the date, the commit and the machine:
# refreshing the published figures is one generated file. A benchmark that fails stops the
# run and leaves its block as it was.
#
#   scripts/bench.sh [--only herd,abuse,load,browser] [--no-docs] [browser-bench flags…]
#
# --only runs some of the benchmarks (the others' blocks stay as they are); --no-docs leaves
# docs/benchmarks.md alone. Other arguments go to browser-bench, e.g.
# `scripts/bench.sh --only browser --no-docs --bursts 1000 --latency 100` for a quick run
# (`target/release/browser-bench --help` lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

all="herd abuse load browser"
only=$all
docs=yes
browser_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --only) only=${2:?"--only needs a list, e.g. --only herd,load"}; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    --no-docs) docs=no; shift ;;
    # browser-bench's help is not a figure.
    -h|--help) docs=no; browser_args+=("$1"); shift ;;
    *) browser_args+=("$1"); shift ;;
  esac
done
only=${only//,/ }
for name in $only; do
  case " $all " in
    *" $name "*) ;;
    *) echo "bench.sh: --only takes some of: ${all// /,} (not \"$name\")" >&2; exit 2 ;;
  esac
done
wanted() { case " $only " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if [ ${#browser_args[@]} -gt 0 ] && ! wanted browser; then
  echo "bench.sh: browser-bench flags given but the browser benchmark is not run: ${browser_args[*]}" >&2
  exit 2
fi

bash scripts/setup.sh

out=target/bench
mkdir -p "$out"
# One stamp for the whole run, taken before anything is written: every block of this run
# names the same date, commit and machine.
BENCH_DOC_STAMP=$(bash scripts/bench-doc.sh --stamp)
export BENCH_DOC_STAMP

# measure NAME [--note TEXT] -- COMMAND…: runs a benchmark, shows and keeps its output
# (target/bench/NAME.md), then writes it into docs/benchmarks.md. Stops the run if the
# benchmark fails; its block then keeps the figures it had.
measure() {
  local name=$1; shift
  local note=()
  if [ "$1" = --note ]; then note=(--note "$2"); shift 2; fi
  [ "$1" = -- ] && shift
  if ! "$@" | tee "$out/$name.md.new"; then
    echo "bench.sh: the $name benchmark failed (its output: $out/$name.md.new); docs/benchmarks.md keeps its $name figures" >&2
    exit 1
  fi
  mv "$out/$name.md.new" "$out/$name.md"
  if [ "$docs" = yes ]; then
    bash scripts/bench-doc.sh ${note[@]+"${note[@]}"} "$name" "$out/$name.md"
  fi
}

if wanted herd; then
  measure herd -- cargo bench -q --bench herd
fi

if wanted abuse || wanted load; then
  echo "building the companion server (release) and the abuse and load benchmarks…"
  cargo bench -q -p ws-chat-server --bench abuse --bench load --no-run
  # Building a bench also links a server built with the dev-dependencies' features at
  # target/release/ws-chat-server; this puts the plain release build back (no recompiling)
  # and measures a copy of it, which the next `cargo bench` cannot replace.
  cargo build -q --release -p ws-chat-server
  cp target/release/ws-chat-server "$out/ws-chat-server"
fi
if wanted abuse; then
  measure abuse -- cargo bench -q -p ws-chat-server --bench abuse -- --server "$PWD/$out/ws-chat-server"
fi
if wanted load; then
  measure load -- cargo bench -q -p ws-chat-server --bench load -- --server "$PWD/$out/ws-chat-server"
fi

wanted browser || exit 0

rm -rf "$out/ws-chat" "$out/baseline"
echo "building release bundles (scripts/bundle.sh: trunk build --release, std for size, wasm-opt -Oz)…"
build() { # log dir command...: runs it quietly, prints its output if it fails
  local log=$1; shift
  if ! "$@" >"$log" 2>&1; then cat "$log"; echo "failed: $*"; return 1; fi
}
build "$out/trunk-ws-chat.log" bash scripts/bundle.sh --dist "$PWD/$out/ws-chat"
CARGO_TARGET_DIR="$PWD/target/size-baseline" build "$out/trunk-baseline.log" \
  bash scripts/bundle.sh --crate benches/size-baseline --dist "$PWD/$out/baseline"

echo "building the companion server and the benchmark harness (release)…"
# Two commands: built together, the harness's dependencies (thirtyfour turns on serde_json's
# preserve_order) would change the server's feature set and so the server itself.
cargo build -q --release -p ws-chat-server
cargo build -q --release -p ws-chat-e2e --bins

echo
browser_note=()
if [ ${#browser_args[@]} -gt 0 ]; then browser_note=(--note "browser-bench ${browser_args[*]}"); fi
measure browser ${browser_note[@]+"${browser_note[@]}"} -- target/release/browser-bench \
  --dist "$out/ws-chat" --baseline-dist "$out/baseline" --site "$out/site" \
  --server target/release/ws-chat-server \
  --burst-server tests/plain-server/burst-server.mjs \
  --chromedriver /usr/bin/chromedriver --chromium /usr/bin/chromium \
  ${browser_args[@]+"${browser_args[@]}"}
