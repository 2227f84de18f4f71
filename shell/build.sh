#!/usr/bin/env bash
# Builds the native part (core, storage, server, tests) in build/native and the WebAssembly app in build/wasm,
# with the static page in build/web/. Incremental: a second run only rebuilds what changed.
#   shell/build.sh                  # everything (shell/test.sh)
#   shell/build.sh serve            # only what shell/run.sh serves: kartoteka-server and the web app
#   shell/build.sh native | web     # one half only
#   shell/build.sh native kt_tests  # some targets of one half
#   BUILD_TYPE=Debug shell/build.sh     # default Release
#   BUILD_ROOT=/tmp/b shell/build.sh    # build folders elsewhere than build/ (the page then goes to /tmp/b/web)
# A build folder that a failed or interrupted configure left unusable is configured afresh
# (shell/configure.sh). Options given by hand to a folder stay (for example -DCMAKE_CXX_COMPILER_LAUNCHER=ccache).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
BUILD_TYPE="${BUILD_TYPE:-Release}"
JOBS="${JOBS:-$(nproc)}"
root="${BUILD_ROOT:-build}"
mkdir -p "$root"
root="$(cd "$root" && pwd)"
what="${1:-all}"
[ $# -gt 0 ] && shift
targets=("$@")
case "$what" in
  all | native | web) ;;
  serve) [ ${#targets[@]} = 0 ] || { echo "build.sh: serve takes no targets" >&2; exit 2; } ;;
  *) echo "usage: shell/build.sh [all|serve|native|web [TARGET...]]" >&2; exit 2 ;;
esac
if [ "$what" = all ] && [ ${#targets[@]} -gt 0 ]; then
  echo "build.sh: name native or web before the targets" >&2
  exit 2
fi

# Debian's emcc needs Debian's acorn, which a NodeSource node does not look for (TOOLCHAIN.md).
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"

options=(-DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DKT_WEB_OUT="$root/web")

build() {  # build FOLDER native|web [TARGET...]
  local dir="$1" kind="$2"
  shift 2
  # Explicit: called as "build ... || status=1", where set -e does not stop a failed step.
  shell/configure.sh "$dir" "$kind" "${options[@]}" || return 1
  if [ $# -gt 0 ]; then
    cmake --build "$dir" -j "$JOBS" --target "$@"
  else
    cmake --build "$dir" -j "$JOBS"
  fi
}

# Both halves at once (native TARGET...): the WebAssembly link ends the web build with a long step on one
# core, which the native build's compiles fill. The native build's lines are prefixed with "native| ".
both() {
  local status=0 pid
  build "$root/native" native "$@" > >(sed -u 's/^/native| /') 2>&1 &
  pid=$!
  build "$root/wasm" web || status=1
  wait "$pid" || status=1
  return "$status"
}

case "$what" in
  all) both ;;
  serve) both kartoteka-server ;;
  native) build "$root/native" native "${targets[@]}" ;;
  web) build "$root/wasm" web "${targets[@]}" ;;
esac
