#!/usr/bin/env bash
# The benchmarks of issue 9: builds in release mode, generates the seeded workspaces (kt_gen), runs the
# native benchmarks (kt_bench), the peers (Yjs in Node; Dexie and PouchDB in headless Chromium) and the
# browser figures of the app (on the desktop, and as a phone of issue 22: 390×844, DPR 3, touch, the CPU
# throttled 4×), and prints one markdown table (bench/report.mjs). Several runs per figure.
#   shell/bench.sh              # everything (about 20 minutes on 2 cores once built)
#   BENCH_SKIP_BUILD=1 shell/bench.sh   # use the builds as they are
#   BENCH_ONLY="native peers browser phone sync" shell/bench.sh   # "browser" includes "phone"
#   BENCH_SKIP_BUILD=1 BENCH_ONLY=phone shell/bench.sh            # the phone's figures alone
#   BENCH_ONLY=cluster shell/bench.sh   # issue 24: push and pull of SQLite, PostgreSQL with one instance and
#                                       # three instances behind HAProxy, side by side (not in the default set)
# Results: build/bench/results.jsonl (raw samples) and build/bench/table.md.
# The peers are installed into bench/peers/node_modules (npm, their own package.json), never into the app.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
JOBS="${JOBS:-2}"
ONLY="${BENCH_ONLY:-native peers browser phone sync}"
out=build/bench
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"
log="$out/bench.log"
: > "$log"
has() { [[ " $ONLY " == *" $1 "* ]] || { [ "$1" = phone ] && [[ " $ONLY " == *" browser "* ]]; }; }
say() { echo "bench: $*" >&2; }
started=$(date +%s)

# --- builds -------------------------------------------------------------------------------------------------
# The merge figure's WebAssembly module (kt_bench's merge for the page; not part of the app's build, so made
# here even when the builds are otherwise taken as they are).
merge_web() {
  NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}" cmake --build build/wasm -j "$JOBS" --target kt_merge_web >>"$log"
}
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  say "building (release)"
  BUILD_TYPE=Release JOBS="$JOBS" shell/build.sh native kt_gen kt_bench kartoteka-server >>"$log"
  if has browser || has phone || has sync; then
    [ -f third_party/imgui/imgui.cpp ] || { say "no ImGui source in third_party/: run shell/setup.sh"; exit 1; }
    BUILD_TYPE=Release JOBS="$JOBS" shell/build.sh web >>"$log"
  fi
  if has browser; then merge_web; fi
elif has browser && [ ! -f build/wasm/bench/kt_merge_web.wasm ] && [ -f build/wasm/CMakeCache.txt ]; then
  say "building the merge figure's WebAssembly module (kt_merge_web), missing from the builds"
  merge_web
fi

# --- workspaces (deterministic: seed 1) -----------------------------------------------------------------------
gen() {  # deals, then kt_gen outputs
  local n=$1; shift
  say "generating the ${n}-deal workspace"
  build/native/kt_gen --deals "$n" --seed 1 "$@" 2>>"$log"
}
[ -f "$out/ws10k.jsonl" ] && [ -d "$out/journal10k" ] || gen 10000 --snapshot "$out/ws10k.json" --mutations "$out/ws10k.jsonl" --journal "$out/journal10k"
if [ "$ONLY" != cluster ]; then  # the cluster's figures need only the 10k stream
[ -f "$out/ws1k.json" ] || gen 1000 --snapshot "$out/ws1k.json"
# A base of an older format (its version is the byte after "KTWS") is made again: the app would convert it at
# every start, and the start-up figures would include that.
base_version() { od -An -tu1 -j4 -N1 "$1" 2>/dev/null | tr -d ' '; }
[ -f "$out/ws100k.json" ] && [ "$(base_version "$out/base100k.bin")" = 3 ] ||
  gen 100000 --snapshot "$out/ws100k.json" --base "$out/base100k.bin"
# The frame-time figures: a card of 300 fields and 10,000 timeline entries (deal GD1); 100k deals come from
# the stored base above.
[ -d "$out/journal_card300" ] || gen 1000 --card-fields 300 --card-timeline 10000 --journal "$out/journal_card300"
fi
# The server side of the sync figures: the 100k workspace as the mutations a client would push.
if has sync; then [ -f "$out/ws100k.jsonl" ] || gen 100000 --mutations "$out/ws100k.jsonl"; fi

# --- native ---------------------------------------------------------------------------------------------------
if has native; then
  say "native: query"
  build/native/kt_bench query --snapshot "$out/ws100k.json" --runs 15 >>"$results" 2>>"$log"
  say "native: start from the journal (10k) and from the stored base (100k)"
  build/native/kt_bench load --journal "$out/journal10k" --runs 3 >>"$results" 2>>"$log"
  build/native/kt_bench load --base "$out/base100k.bin" --runs 3 >>"$results" 2>>"$log"
  say "native: merge"
  build/native/kt_bench merge --base "$out/base100k.bin" --runs 3 >>"$results" 2>>"$log"
  say "native: server push"
  build/native/kt_bench push --mutations "$out/ws10k.jsonl" --runs 3 >>"$results" 2>>"$log"
  say "native: server pull, 100 clients"
  build/native/kt_bench pull --mutations "$out/ws10k.jsonl" --clients 100 --pulls 20 --runs 3 >>"$results" 2>>"$log"
  build/native/kt_bench pull --mutations "$out/ws10k.jsonl" --clients 100 --pulls 20 --runs 3 --keep-alive 1 >>"$results" 2>>"$log"
fi

# --- peers and the browser ----------------------------------------------------------------------------------
if has peers || has browser || has phone || has sync; then
  if [ ! -f bench/peers/node_modules/.package-lock.json ] || [ bench/peers/package.json -nt bench/peers/node_modules/.package-lock.json ]; then
    say "installing the peers (bench/peers)"
    npm install --prefix bench/peers --no-audit --no-fund --ignore-scripts >>"$log" 2>&1
  fi
  [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund >>"$log" 2>&1
fi
if has peers; then
  say "peers: Yjs"
  node bench/yjs_merge.mjs 100000 100000 3 >>"$results" 2>>"$log"
fi
if has browser || has peers; then
  what=""
  has browser && what="download,idle,cold10k,durable,cold100k,card300,list100k,kanban100k,heap100k,search100k,durable100k,merge"
  has peers && what="${what:+$what,}puts,loads"
  say "browser: $what"
  node bench/browser.mjs --data "$out" --only "$what" --runs 3 --records "${BENCH_RECORDS:-100000}" >>"$results" 2>>"$log" ||
    say "browser benchmarks failed (see $log); their rows stay 'not measured yet'"
fi
if has phone; then
  # The same code as a phone (issue 22): 390×844, DPR 3, touch, the page's CPU throttled 4× through the
  # DevTools protocol; figures phone_*. The Dexie puts run in a page under the same throttling.
  what="cold10k,floor,throttle,durable,card300,list100k,puts"
  # What new memory costs on this machine: most of a start's decode is that (the table's note).
  build/native/kt_bench pages --runs 5 >>"$results" 2>>"$log"
  say "phone: $what"
  node bench/browser.mjs --device phone --data "$out" --only "$what" --runs 3 >>"$results" 2>>"$log" ||
    say "phone benchmarks failed (see $log); their rows stay 'not measured yet'"
fi

if has sync; then
  # kartoteka-server with the 100k workspace (loaded once into $out/server100k by pushing ws100k.jsonl):
  # bootstrap into empty browsers (2 runs), an edit seen by the other browser (10), PouchDB replication
  # of the same items from pouchdb-server (2 runs). PouchDB replicates ~350 docs/s here (130k docs: 6.4 min
  # on a busy machine), so by default it replicates every 10th item and the table compares per item;
  # BENCH_POUCH_EVERY=1 replicates them all.
  say "sync: bootstrap, edit, pouch"
  node bench/sync.mjs --data "$out" --runs "${BENCH_SYNC_RUNS:-2}" --edits 10 \
    --pouch-every "${BENCH_POUCH_EVERY:-10}" >>"$results" 2>>"$log" ||
    say "sync benchmarks failed (see $log); their rows stay 'not measured yet'"
fi

if has cluster; then
  # Issue 24. PostgreSQL 15 of the benchmark's own (build/bench/cluster, fsync on, as SQLite's synchronous=FULL),
  # the same 10k-mutation stream and the same 100 keep-alive pull clients as the native figures, for: SQLite
  # in-process; PostgreSQL with one in-process server; three kartoteka-server processes behind HAProxy
  # (shell/cluster.sh) on a fresh database per run.
  cl_env=(CLUSTER_DIR="$here/$out/cluster" PG_PORT="${BENCH_PG_PORT:-5441}" PORT="${BENCH_CLUSTER_PORT:-18080}"
          INSTANCE_PORTS="18081 18082 18083")
  pg_url="postgresql://kartoteka@127.0.0.1:${BENCH_PG_PORT:-5441}"
  psql_do() { /usr/lib/postgresql/15/bin/psql "$pg_url/postgres" -qAtc "$1" >>"$log" 2>&1; }
  env "${cl_env[@]}" shell/cluster.sh stop >>"$log" 2>&1 || true
  rm -rf "$out/cluster"
  env "${cl_env[@]}" shell/cluster.sh pg-start >>"$log"
  b() { build/native/kt_bench "$@" >>"$results" 2>>"$log"; }
  cluster_url="http://127.0.0.1:${BENCH_CLUSTER_PORT:-18080}"
  fresh_cluster() {  # a new database for the next run, and the three instances and HAProxy on it
    psql_do "DROP DATABASE IF EXISTS bench_run" && psql_do "CREATE DATABASE bench_run"
    env "${cl_env[@]}" DATABASE_URL="$pg_url/bench_run" KT_SERVER_ARGS="--quiet" shell/cluster.sh start >>"$log"
  }
  stop_cluster() { env "${cl_env[@]}" DATABASE_URL="$pg_url/bench_run" shell/cluster.sh stop >>"$log"; }
  # Scheduling. The kernel's session groups (sched_autogroup, on in Debian) share the CPU between sessions,
  # not threads, and every PostgreSQL backend, every instance (setsid) and HAProxy is a session of its own:
  # the 100 client threads of kt_bench, one session, then get one share among a dozen, and their pulls wait
  # for a core where a remote browser's would not. SQLite and one PostgreSQL instance run inside kt_bench,
  # in the clients' own group. So that the three setups are timed alike, the groups are off for these
  # rows when this user may say so (root) and back as they were afterwards; one row more runs the cluster
  # with them on, for the record.
  autogroup=/proc/sys/kernel/sched_autogroup_enabled
  autogroup_was="$(cat "$autogroup" 2>/dev/null || echo 0)"
  autogroup_set() {  # false when it could not be set
    [ "$autogroup_was" = 1 ] || return 0
    { echo "$1" >"$autogroup"; } 2>/dev/null
  }
  trap 'autogroup_set 1 || true' EXIT
  if [ "$autogroup_was" = 1 ] && ! autogroup_set 0; then
    say "cluster: cannot turn the kernel's session groups off (not root): the pull rows are timed with them"
  fi
  # The setups take turns, one run each per round: this machine's load (other builds) comes and goes, and
  # a setup measured while it is high would look slower than it is.
  for round in 1 2 3; do
    say "cluster: round $round: push (SQLite, PostgreSQL one server, three behind HAProxy)"
    b push --mutations "$out/ws10k.jsonl" --runs 1 --prefix cluster_sqlite_
    b push --mutations "$out/ws10k.jsonl" --runs 1 --prefix cluster_pg1_ --database "$pg_url/kartoteka"
    fresh_cluster
    b push --mutations "$out/ws10k.jsonl" --runs 1 --prefix cluster_pg3_ --url "$cluster_url"
    stop_cluster
    say "cluster: round $round: pull, 100 keep-alive clients"
    b pull --mutations "$out/ws10k.jsonl" --clients 100 --pulls 20 --runs 1 --keep-alive 1 --prefix cluster_sqlite_
    b pull --mutations "$out/ws10k.jsonl" --clients 100 --pulls 20 --runs 1 --keep-alive 1 --prefix cluster_pg1_ \
      --database "$pg_url/kartoteka"
    fresh_cluster
    b pull --mutations "$out/ws10k.jsonl" --clients 100 --pulls 20 --runs 1 --keep-alive 1 --prefix cluster_pg3_ \
      --url "$cluster_url"
    stop_cluster
    # A process joins a session group when it starts: the groups on, then a cluster started afresh.
    if [ "$(cat "$autogroup" 2>/dev/null)" = 0 ] && [ "$autogroup_was" = 1 ] && autogroup_set 1; then
      fresh_cluster
      b pull --mutations "$out/ws10k.jsonl" --clients 100 --pulls 20 --runs 1 --keep-alive 1 --prefix cluster_pg3ag_ \
        --url "$cluster_url"
      stop_cluster
      autogroup_set 0 || true
    fi
  done
  autogroup_set 1 || true
  env "${cl_env[@]}" shell/cluster.sh stop >>"$log" 2>&1 || true
  # An edit seen in another browser through the cluster: the browser test's timed edits (its own cluster).
  if [ -f build/web/kartoteka.wasm ]; then
    say "cluster: an edit seen in another browser"
    KT_BENCH_RESULTS="$here/$results" node tests/web/run.mjs "cluster: two browsers" >>"$log" 2>&1 ||
      say "the cluster browser figure failed (see $log)"
  fi
fi

node bench/report.mjs "$results" | tee "$out/table.md"
echo
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(( $(date +%s) - started )) s"
