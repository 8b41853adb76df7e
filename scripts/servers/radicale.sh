# shellcheck shell=bash
# Radicale (a CalDAV server, PyPI) for the integration service's Apple Calendar adapter tests: installed into
# .tools/venv once, served over HTTP on a private port with htpasswd (plain) users and its collections under $DIR.
# Sourced by scripts/ci-servers.sh (say/die/wait_for/stop_pid and $DIR come from there).
RADICALE_VERSION=3.9.0
RADICALE_PORT=5242
RADICALE_VENV="$ROOT/.tools/venv"
# Test accounts (plain htpasswd: only ever on loopback): the tests connect as member1..3 with these app passwords.
RADICALE_PASSWORD=radicale-app-password

radicale_up() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$RADICALE_PORT" 2>/dev/null; }

radicale_installed() { [[ -x "$RADICALE_VENV/bin/radicale" ]] &&
  "$RADICALE_VENV/bin/python" -c "import radicale, sys; sys.exit(radicale.VERSION != '$RADICALE_VERSION')" 2>/dev/null; }

radicale_install() {
  radicale_installed && return 0
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    [[ $(id -u) -eq 0 ]] || return 1
    say "installing python3-venv (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; } >&2 || return 1
  fi
  say "installing radicale $RADICALE_VERSION into .tools/venv (PyPI)"
  [[ -x "$RADICALE_VENV/bin/pip" ]] || python3 -m venv "$RADICALE_VENV" >&2 || return 1
  "$RADICALE_VENV/bin/pip" install -q "radicale==$RADICALE_VERSION" >&2 || return 1
}

radicale_start() {
  if radicale_up; then
    say "radicale already running on $RADICALE_PORT"
    return
  fi
  if ! radicale_install; then
    say "warning: could not install radicale (python3-venv/PyPI): the CalDAV tests will be skipped"
    return
  fi
  mkdir -p "$DIR/radicale/collections"
  : >"$DIR/radicale/users"
  for user in member1 member2 member3; do echo "$user:$RADICALE_PASSWORD" >>"$DIR/radicale/users"; done
  say "starting radicale on $RADICALE_PORT (HTTP, htpasswd)"
  setsid "$RADICALE_VENV/bin/radicale" --server-hosts "127.0.0.1:$RADICALE_PORT" \
    --auth-type htpasswd --auth-htpasswd-filename "$DIR/radicale/users" --auth-htpasswd-encryption plain \
    --storage-filesystem-folder "$DIR/radicale/collections" --logging-level warning \
    </dev/null >"$DIR/radicale.log" 2>&1 &
  echo $! >"$DIR/radicale.pid"
  wait_for "radicale" 30 radicale_up
}

radicale_stop() {
  [[ -f "$DIR/radicale.pid" ]] && say "stopping radicale"
  stop_pid "$DIR/radicale.pid"
}

radicale_exports() {
  if radicale_up; then
    echo "export RADICALE_URL=http://127.0.0.1:$RADICALE_PORT/"
    echo "export RADICALE_PASSWORD=$RADICALE_PASSWORD"
  fi
}
