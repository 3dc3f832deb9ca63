#!/usr/bin/env bash
# National scale: one instance with 400 organisations × 10 years × 80 measures × 3 rounds (about a
# million status entries, `tiltak demo-data`), against the same organisation alone in a database.
# For one organisation: the report, overview, search and changes pages, p99 under wrk, with the
# page cache (as shipped) and without it (TILTAK_PAGE_CACHE=off: what a page costs to make). Prints
# the load time, RSS, and the query plans of the hot queries. On SQLite, then on PostgreSQL: a
# throwaway cluster from .ci/postgres.sh with two databases made here (or the server named by
# TILTAK_BENCH_POSTGRES=postgres://…; SCALE_POSTGRES=0 skips it). Ends with one `ratio …` line.
# ORGS=40 bench/scale.sh runs a smaller country.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need wrk wrk
need sqlite3 sqlite3
build_release
ORGS=${ORGS:-400} WRK_SECONDS=${WRK_SECONDS:-5}
WORK=$(mktemp -d /tmp/tiltak-bench-XXXX)
PORT=18090
trap 'kill ${SERVER_PID:-0} 2>/dev/null || true' EXIT
PAGES=(/demo-000/2025/report /demo-000/2025 "/demo-000/search?q=workshop" /demo-000/2025/rounds/2025-09-02/changes)

# measure NAME DB: p99 of each page, cached and uncached, into $WORK/NAME.
measure() {
  local name=$1 db=$2
  : >"$WORK/$name"
  for cache in on off; do
    TILTAK_PAGE_CACHE=$cache start_server "$WORK" $PORT "$db"
    for page in "${PAGES[@]}"; do
      curl -sf "http://127.0.0.1:$PORT$page" >/dev/null || { echo "no page $page" >&2; exit 1; }
      read -r rps p50 p99 < <(wrk_run "http://127.0.0.1:$PORT$page")
      printf '%-6s cache %-3s %-42s %8.0f req/s p50 %6.2f ms p99 %6.2f ms\n' "$name" "$cache" "$page" "$rps" "$p50" "$p99"
      echo "$cache $page $p99" >>"$WORK/$name"
    done
    echo "$name cache $cache: RSS after load $(rss_mb $SERVER_PID) MB"
    kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true
  done
}

run_on() { # run_on LABEL SMALL_DB BIG_DB
  local label=$1 small=$2 big=$3
  "$TILTAK" --database "$small" demo-data --organisations 1 >/dev/null
  echo "loading $ORGS organisations ($label)…"
  local t0; t0=$(date +%s.%N)
  "$TILTAK" --database "$big" demo-data --organisations "$ORGS" 2>/dev/null | tail -1
  echo "load time ($label): $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}') s"
  measure "small" "$small"
  measure "big" "$big"
  worst=$(join <(awk '{print $1 $2, $3}' "$WORK/small" | sort) <(awk '{print $1 $2, $3}' "$WORK/big" | sort) |
    awk '{r = $3 / ($2 > 0 ? $2 : 0.01); if (r > w) w = r} END {printf "%.2f", w}')
  cached=$(join <(awk '$1 == "on" {print $2, $3}' "$WORK/small" | sort) <(awk '$1 == "on" {print $2, $3}' "$WORK/big" | sort) |
    awk '{r = $3 / ($2 > 0 ? $2 : 0.01); if (r > w) w = r} END {printf "%.2f", w}')
  RATIOS="$RATIOS ${label}_p99_big/small_cached=$cached ${label}_p99_big/small_uncached_worst=$worst"
}

RATIOS=""
run_on sqlite "sqlite://$WORK/small.db" "sqlite://$WORK/big.db"
echo "entries: $(sqlite3 "$WORK/big.db" 'SELECT count(*) FROM status_entries')"
echo "query plans (SQLite) of the hot queries:"
for q in "SELECT n FROM data_revision WHERE id = 1" \
  "SELECT id, slug, name, language FROM organisations WHERE slug = 'demo-000'" \
  "SELECT id, year, title, state, published FROM programmes WHERE organisation_id = 1 AND year = 2025" \
  "SELECT e.* FROM status_entries e JOIN measures m ON m.id = e.measure_id WHERE e.round_id = 3" \
  "SELECT m.number FROM status_entries e JOIN measures m ON m.id = e.measure_id WHERE e.round_id = 3"; do
  echo "  $q"; sqlite3 "$WORK/big.db" "EXPLAIN QUERY PLAN $q" | sed 's/^/    /'
done
if [ "${SCALE_POSTGRES:-1}" = 1 ]; then
  if [ -z "${TILTAK_BENCH_POSTGRES:-}" ]; then
    eval "$(.ci/postgres.sh)"
    TILTAK_BENCH_POSTGRES=${TILTAK_TEST_DATABASE_URL%/postgres}
  fi
  for db in tiltak_small tiltak_big; do
    psql -q "$TILTAK_BENCH_POSTGRES/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  done
  run_on postgres "$TILTAK_BENCH_POSTGRES/tiltak_small" "$TILTAK_BENCH_POSTGRES/tiltak_big"
fi
echo "ratio$RATIOS"
