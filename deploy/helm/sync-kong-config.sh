#!/usr/bin/env bash
# Helm can only read files inside a chart, so the gateway chart carries a copy of kong/kong.yml.
#   deploy/helm/sync-kong-config.sh          # refresh the copy
#   deploy/helm/sync-kong-config.sh --check  # exit 1 when the copy differs (CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COPIES=(
  "kong/kong.yml:deploy/helm/charts/gateway/files/kong.yml"
)

status=0
for pair in "${COPIES[@]}"; do
  SRC="$ROOT/${pair%%:*}"
  DST="$ROOT/${pair#*:}"
  if [[ "${1:-}" == "--check" ]]; then
    if cmp -s "$SRC" "$DST"; then
      echo "${pair%%:*} copy is up to date"
      continue
    fi
    echo "${pair#*:} differs from ${pair%%:*}: run deploy/helm/sync-kong-config.sh" >&2
    diff -u "$DST" "$SRC" >&2 || true
    status=1
    continue
  fi
  mkdir -p "$(dirname "$DST")"
  cp "$SRC" "$DST"
  echo "copied ${pair%%:*} to ${pair#*:}"
done
exit "$status"
