#!/bin/bash
# Runs once, on the first start of an empty data volume: one database per service (a service never reads
# another's tables). Names come from POSTGRES_DATABASES (comma separated).
set -euo pipefail

IFS=',' read -ra databases <<<"${POSTGRES_DATABASES:-}"
for db in "${databases[@]}"; do
  db="${db//[[:space:]]/}"
  [[ -n "$db" ]] || continue
  echo "creating database $db"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\""
done
