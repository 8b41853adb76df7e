#!/usr/bin/env bash
# Real PostgreSQL 15, Redis, NATS JetStream and a MongoDB-compatible server (FerretDB on SQLite) on private ports
# for CI and for contract tests on a dev machine.
#   eval "$(scripts/ci-servers.sh start)"   # installs when missing, starts, prints the exports (stdout)
#   scripts/ci-servers.sh stop              # stops them all and removes .ci/.servers
#   scripts/ci-servers.sh status
# Progress goes to stderr so that stdout stays eval-able. Debian 12, run as root (apt, runuser).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.ci/.servers"
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=54330
REDIS_PORT=6390
NATS_PORT=4223
# FerretDB speaks the MongoDB wire protocol; it is built from the Go module proxy into .tools/go/bin once.
FERRETDB_VERSION=v1.24.2
FERRETDB_PORT=27027
FERRETDB_DEBUG_PORT=27028
TOOLS="$ROOT/.tools/go/bin"

say() { printf '\033[36m[ci-servers]\033[0m %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# --- install -------------------------------------------------------------------------------------------------

ensure_installed() {
  if [[ -x "$PG_BIN/pg_ctl" ]] && command -v redis-server >/dev/null && command -v redis-cli >/dev/null &&
    command -v nats-server >/dev/null; then
    return
  fi
  [[ $(id -u) -eq 0 ]] || die "postgresql/redis-server/nats-server missing and not root: install them with apt-get"
  say "installing postgresql redis-server nats-server (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql redis-server nats-server >&2
  [[ -x "$PG_BIN/pg_ctl" ]] || die "apt installed no PostgreSQL 15 at $PG_BIN"
}

# --- PostgreSQL ----------------------------------------------------------------------------------------------

# The data dir must be reachable by the postgres OS user; a checkout under a private home (/root) is not,
# so then the cluster lives in /var/tmp and .ci/.servers/pg.path remembers where.
pg_data() {
  if [[ -f "$DIR/pg.path" ]]; then cat "$DIR/pg.path"; else echo "$DIR/pg"; fi
}

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

pg_running() {
  local data
  data="$(pg_data)"
  [[ -f "$data/PG_VERSION" ]] && as_postgres "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start_postgres() {
  if pg_running; then
    say "postgres already running on $PG_PORT"
    return
  fi
  local data
  data="$(pg_data)"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    rm -rf "$data"
    if ! as_postgres test -x "$DIR"; then
      data="$(mktemp -d /var/tmp/diaspora-ci-pg.XXXXXX)"
      echo "$data" >"$DIR/pg.path"
    fi
    mkdir -p "$data"
    chown postgres: "$data"
    chmod 700 "$data"
    say "initdb $data"
    as_postgres "$PG_BIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=trust -E UTF8 \
      --locale=C.UTF-8 >"$DIR/pg-initdb.log" 2>&1 || {
      cat "$DIR/pg-initdb.log" >&2
      die "initdb failed"
    }
    # TCP on loopback only, no unix socket (path length and permissions vary per checkout); durability off for speed.
    cat >>"$data/postgresql.conf" <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  fi
  touch "$DIR/pg.log"
  chown postgres: "$DIR/pg.log"
  say "starting postgres on $PG_PORT"
  as_postgres "$PG_BIN/pg_ctl" -D "$data" -l "$DIR/pg.log" -w -t 60 start >&2 || {
    tail -n 30 "$DIR/pg.log" >&2
    die "postgres did not start"
  }
  wait_for "postgres" 30 "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres
}

stop_postgres() {
  if pg_running; then
    say "stopping postgres"
    as_postgres "$PG_BIN/pg_ctl" -D "$(pg_data)" -m fast -w -t 60 stop >&2 || true
  fi
  [[ -f "$DIR/pg.path" ]] && rm -rf "$(cat "$DIR/pg.path")"
  return 0
}

# --- Redis ---------------------------------------------------------------------------------------------------

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

start_redis() {
  if redis_ping; then
    say "redis already running on $REDIS_PORT"
    return
  fi
  say "starting redis on $REDIS_PORT"
  # daemonize detaches from our stdout, so $(…) in the caller does not wait for it.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" >&2
  wait_for "redis" 30 redis_ping
}

stop_redis() {
  if redis_ping; then
    say "stopping redis"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  stop_pid "$DIR/redis.pid"
}

# --- NATS ----------------------------------------------------------------------------------------------------

# A NATS server greets every client with an INFO line; JetStream is on when it says so.
nats_ready() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT && head -n 1 <&3" 2>/dev/null | grep -q '"jetstream":true'
}

start_nats() {
  if nats_ready; then
    say "nats already running on $NATS_PORT"
    return
  fi
  say "starting nats-server -js on $NATS_PORT"
  mkdir -p "$DIR/nats"
  # Own session and no inherited stdio: it must outlive this script and not hold the caller's $(…) pipe open.
  setsid nats-server -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$DIR/nats" -P "$DIR/nats.pid" -l "$DIR/nats.log" \
    </dev/null >/dev/null 2>&1 &
  wait_for "nats" 30 nats_ready
}

stop_nats() {
  [[ -f "$DIR/nats.pid" ]] && say "stopping nats"
  stop_pid "$DIR/nats.pid"
}

# --- FerretDB (MongoDB wire protocol) ------------------------------------------------------------------------

ferretdb_ready() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$FERRETDB_PORT" 2>/dev/null; }

ferretdb_built() { [[ -x "$TOOLS/ferretdb" ]] && "$TOOLS/ferretdb" --version 2>/dev/null | grep -qx "version: $FERRETDB_VERSION"; }

# `go install …@version` builds a binary that refuses to start (its build/version/version.txt is generated by
# FerretDB's release tooling, not shipped in the module), so: the module's source from the proxy, that one file
# written, then `go build` of its cmd/ferretdb.
build_ferretdb() {
  ferretdb_built && return 0
  command -v go >/dev/null || return 1
  say "building ferretdb $FERRETDB_VERSION into .tools/go/bin (Go module proxy; about a minute on a cold cache)"
  local started=$SECONDS src work
  src="$(GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -d "$src" ]] || die "go mod download gave no source directory for FerretDB $FERRETDB_VERSION"
  work="$(mktemp -d)"
  cp -r "$src/." "$work"
  chmod -R u+w "$work"
  echo "$FERRETDB_VERSION" >"$work/build/version/version.txt"
  mkdir -p "$TOOLS"
  (cd "$work" && GOFLAGS=-mod=mod go build -trimpath -buildvcs=false -o "$TOOLS/ferretdb" ./cmd/ferretdb) >&2 ||
    { rm -rf "$work"; die "ferretdb build failed"; }
  rm -rf "$work"
  say "ferretdb built in $((SECONDS - started)) s"
}

start_ferretdb() {
  if ferretdb_ready; then
    say "ferretdb already running on $FERRETDB_PORT"
    return
  fi
  if ! build_ferretdb; then
    say "warning: no go toolchain to build ferretdb: the MongoDB contract suite will be skipped"
    return
  fi
  say "starting ferretdb (SQLite) on $FERRETDB_PORT"
  mkdir -p "$DIR/ferretdb"
  # Own session and no inherited stdio, like nats-server above.
  setsid "$TOOLS/ferretdb" --handler=sqlite --sqlite-url="file:$DIR/ferretdb/" --state-dir="$DIR/ferretdb" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr="127.0.0.1:$FERRETDB_DEBUG_PORT" --telemetry=disable \
    --log-level=warn </dev/null >"$DIR/ferretdb.log" 2>&1 &
  echo $! >"$DIR/ferretdb.pid"
  wait_for "ferretdb" 30 ferretdb_ready
}

stop_ferretdb() {
  [[ -f "$DIR/ferretdb.pid" ]] && say "stopping ferretdb"
  stop_pid "$DIR/ferretdb.pid"
}

# --- helpers -------------------------------------------------------------------------------------------------

# wait_for NAME SECONDS COMMAND... : polls COMMAND every 0.2 s.
wait_for() {
  local name="$1" deadline=$((SECONDS + $2))
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || die "$name did not answer within the timeout (logs in $DIR)"
    sleep 0.2
  done
}

# stop_pid FILE: TERM, then KILL after 10 s.
stop_pid() {
  local file="$1" pid
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  fi
  rm -f "$file"
}

# --- peers of one service (stripe-mock, Radicale, OpenSearch, Chromium, …) ---------------------------------------
# Each scripts/servers/<name>.sh defines <name>_start, <name>_stop, <name>_up (status: 0 when serving) and
# <name>_exports (export lines for stdout), and may use say/die/wait_for/stop_pid, $DIR and $TOOLS. A peer that
# cannot be installed here says so and exports nothing: the tests that need it are then skipped, which the CI
# summary counts.
PEERS=()
for peer_file in "$ROOT"/scripts/servers/*.sh; do
  [[ -e "$peer_file" ]] || continue
  # shellcheck source=/dev/null
  source "$peer_file"
  PEERS+=("$(basename "$peer_file" .sh)")
done

print_exports() {
  echo "export POSTGRES_URL=postgres://postgres:postgres@127.0.0.1:$PG_PORT/postgres"
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  echo "export NATS_URL=nats://127.0.0.1:$NATS_PORT"
  if ferretdb_ready; then echo "export MONGO_URL=mongodb://127.0.0.1:$FERRETDB_PORT/"; fi
  for peer in "${PEERS[@]}"; do "${peer}_exports"; done
}

case "${1:-}" in
  start)
    ensure_installed
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    start_postgres
    start_redis
    start_nats
    start_ferretdb
    for peer in "${PEERS[@]}"; do "${peer}_start"; done
    say "all servers up"
    print_exports
    ;;
  stop)
    if [[ -d "$DIR" ]]; then
      for peer in "${PEERS[@]}"; do "${peer}_stop" || true; done
      stop_ferretdb
      stop_nats
      stop_redis
      stop_postgres
      rm -rf "$DIR"
    fi
    say "stopped"
    ;;
  status)
    code=0
    if [[ -d "$DIR" ]] && pg_running; then say "postgres: up"; else say "postgres: down" && code=1; fi
    if command -v redis-cli >/dev/null && redis_ping; then say "redis: up"; else say "redis: down" && code=1; fi
    if nats_ready; then say "nats: up"; else say "nats: down" && code=1; fi
    if ferretdb_ready; then say "ferretdb: up"; else say "ferretdb: down" && code=1; fi
    for peer in "${PEERS[@]}"; do
      if "${peer}_up"; then say "$peer: up"; else say "$peer: down" && code=1; fi
    done
    exit "$code"
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
