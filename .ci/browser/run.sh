#!/usr/bin/env bash
# The web pages in a real browser: installs what is missing (Debian's
# chromium, Playwright in a venv, axe-core from npm), builds nido, serves the
# demo centre on a free port and runs .ci/browser/journeys.py against it.
# Screenshots land in target/screenshots/. Run from anywhere:
#   bash .ci/browser/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=target/web-venv
AXE_DIR=target/axe
step() { printf '\n==> %s\n' "$*"; }

step "browser tools"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# The Python package only: the browser is the system's (never `playwright install`).
"$VENV/bin/python" -c 'import playwright' 2>/dev/null ||
  "$VENV/bin/pip" install -q --disable-pip-version-check 'playwright==1.65.2'
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
  mkdir -p "$AXE_DIR"
  npm install --silent --no-audit --no-fund --prefix "$AXE_DIR" 'axe-core@4.14.1'
fi

step "nido, with the demo centre"
# The binary the black-box tests run (target/debug/nido), built with
# their features: `cargo build --bin nido` resolves the features without
# the tests' dev-dependencies and would compile the web crate and the
# binary a second time.
cargo test --test api --no-run -q
WORK=$(mktemp -d)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export NIDO_DATA_DIR="$WORK/data" NIDO_LOG__FILTER=warn
unset NIDO_DATABASE_URL NIDO_ENV
target/debug/nido demo-data >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log"; exit 1; }
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
# Mail on, towards a port nothing listens on: the pages offer the digest
# and the forgotten password; the mails wait in the outbox.
CLOSED=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
NIDO_MAIL__SMTP_URL="smtp://127.0.0.1:$CLOSED" NIDO_MAIL__FROM="nido <nido@demo.invalid>" \
  NIDO_MAIL__BASE_URL="http://127.0.0.1:$PORT" \
  NIDO_BIND="127.0.0.1:$PORT" target/debug/nido serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.5
done

step "the journeys of a social worker, a coordinator, the director, a coordinator of two sites and the head office"
rm -rf target/screenshots
status=0
"$VENV/bin/python" .ci/browser/journeys.py "http://127.0.0.1:$PORT" \
  "$NIDO_DATA_DIR/initial-admin-password" || status=$?
if grep -q "panicked" "$WORK/server.log"; then
  echo "the server panicked during the journeys:" >&2
  cat "$WORK/server.log" >&2
  status=1
fi
exit "$status"
