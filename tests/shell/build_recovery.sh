#!/usr/bin/env bash
# shell/build.sh recovers by itself from a build folder that a failed or interrupted configure, another
# checkout or another kind of build left behind (shell/configure.sh). Each case breaks a web build folder the
# way it happens, then asks shell/build.sh for one cheap target of it (the subset fonts, kt_fonts), in a
# temporary BUILD_ROOT. Run by shell/test.sh; about half a minute (a few Emscripten configures).
#   tests/shell/build_recovery.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp" "$tmp-moved"' EXIT
export BUILD_ROOT="$tmp" JOBS=1
failed=0

check() {  # check NAME: shell/build.sh web kt_fonts must work on the folder as the case left it
  if shell/build.sh web kt_fonts >"$tmp/out.log" 2>&1 && [ -f "$BUILD_ROOT/wasm/fonts/Icons.ttf" ]; then
    echo "  ok    $1"
  else
    echo "  FAIL  $1"
    sed 's/^/        /' "$tmp/out.log" | tail -n 15
    failed=1
  fi
  rm -rf "$BUILD_ROOT/wasm/fonts"
}

# A configure that fails leaves CMakeCache.txt without a Makefile (here: ImGui not unpacked yet, as when
# shell/setup.sh was interrupted); the next build stopped with "No rule to make target 'Makefile'".
emcmake cmake -S . -B "$tmp/wasm" -DKT_THIRD_PARTY=/nonexistent >/dev/null 2>&1 && { echo "the setup of the case did not fail"; exit 1; }
[ -f "$tmp/wasm/CMakeCache.txt" ] && [ ! -f "$tmp/wasm/Makefile" ] || { echo "the failed configure left no wedge"; exit 1; }
check "a failed configure: a cache without a Makefile"

# Interrupted while generating: the Makefile is missing, the cache is complete.
rm -f "$tmp/wasm/Makefile"
check "an interrupted configure: no Makefile"

# A bad value left in the cache by a failed configure over a good folder (the Makefile is still there, and
# make's own re-run of CMake fails on the cached value).
emcmake cmake -S . -B "$tmp/wasm" -DKT_THIRD_PARTY=/nonexistent >/dev/null 2>&1 || true
check "a bad value in the cache of a configured folder"

# A native configure in the web folder (cmake instead of emcmake cmake).
rm -rf "$tmp/wasm"
cmake -S . -B "$tmp/wasm" >/dev/null 2>&1
check "a native cache in the web folder"

# The build folder moved (CMake refuses a cache made in another folder).
mv "$tmp" "$tmp-moved"
mkdir "$tmp"
BUILD_ROOT="$tmp-moved" check "a moved build folder"

# A real error is shown, and the cache is kept as it was (options given by hand survive).
emcmake cmake -S . -B "$tmp-moved/wasm" -DKT_KEPT=yes >/dev/null 2>&1
if shell/configure.sh "$tmp-moved/wasm" web -DKT_THIRD_PARTY=/nonexistent >"$tmp/out.log" 2>&1; then
  echo "  FAIL  a real configure error: configure.sh succeeded"; failed=1
elif ! grep -q "ImGui source not found" "$tmp/out.log" || ! grep -q "^KT_KEPT:UNINITIALIZED=yes" "$tmp-moved/wasm/CMakeCache.txt"; then
  echo "  FAIL  a real configure error is shown and the cache kept"; sed 's/^/        /' "$tmp/out.log" | tail -n 15; failed=1
else
  echo "  ok    a real configure error is shown and the cache kept"
fi

exit $failed
