#!/usr/bin/env bash
# The chaos suite's own PostgreSQL 15, Redis and NATS JetStream (ports 21901-21903, state in /var/tmp), so that
# stopping and restarting them never touches the servers scripts/ci-servers.sh runs for everyone else.
#   tests/chaos/servers.sh start [postgres|redis|nats]   # all when no name; prints the exports
#   tests/chaos/servers.sh stop  [postgres|redis|nats]   # stop keeps PostgreSQL's data (a restart, not a reset)
#   tests/chaos/servers.sh destroy                      # stop all and remove their data
set -euo pipefail
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=${CHAOS_PG_PORT:-21901}
REDIS_PORT=${CHAOS_REDIS_PORT:-21902}
NATS_PORT=${CHAOS_NATS_PORT:-21903}
DIR=${CHAOS_SERVERS_DIR:-/var/tmp/diaspora-chaos-servers}
mkdir -p "$DIR"
chmod 755 "$DIR"

say() { printf '\033[35m[chaos-servers]\033[0m %s\n' "$*" >&2; }
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" 2>/dev/null; do
    ((SECONDS < deadline)) || { say "timeout waiting for $*"; exit 1; }
    sleep 0.2
  done
}

pg_up() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres; }
redis_up() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }
nats_up() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT && head -n 1 <&3" 2>/dev/null | grep -q '"jetstream":true'; }

start_postgres() {
  pg_up && return
  if [[ ! -f "$DIR/pg/PG_VERSION" ]]; then
    mkdir -p "$DIR/pg" && chown postgres: "$DIR/pg" && chmod 700 "$DIR/pg"
    as_postgres "$PG_BIN/initdb" -D "$DIR/pg" -U postgres --auth-local=trust --auth-host=trust -E UTF8 \
      --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1
    # Durable settings (unlike CI's): the chaos suite checks that acknowledged writes survive crashes.
    printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 300\n" \
      "$PG_PORT" >>"$DIR/pg/postgresql.conf"
  fi
  touch "$DIR/pg.log" && chown postgres: "$DIR/pg.log"
  as_postgres "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w -t 60 start >&2
  wait_for 30 pg_up
}
stop_postgres() { pg_up && as_postgres "$PG_BIN/pg_ctl" -D "$DIR/pg" -m fast -w -t 60 stop >&2 || true; }

start_redis() {
  redis_up && return
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no --dir "$DIR" \
    --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" >&2
  wait_for 30 redis_up
}
stop_redis() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; }

start_nats() {
  nats_up && return
  mkdir -p "$DIR/nats"
  setsid nats-server -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$DIR/nats" -P "$DIR/nats.pid" -l "$DIR/nats.log" \
    </dev/null >/dev/null 2>&1 &
  wait_for 30 nats_up
}
stop_nats() {
  [[ -f "$DIR/nats.pid" ]] || return 0
  local pid
  pid="$(cat "$DIR/nats.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$DIR/nats.pid"
}

names=("${2:-postgres}")
[[ -z "${2:-}" ]] && names=(postgres redis nats)
case "${1:-}" in
  start)
    for name in "${names[@]}"; do "start_$name"; done
    echo "export POSTGRES_URL=postgres://postgres:postgres@127.0.0.1:$PG_PORT/postgres"
    echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
    echo "export NATS_URL=nats://127.0.0.1:$NATS_PORT"
    ;;
  stop) for name in "${names[@]}"; do "stop_$name"; done ;;
  destroy)
    stop_nats
    stop_redis
    stop_postgres
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 start|stop [postgres|redis|nats] | destroy" >&2 && exit 2 ;;
esac
