#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test:
#   1. native tests of the core and storage (doctest, through ctest), and each fuzz target for a few seconds
#      after its regression inputs (shell/fuzz.sh; FUZZ_SECONDS=0 runs each input once, without fuzzing);
#   2. the build scripts' own tests (tests/shell/: a wedged build folder recovers by itself);
#   3. browser tests in headless Chromium (playwright-core) against the real server and a plain static server.
#   shell/test.sh native     # only the native tests (fast while developing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
what="${1:-all}"
shell/setup.sh
if [ "$what" = native ]; then
  shell/build.sh native
else
  shell/build.sh
fi

status=0
echo "== native tests"
ctest --test-dir build/native --output-on-failure || status=1
echo "== fuzz targets"
shell/fuzz.sh "${FUZZ_SECONDS:-5}" || status=1

if [ "$what" != native ]; then
  echo "== build scripts"
  tests/shell/build_recovery.sh || status=1
  echo "== browser tests"
  node tests/web/run.mjs || status=1
fi
exit $status
