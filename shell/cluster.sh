#!/usr/bin/env bash
# A sample team deployment on one machine, from Debian packages (issue 24): PostgreSQL 15 (a throwaway
# cluster in build/cluster/pg), three kartoteka-server instances over it on 127.0.0.1:8081, 8082 and 8083,
# and HAProxy in front on 127.0.0.1:${PORT:-8080}, taking out an instance whose /api/health is not 200.
#   shell/cluster.sh start      # returns once PostgreSQL, the three instances and HAProxy all answer
#   shell/cluster.sh stop       # stops all of them (nothing is left listening)
#   shell/cluster.sh status
#   shell/cluster.sh pg-start | pg-stop | pg-restart   # PostgreSQL alone (the tests and benchmarks use it)
#   shell/cluster.sh pg-freeze | pg-thaw    # every PostgreSQL process stopped / let go on (a hung database, tests)
# A new cluster's administrator logs in as admin / kartoteka (KT_ADMIN_LOGIN / KT_ADMIN_PASSWORD), like
# shell/run.sh's. PostgreSQL runs as the `postgres` system user when started by root (initdb refuses root)
# and trusts connections from 127.0.0.1 only: a sample, not a hardened production setup (README.md,
# "Running for a team").
#   CLUSTER_DIR (build/cluster), PG_PORT (5439), PORT (8080), INSTANCE_PORTS ("8081 8082 8083"),
#   PG_FAST=1 (tests: no fsync), KT_SERVER (build/native/kartoteka-server), WEB_ROOT (build/web),
#   DATABASE_URL (another PostgreSQL to use instead of starting one), KT_SERVER_ARGS (more server flags)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
what="${1:-}"
CLUSTER_DIR="${CLUSTER_DIR:-$here/build/cluster}"
PG_PORT="${PG_PORT:-5439}"
PORT="${PORT:-8080}"
INSTANCE_PORTS="${INSTANCE_PORTS:-8081 8082 8083}"
KT_SERVER="${KT_SERVER:-$here/build/native/kartoteka-server}"
WEB_ROOT="${WEB_ROOT:-$here/build/web}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DIR="$CLUSTER_DIR/pg"
OWN_PG=1
if [ -n "${DATABASE_URL:-}" ]; then OWN_PG=0; fi
DATABASE_URL="${DATABASE_URL:-postgresql://kartoteka@127.0.0.1:$PG_PORT/kartoteka}"

# PostgreSQL's programs run as an unprivileged user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    getent passwd postgres >/dev/null || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}
pg_owner() { if [ "$(id -u)" = 0 ]; then getent passwd postgres >/dev/null && echo postgres || echo nobody; else id -un; fi; }

# As root, PostgreSQL's user must reach its folder: when a parent of CLUSTER_DIR is closed to other users (a
# checkout under /root), the data goes to a folder in /tmp named after CLUSTER_DIR instead.
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$CLUSTER_DIR"
  chmod o+x "$CLUSTER_DIR"
  if ! as_pg test -x "$CLUSTER_DIR"; then
    PG_DIR="${TMPDIR:-/tmp}/kartoteka-pg-$(printf '%s' "$CLUSTER_DIR" | md5sum | cut -c1-12)"
  fi
fi

answers() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

wait_for() {  # URL, what, seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    answers "$1" && return 0
    sleep 0.1
  done
  echo "cluster: $2 does not answer at $1" >&2
  return 1
}

pg_running() { [ -f "$PG_DIR/data/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; }

pg_start() {
  [ -x "$PG_BIN/pg_ctl" ] || { echo "cluster: PostgreSQL 15 is not installed (shell/setup.sh installs it)" >&2; exit 1; }
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then chown "$(pg_owner)" "$PG_DIR"; fi
  if ! as_pg test -w "$PG_DIR"; then
    echo "cluster: $(pg_owner) cannot write $PG_DIR (a parent folder closed to other users?)" >&2
    exit 1
  fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U kartoteka --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
      || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
  fi
  if ! pg_running; then
    local opts="-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories='' -c max_connections=200"
    if [ "${PG_FAST:-0}" = 1 ]; then opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -o "$opts" -w -t 60 start >/dev/null \
      || { tail -20 "$PG_DIR/postgres.log" >&2; exit 1; }
  fi
  if ! as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U kartoteka -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'kartoteka'" | grep -q 1; then
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U kartoteka kartoteka
  fi
  echo "cluster: PostgreSQL at $DATABASE_URL"
}

pg_stop() {
  if pg_running; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null || true; fi
}

stop_pidfile() {  # FILE: ends that process (and waits a little for it)
  local f="$1" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

start_instance() {  # N PORT
  local n="$1" port="$2"
  mkdir -p "$CLUSTER_DIR/s$n"
  if [ -f "$CLUSTER_DIR/s$n.pid" ] && kill -0 "$(cat "$CLUSTER_DIR/s$n.pid")" 2>/dev/null; then return 0; fi
  KT_ADMIN_LOGIN="${KT_ADMIN_LOGIN:-admin}" KT_ADMIN_PASSWORD="${KT_ADMIN_PASSWORD:-kartoteka}" \
    setsid "$KT_SERVER" --host 127.0.0.1 --port "$port" --database "$DATABASE_URL" --data-dir "$CLUSTER_DIR/s$n" \
    --web-root "$WEB_ROOT" --max-connections-per-address 4096 ${KT_SERVER_ARGS:-} \
    >>"$CLUSTER_DIR/s$n.log" 2>&1 </dev/null &
  echo $! >"$CLUSTER_DIR/s$n.pid"
}

haproxy_start() {
  command -v haproxy >/dev/null || { echo "cluster: HAProxy is not installed (shell/setup.sh installs it)" >&2; exit 1; }
  local cfg="$CLUSTER_DIR/haproxy.cfg" n=0 p
  {
    echo "global"
    echo "  maxconn 4096"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 2s"
    echo "  timeout client 60s"
    echo "  timeout server 60s"   # a poke waits 25 s
    echo "  timeout http-keep-alive 60s"
    echo "  retries 2"
    echo "  option redispatch"
    echo "frontend kartoteka"
    echo "  bind 127.0.0.1:$PORT"
    echo "  default_backend instances"
    echo "backend instances"
    echo "  balance roundrobin"
    # A browser stays on one instance while it is up (its cookie names it); any instance would answer the
    # same, this only keeps each browser's requests together (and shows which instance one talks to).
    echo "  cookie KTSRV insert indirect nocache httponly"
    echo "  option httpchk GET /api/health"
    echo "  http-check expect status 200"
    echo "  default-server inter 300ms fastinter 200ms fall 2 rise 2"
    for p in $INSTANCE_PORTS; do
      n=$((n + 1))
      echo "  server s$n 127.0.0.1:$p check cookie s$n"
    done
  } >"$cfg"
  haproxy -q -f "$cfg" -D -p "$CLUSTER_DIR/haproxy.pid"
}

case "$what" in
  pg-start) pg_start ;;
  pg-stop) pg_stop ;;
  pg-restart)
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 restart >/dev/null
    echo "cluster: PostgreSQL restarted"
    ;;
  pg-freeze | pg-thaw)
    # Every PostgreSQL process stopped (SIGSTOP) or let go on (SIGCONT): a database that hangs with its
    # connections open, for the tests.
    pid="$(head -1 "$PG_DIR/data/postmaster.pid")"
    if [ "$what" = pg-freeze ]; then sig=STOP; else sig=CONT; fi
    # The postmaster and its children (from /proc: pgrep's procps may be missing on a minimal machine).
    pids=("$pid")
    for stat in /proc/[0-9]*/stat; do
      line="$(< "$stat")" 2>/dev/null || continue
      read -r -a after <<< "${line##*) }"  # "pid (name) state ppid ...": the fields after the name
      [ "${after[1]:-}" = "$pid" ] && pids+=("${line%% *}")
    done
    kill -"$sig" "${pids[@]}"
    echo "cluster: PostgreSQL ${what#pg-}"
    ;;
  start)
    [ -x "$KT_SERVER" ] || { echo "cluster: build the server first (shell/build.sh)" >&2; exit 1; }
    mkdir -p "$CLUSTER_DIR"
    if [ $OWN_PG = 1 ]; then pg_start; fi
    n=0
    for p in $INSTANCE_PORTS; do
      n=$((n + 1))
      start_instance "$n" "$p"
      # The first one creates the administrator of a new cluster before the others start.
      [ $n = 1 ] && wait_for "http://127.0.0.1:$p/api/health" "instance $n" 120
    done
    n=0
    for p in $INSTANCE_PORTS; do n=$((n + 1)); wait_for "http://127.0.0.1:$p/api/health" "instance $n" 120; done
    [ -f "$CLUSTER_DIR/haproxy.pid" ] && kill -0 "$(cat "$CLUSTER_DIR/haproxy.pid")" 2>/dev/null || haproxy_start
    wait_for "http://127.0.0.1:$PORT/api/health" "HAProxy" 30
    echo "cluster: http://127.0.0.1:$PORT/ (instances on $INSTANCE_PORTS; logs in $CLUSTER_DIR)"
    echo "cluster: a new cluster's administrator logs in as ${KT_ADMIN_LOGIN:-admin} / ${KT_ADMIN_PASSWORD:-kartoteka}"
    ;;
  stop)
    stop_pidfile "$CLUSTER_DIR/haproxy.pid"
    n=0
    for p in $INSTANCE_PORTS; do n=$((n + 1)); stop_pidfile "$CLUSTER_DIR/s$n.pid"; done
    if [ $OWN_PG = 1 ]; then pg_stop; fi
    echo "cluster: stopped"
    ;;
  status)
    pg_running && echo "PostgreSQL: running ($DATABASE_URL)" || echo "PostgreSQL: stopped"
    n=0
    for p in $INSTANCE_PORTS; do
      n=$((n + 1))
      echo "instance $n (127.0.0.1:$p): $(curl -sS --max-time 2 "http://127.0.0.1:$p/api/health" 2>/dev/null || echo down)"
    done
    echo "HAProxy (127.0.0.1:$PORT): $(curl -sS --max-time 2 "http://127.0.0.1:$PORT/api/health" 2>/dev/null || echo down)"
    ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
