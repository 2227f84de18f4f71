#!/usr/bin/env bash
# Sets up and builds what it serves (kartoteka-server and the web app; no tests, no test tools), and serves
# Kartoteka (the page and the API) on http://127.0.0.1:8080.
#   PORT=9000 shell/run.sh        # another port
#   HOST=0.0.0.0 shell/run.sh     # listen beyond loopback
#   KT_DATA_DIR=/srv/kartoteka shell/run.sh   # where the workspace lives (default build/data)
# The first start on an empty data directory creates the administrator from KT_ADMIN_LOGIN and
# KT_ADMIN_PASSWORD, by default admin / kartoteka for local use; later starts keep the accounts as they are.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
shell/setup.sh serve
shell/build.sh serve
PORT="${PORT:-8080}"
HOST="${HOST:-127.0.0.1}"
export KT_DATA_DIR="${KT_DATA_DIR:-$here/build/data}"
export KT_ADMIN_LOGIN="${KT_ADMIN_LOGIN:-admin}"
default_password=0
if [ -z "${KT_ADMIN_PASSWORD:-}" ]; then
  export KT_ADMIN_PASSWORD="kartoteka"
  default_password=1
fi
if [ ! -f "$KT_DATA_DIR/kartoteka.db" ]; then
  echo "Kartoteka: a new workspace in $KT_DATA_DIR; its administrator logs in as ${KT_ADMIN_LOGIN}$([ $default_password = 1 ] && echo " / password $KT_ADMIN_PASSWORD")"
  if [ $default_password = 1 ] && [ "$HOST" != 127.0.0.1 ] && [ "$HOST" != localhost ]; then
    echo "Kartoteka: WARNING: listening on $HOST with the default password; set KT_ADMIN_PASSWORD" >&2
  fi
else
  echo "Kartoteka: workspace in $KT_DATA_DIR"
  unset KT_ADMIN_LOGIN KT_ADMIN_PASSWORD  # only for a new workspace
fi
echo "Kartoteka: open http://${HOST}:${PORT}/ in a browser (Ctrl+C to stop)"
root="${BUILD_ROOT:-build}"  # shell/build.sh's build folders
exec "$root/native/kartoteka-server" --host "$HOST" --port "$PORT" --web-root "$(cd "$root/web" && pwd)"
