#!/usr/bin/env bash
# Configures one CMake build folder, and recovers by itself from a folder that a failed or interrupted
# configure left unusable. Before, a CMakeCache.txt without the Makefile it should have led to made every
# later shell/build.sh stop with "No rule to make target 'Makefile'" until the folder was deleted by hand.
#   shell/configure.sh build/native native -DCMAKE_BUILD_TYPE=Release
#   shell/configure.sh build/wasm web -DCMAKE_BUILD_TYPE=Release     # through emcmake
# The folder is configured afresh (its CMakeCache.txt and CMakeFiles/ deleted; object files stay, and make
# rebuilds what the new configuration changes) when
#   - its cache has no build system beside it (no Makefile, or no build.ninja for Ninja): a configure that
#     failed or was interrupted;
#   - its cache belongs to another source tree or folder (a copied or moved checkout), which CMake refuses;
#   - its cache is of the other kind (a native cache in the web folder, or an Emscripten one in the native);
#   - configuring over the cache fails (a bad value that a failed configure left cached): then once more
#     afresh. If that fails too, the cache was not the cause: the old cache is put back (it keeps options
#     given by hand, such as a compiler launcher) and the error is shown.
# The configure's output goes to <folder>/configure.log; its errors are shown when it fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
if [ $# -lt 2 ] || { [ "$2" != native ] && [ "$2" != web ]; }; then
  echo "usage: shell/configure.sh FOLDER native|web [cmake options]" >&2
  exit 2
fi
dir="$1" kind="$2"
shift 2
cmake=(cmake)
if [ "$kind" = web ]; then
  cmake=(emcmake cmake)
  # Debian's emcc needs Debian's acorn, which a NodeSource node does not look for (TOOLCHAIN.md).
  export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
fi
mkdir -p "$dir"
abs="$(cd "$dir" && pwd)"
cache="$dir/CMakeCache.txt"
log="$dir/configure.log"

cached() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -n 1; }

# Why the folder cannot be configured over, or nothing.
unusable() {
  [ -f "$cache" ] || return 0
  local main=Makefile toolchain
  case "$(cached CMAKE_GENERATOR)" in Ninja*) main=build.ninja ;; esac
  if [ ! -f "$dir/$main" ]; then
    echo "it has a CMakeCache.txt but no $main (a configure failed or was interrupted)"
  elif [ "$(cached CMAKE_HOME_DIRECTORY)" != "$here" ] || [ "$(cached CMAKE_CACHEFILE_DIR)" != "$abs" ]; then
    echo "its cache was made for $(cached CMAKE_HOME_DIRECTORY) in $(cached CMAKE_CACHEFILE_DIR)"
  else
    toolchain="$(cached CMAKE_TOOLCHAIN_FILE)"
    if [ "$kind" = web ] && [[ "$toolchain" != *Emscripten* ]]; then
      echo "its cache is a native build's, not Emscripten's"
    elif [ "$kind" = native ] && [[ "$toolchain" == *Emscripten* ]]; then
      echo "its cache is an Emscripten build's"
    fi
  fi
}

afresh() {
  echo "configure: $dir: $1; configuring it afresh" >&2
  rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
}

configure() { "${cmake[@]}" -S . -B "$dir" "$@" >"$log" 2>&1; }

why="$(unusable)"
if [ -n "$why" ]; then afresh "$why"; fi
saved=""
if [ -f "$cache" ]; then
  saved="$(mktemp)"
  cp "$cache" "$saved"
fi
if configure "$@"; then rm -f "$saved"; exit 0; fi
if [ -n "$saved" ]; then
  afresh "configuring over its cache failed"
  if configure "$@"; then rm -f "$saved"; exit 0; fi
  cp "$saved" "$cache"
  rm -f "$saved"
fi
tail -n 40 "$log" >&2
echo "configure: $dir failed (full log: $log)" >&2
exit 1
