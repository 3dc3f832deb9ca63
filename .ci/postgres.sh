#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback and prints its URL (for TILTAK_TEST_DATABASE_URL).
# Usage: eval "$(.ci/postgres.sh)"   — installs Debian's postgresql first if it is missing.
set -euo pipefail
port="${PGPORT_TILTAK:-55432}"
dir="${PGDIR_TILTAK:-/tmp/tiltak-pg}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
  apt-get update -q >&2 && apt-get install -y -q postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! run "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  rm -rf "$dir"; mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  run "$bin/initdb" -D "$dir" -U tiltak --auth=trust -E UTF8 --locale=C.UTF-8 >&2
  run "$bin/pg_ctl" -D "$dir" -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off -c full_page_writes=off -c synchronous_commit=off" -l "$dir/log" -w start >&2
fi
echo "export TILTAK_TEST_DATABASE_URL=postgres://tiltak@127.0.0.1:$port/postgres"
