#!/usr/bin/env bash
# Regenerates the README's screenshots, docs/screenshot-light.png and docs/screenshot-dark.png:
# examples/embed.html of a release build in headless Chromium (900x600), after Ann and Bob have
# exchanged a few messages, in the light and the dark colour scheme. Starts and stops its own
# server on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
rm -rf target/e2e-dist
bash scripts/bundle.sh --dist target/e2e-dist >/dev/null
cargo build -q --release -p ws-chat-server -p ws-chat-e2e --bin ws-chat-server --bin screenshots
WS_CHAT_SERVER_BIN="$PWD/target/release/ws-chat-server" \
  target/release/screenshots --dist target/e2e-dist --out docs "$@"
