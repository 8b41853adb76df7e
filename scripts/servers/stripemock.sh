# shellcheck shell=bash
# stripe-mock (Stripe's official API mock, a Go program) for the payment service's Stripe adapter tests: built from
# the Go module proxy into .tools/go/bin once, served over HTTP on a private port. Sourced by scripts/ci-servers.sh
# (say/die/wait_for/stop_pid, $DIR and $TOOLS come from there).
STRIPEMOCK_VERSION=v0.203.0
STRIPEMOCK_PORT=12181

stripemock_up() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$STRIPEMOCK_PORT" 2>/dev/null; }

stripemock_built() { [[ -x "$TOOLS/stripe-mock" && -f "$TOOLS/stripe-mock.version" ]] &&
  [[ "$(cat "$TOOLS/stripe-mock.version")" == "$STRIPEMOCK_VERSION" ]]; }

stripemock_build() {
  stripemock_built && return 0
  command -v go >/dev/null || return 1
  say "building stripe-mock $STRIPEMOCK_VERSION into .tools/go/bin (Go module proxy)"
  local started=$SECONDS
  mkdir -p "$TOOLS"
  GOBIN="$TOOLS" GOFLAGS=-mod=mod go install "github.com/stripe/stripe-mock@$STRIPEMOCK_VERSION" >&2 ||
    die "stripe-mock build failed"
  echo "$STRIPEMOCK_VERSION" >"$TOOLS/stripe-mock.version"
  say "stripe-mock built in $((SECONDS - started)) s"
}

stripemock_start() {
  if stripemock_up; then
    say "stripe-mock already running on $STRIPEMOCK_PORT"
    return
  fi
  if ! stripemock_build; then
    say "warning: no go toolchain to build stripe-mock: the Stripe adapter contract tests will be skipped"
    return
  fi
  say "starting stripe-mock on $STRIPEMOCK_PORT (HTTP)"
  # Own session and no inherited stdio, like nats-server in ci-servers.sh. HTTPS is off (-https-port 0 is not
  # accepted by every release, so only -http-port is given: stripe-mock then serves HTTP alone).
  setsid "$TOOLS/stripe-mock" -http-port "$STRIPEMOCK_PORT" </dev/null >"$DIR/stripe-mock.log" 2>&1 &
  echo $! >"$DIR/stripe-mock.pid"
  wait_for "stripe-mock" 60 stripemock_up
}

stripemock_stop() {
  [[ -f "$DIR/stripe-mock.pid" ]] && say "stopping stripe-mock"
  stop_pid "$DIR/stripe-mock.pid"
}

stripemock_exports() {
  if stripemock_up; then echo "export STRIPE_MOCK_URL=http://127.0.0.1:$STRIPEMOCK_PORT"; fi
}
