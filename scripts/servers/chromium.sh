# shellcheck shell=bash
# Debian's chromium for the admin dashboard's browser test (playwright-core drives it with executablePath; no
# browser download). Not a server: start installs it when missing, stop does nothing, the export tells the test
# where it is. Sourced by scripts/ci-servers.sh (say and $DIR come from there).
CHROMIUM_BIN=/usr/bin/chromium

chromium_up() { [[ -x "$CHROMIUM_BIN" ]]; }

chromium_start() {
  if chromium_up; then
    say "chromium present at $CHROMIUM_BIN"
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    say "warning: chromium missing and not root: the dashboard browser test will be skipped"
    return
  fi
  say "installing chromium (apt-get)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >&2; then
    say "warning: could not install chromium: the dashboard browser test will be skipped"
  fi
}

chromium_stop() { :; }

chromium_exports() {
  if chromium_up; then echo "export CHROMIUM_PATH=$CHROMIUM_BIN"; fi
}
