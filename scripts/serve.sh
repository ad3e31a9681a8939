#!/usr/bin/env bash
# Serves the chat for development: the companion server on 127.0.0.1:9001 and `trunk serve` on
# http://127.0.0.1:8080, which proxies /ws to it. Installs what is missing first. Ctrl-C stops
# both. Room history is kept in target/serve/history.sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

cargo build -q -p ws-chat-server
mkdir -p target/serve
target/debug/ws-chat-server --listen 127.0.0.1:9001 --dist dist --db target/serve/history.sqlite3 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM

echo
echo "ws-chat: open http://127.0.0.1:8080 (two tabs talk to each other; ?ws=ws://host/path picks another server)"
echo
trunk serve
