#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test:
#   1. native tests of the core and storage (doctest, through ctest), the server and sync suites once more
#      over a throwaway PostgreSQL (shell/cluster.sh pg-start), and each fuzz target for a few seconds
#      after its regression inputs (shell/fuzz.sh; FUZZ_SECONDS=0 runs each input once, without fuzzing);
#   2. the build scripts' own tests (tests/shell/: a wedged build folder recovers by itself);
#   3. browser tests in headless Chromium (playwright-core) against the real server and a plain static server.
#   shell/test.sh native     # only the native tests (fast while developing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
what="${1:-all}"
# How long each part took, said at the end (CI prints the tail of the log: where the time went).
took=()
mark=$SECONDS
phase() {  # phase NAME: the time since the last mark goes to NAME
  took+=("$1 $((SECONDS - mark))s")
  mark=$SECONDS
}
shell/setup.sh
phase setup
if [ "$what" = native ]; then
  shell/build.sh native
else
  shell/build.sh
fi
phase build

status=0
echo "== native tests"
ctest --test-dir build/native --output-on-failure || status=1
# The server and sync suites again with PostgreSQL as the store (issue 24; the cluster convergence case runs
# only here): a throwaway PostgreSQL in build/test-pg (no fsync), stopped whatever happens.
echo "== native tests against PostgreSQL"
pg_env=(CLUSTER_DIR="$here/build/test-pg" PG_PORT="${TEST_PG_PORT:-5440}" PG_FAST=1)
stop_pg() { env "${pg_env[@]}" shell/cluster.sh pg-stop >/dev/null 2>&1 || true; }
trap stop_pg EXIT
stop_pg
rm -rf build/test-pg
if env "${pg_env[@]}" shell/cluster.sh pg-start; then
  export KT_TEST_DATABASE="postgresql://kartoteka@127.0.0.1:${TEST_PG_PORT:-5440}/kartoteka"
  build/native/kt_server_tests || status=1
  build/native/kt_sync_tests || status=1
  unset KT_TEST_DATABASE
else
  status=1
fi
stop_pg
phase native
echo "== fuzz targets"
shell/fuzz.sh "${FUZZ_SECONDS:-5}" || status=1
phase fuzz

if [ "$what" != native ]; then
  echo "== build scripts"
  tests/shell/build_recovery.sh || status=1
  phase scripts
  echo "== browser tests"
  node tests/web/run.mjs || status=1
  phase browser
fi
printf -v summary '%s, ' "${took[@]}"
echo "test.sh took ${SECONDS}s: ${summary%, }"
exit $status
