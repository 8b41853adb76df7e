#!/usr/bin/env bash
# Helm can only read files inside a chart, so the gateway chart carries a copy of kong/kong.yml.
#   deploy/helm/sync-kong-config.sh          # refresh the copy
#   deploy/helm/sync-kong-config.sh --check  # exit 1 when the copy differs (CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC="$ROOT/kong/kong.yml"
DST="$ROOT/deploy/helm/charts/gateway/files/kong.yml"

if [[ "${1:-}" == "--check" ]]; then
  if cmp -s "$SRC" "$DST"; then
    echo "kong.yml copy is up to date"
    exit 0
  fi
  echo "deploy/helm/charts/gateway/files/kong.yml differs from kong/kong.yml: run deploy/helm/sync-kong-config.sh" >&2
  diff -u "$DST" "$SRC" >&2 || true
  exit 1
fi
mkdir -p "$(dirname "$DST")"
cp "$SRC" "$DST"
echo "copied kong/kong.yml to ${DST#"$ROOT"/}"
