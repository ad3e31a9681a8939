#!/usr/bin/env bash
# The benchmarks, each printed side by side with its baseline in one run:
# - herd: the default reconnect policy against a fixed 3 s interval and full jitter;
# - size: ws-chat's release bundle against a minimal Yew counter built with the same profile,
#   trunk and wasm-opt, i.e. what the chat costs on top of Yew itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

cargo bench -q --bench herd

out=target/bench
rm -rf "$out/ws-chat" "$out/baseline"
echo "building release bundles (trunk build --release, wasm-opt -Oz)…"
trunk build --release --dist "$out/ws-chat" >/dev/null 2>&1
(cd benches/size-baseline &&
  CARGO_TARGET_DIR=../../target/size-baseline trunk build --release --dist "../../$out/baseline" >/dev/null 2>&1)

size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
row() { # label pattern
  local a b
  a=$(ls "$out"/ws-chat/$2 | head -1); b=$(ls "$out"/baseline/$2 | head -1)
  printf '| %s | %s | %s | %s | %s | +%s |\n' "$1" "$(kb "$(size "$a")")" "$(kb "$(gz "$a")")" \
    "$(kb "$(size "$b")")" "$(kb "$(gz "$b")")" "$(kb $(( $(gz "$a") - $(gz "$b") )))"
}
echo
echo "| artifact | ws-chat | ws-chat gzip | Yew counter (baseline) | baseline gzip | ws-chat adds (gzip) |"
echo "|---|---:|---:|---:|---:|---:|"
row "wasm" "*_bg.wasm"
row "JS glue" "*.js"
