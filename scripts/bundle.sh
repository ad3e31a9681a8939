#!/usr/bin/env bash
# Builds the release bundle that is deployed, measured and size-checked: `trunk build --release`
# (wasm-opt -Oz, minified JS and CSS, and ws-chat-embed.js), with the standard library rebuilt
# for size. Arguments go to trunk, e.g. `scripts/bundle.sh --dist target/e2e-dist`; with
# `--crate DIR` first, it builds that trunk project instead (the benchmark's Yew baseline, so
# both are built alike).
#
# The standard library rebuilt with the app (cargo's build-std, `optimize_for_size`) and
# panics that abort at once (`-Cpanic=immediate-abort`) take the panic machinery, its messages
# and locations out of the wasm: about 15 KB of gzip, the difference between a bundle within
# its budget and one past it. Both are unstable cargo and rustc features, which this one build
# enables on the stable toolchain with RUSTC_BOOTSTRAP; every other build (trunk serve, the
# tests, clippy) uses the standard library as shipped. What it costs: a panic in this bundle
# traps ("RuntimeError: unreachable" in the console) without its message. The app installs no
# panic hook to print one anyway, and nothing in it is meant to panic. `trunk build --release`
# alone still gives a working bundle, without these savings.
#
# Then scripts/short-names.mjs renames the wasm's imports from the JS glue, and its closure
# shims' long exports, in both files, from wasm-bindgen's hashed names to short ones (about
# 5.3 KB of gzip), minifies wasm-bindgen's snippets with terser (0.5 KB; scripts/setup.sh
# installs it), and writes the changed files' hashes into index.html's integrity attributes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
if [ "${1:-}" = --crate ]; then
  cd "$2"
  shift 2
fi
RUSTC_BOOTSTRAP=1 \
CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
  trunk build --release "$@"
dist=dist
while [ $# -gt 0 ]; do
  case $1 in
    --dist) dist=$2; shift 2 ;;
    --dist=*) dist=${1#--dist=}; shift ;;
    *) shift ;;
  esac
done
node "$repo/scripts/short-names.mjs" "$dist"
