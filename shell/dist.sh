#!/usr/bin/env bash
# Makes the static deployment of the web app, for "open a hosted page" without kartoteka-server: dist/ holds
# exactly the files to upload to any static host (README.md, "Hosting"). The code's files get content-hashed
# names and the service worker's precache list names them (web/make_dist.py says which and why).
#   shell/dist.sh                  # builds the web app (shell/build.sh web), then writes dist/
#   shell/dist.sh --zip            # ... and dist.zip with the same files at its top level
#   shell/dist.sh OUT              # another folder than dist/ (OUT.zip with --zip)
#   DIST_SKIP_BUILD=1 shell/dist.sh   # package the page as it is (KT_WEB_ROOT, default build/web)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
zip=0
out=dist
for a in "$@"; do
  case "$a" in
    --zip) zip=1 ;;
    -*) echo "usage: shell/dist.sh [--zip] [OUT]" >&2; exit 2 ;;
    *) out="$a" ;;
  esac
done
web="${KT_WEB_ROOT:-build/web}"
if [ -z "${DIST_SKIP_BUILD:-}" ]; then
  shell/build.sh web
fi
python3 web/make_dist.py "$web" "$out"
if [ $zip = 1 ]; then
  archive="$(cd "$(dirname "$out")" && pwd)/$(basename "$out").zip"
  rm -f "$archive"
  (cd "$out" && python3 -m zipfile -c "$archive" ./*)
  echo "dist: $archive"
fi
