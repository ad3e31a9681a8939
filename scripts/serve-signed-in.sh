#!/usr/bin/env bash
# The signing-in example: two users on one host page, each signed in with tokens from the
# page's own backend. Starts the chat server on 127.0.0.1:9011, checking HS256 tokens signed
# with a secret kept in target/serve/jwt-secret (made on first use), and the host page with
# its token endpoint on http://127.0.0.1:9012. Installs what is missing first; Ctrl-C stops
# both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

mkdir -p target/serve
secret=target/serve/jwt-secret
[ -s "$secret" ] || head -c 48 /dev/urandom | base64 > "$secret"
bash scripts/bundle.sh --dist target/serve/dist >/dev/null
cargo build -q -p ws-chat-server -p ws-chat-e2e --bin ws-chat-server --bin token-host
target/debug/ws-chat-server --listen 127.0.0.1:9011 --dist target/serve/dist \
  --db target/serve/signed-in.sqlite3 --jwt-secret-file "$secret" --anonymous read &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
target/debug/token-host --port 9012 --chat http://127.0.0.1:9011 --secret-file "$secret"
