#!/usr/bin/env bash
# Builds everything: the native part (core, storage, server, tests) in build/native and the WebAssembly app
# in build/wasm, with the static page in build/web/. Incremental: a second run only rebuilds what changed.
#   BUILD_TYPE=Debug shell/build.sh     # default Release
#   shell/build.sh native | web         # one half only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
BUILD_TYPE="${BUILD_TYPE:-Release}"
JOBS="${JOBS:-$(nproc)}"
what="${1:-all}"

# Debian's emcc needs Debian's acorn, which a NodeSource node does not look for (TOOLCHAIN.md).
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"

if [ "$what" = all ] || [ "$what" = native ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
  cmake --build build/native -j "$JOBS"
fi
if [ "$what" = all ] || [ "$what" = web ]; then
  if [ ! -f build/wasm/CMakeCache.txt ]; then
    emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
  fi
  cmake --build build/wasm -j "$JOBS"
fi
