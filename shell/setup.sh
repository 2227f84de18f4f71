#!/usr/bin/env bash
# Installs everything Kartoteka needs to build and test, idempotently.
# Fast when everything is present: it only checks, it does not re-download.
#   - Debian packages: Emscripten, compilers, header libraries, cpp-httplib, SQLite, libsodium, fonts, Chromium,
#     and clang-14 with libFuzzer and llvm-symbolizer (shell/fuzz.sh); PostgreSQL 15, libpqxx and HAProxy for
#     the team setup (shell/cluster.sh) and its tests
#   - Dear ImGui 1.86 source, from Debian's source package, unpacked into third_party/imgui (never committed)
#   - npm packages pinned in package-lock.json (playwright-core; @axe-core/playwright for the accessibility
#     check, tests/web/axe.test.mjs), into node_modules/
#   shell/setup.sh serve    # only what shell/run.sh needs to build and serve: no Chromium, npm or test
#                           # libraries (Chromium and npm's few hundred packages were most of a first run's setup)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mode="${1:-all}"
case "$mode" in all | serve) ;; *) echo "usage: shell/setup.sh [all|serve]" >&2; exit 2 ;; esac

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

APT_PACKAGES=(
  build-essential cmake pkg-config xz-utils dpkg-dev ca-certificates
  clang-14 libclang-rt-14-dev llvm-14
  emscripten
  nlohmann-json3-dev doctest-dev
  libcpp-httplib-dev libsqlite3-dev libsodium-dev libssl-dev zlib1g-dev
  fonts-dejavu-core fonts-roboto-unhinted fonts-material-design-icons-iconfont fonttools
  chromium
  nodejs npm
  postgresql-15 libpqxx-dev haproxy
)

# Packages of the tests alone (the browser tests, the native tests, the fuzzers; PostgreSQL and HAProxy of
# the cluster tests, issue 24, once listed above), which "serve" skips.
TEST_ONLY=" chromium npm doctest-dev libclang-rt-14-dev postgresql-15 haproxy "

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if [ "$mode" = serve ] && [[ "$TEST_ONLY" == *" $p "* ]]; then continue; fi
  # nodejs/npm may come from elsewhere (NodeSource); a working binary is enough.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

updated=0
apt_update() { if [ $updated = 0 ]; then $SUDO apt-get update -qq; updated=1; fi; }

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_update
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Dear ImGui 1.86 source from Debian's source package --------------------------------------------------
IMGUI_DIR="$here/third_party/imgui"
if [ ! -f "$IMGUI_DIR/imgui.cpp" ] || ! grep -q 'IMGUI_VERSION *"1.86"' "$IMGUI_DIR/imgui.h" 2>/dev/null; then
  echo "setup: fetching the ImGui 1.86 source package"
  # A deb-src entry derived from the machine's own deb entries (no registry host named here).
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list 2>/dev/null; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
        | $SUDO tee /etc/apt/sources.list.d/kartoteka-src.sources >/dev/null
    elif [ -f /etc/apt/sources.list ]; then
      grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee /etc/apt/sources.list.d/kartoteka-src.list >/dev/null
    fi
    updated=0
  fi
  apt_update
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get source --download-only imgui=1.86+ds-1 >/dev/null 2>&1 || (cd "$tmp" && apt-get source --download-only imgui >/dev/null))
  orig="$(ls "$tmp"/imgui_1.86*.orig.tar.* | head -1)"
  [ -n "$orig" ] || { echo "setup: ImGui 1.86 source package not found" >&2; exit 1; }
  rm -rf "$IMGUI_DIR"; mkdir -p "$IMGUI_DIR"
  tar -xf "$orig" -C "$IMGUI_DIR" --strip-components=1
  rm -rf "$tmp"
  grep -q 'IMGUI_VERSION *"1.86"' "$IMGUI_DIR/imgui.h" || { echo "setup: unpacked ImGui is not 1.86" >&2; exit 1; }
fi

# --- npm packages (playwright-core, @axe-core/playwright; pinned) ------------------------------------------
# npm ci only when one is missing or the lock changed; --prefer-offline takes what npm's cache already holds.
if [ "$mode" = serve ]; then
  echo "setup: ok (what shell/run.sh needs)"
  exit 0
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@axe-core/playwright ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
fi

echo "setup: ok"
