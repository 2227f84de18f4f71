#!/usr/bin/env bash
# Sets up what is missing, builds, and serves Kartoteka (the page and the API) on http://127.0.0.1:8080.
#   PORT=9000 shell/run.sh        # another port
#   HOST=0.0.0.0 shell/run.sh     # listen beyond loopback
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
shell/setup.sh
shell/build.sh
PORT="${PORT:-8080}"
HOST="${HOST:-127.0.0.1}"
echo "Kartoteka: open http://${HOST}:${PORT}/ in a browser (Ctrl+C to stop)"
exec build/native/kartoteka-server --host "$HOST" --port "$PORT" --web-root "$here/build/web"
