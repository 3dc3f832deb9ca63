#!/usr/bin/env bash
# The public report page against the machine's limit: nginx serving the very same bytes from
# loopback. Then the same page for a logged-in editor (session lookup, edit controls). wrk -t2 -c32,
# alternating Tiltak and nginx, 3 rounds; medians. Ends with one `ratio …` line.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need nginx nginx-light
need wrk wrk
build_release

WORK=$(mktemp -d /tmp/tiltak-bench-XXXX)
PORT=18080 NGINX_PORT=18081
trap 'kill $SERVER_PID 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true' EXIT
start_server "$WORK" $PORT
PAGE="/osloregionen/2025/report"
mkdir -p "$WORK/www/osloregionen/2025"
curl -sf "http://127.0.0.1:$PORT$PAGE" -o "$WORK/www$PAGE"
echo "report page: $(wc -c <"$WORK/www$PAGE") bytes"

cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location / { try_files \$uri =404; }
  }
}
CONF
chmod 755 "$WORK" && chmod -R a+rX "$WORK/www"
nginx -c "$WORK/nginx.conf"
sleep 0.5

printf 'bench editor password\n' | "$TILTAK" --database "sqlite://$WORK/tiltak.db" user add editor@bench.no \
  --org osloregionen --role editor --password-stdin >/dev/null
COOKIE=$(login_cookie $PORT editor@bench.no 'bench editor password')
curl -sf -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$PAGE" | grep -q "Innlogget som editor@bench.no" \
  || { echo "the logged-in page is not the editor's" >&2; exit 1; }

echo "idle RSS: $(rss_mb $SERVER_PID) MB"
: >"$WORK/results"
for round in 1 2 3; do
  read -r t_rps t_p50 t_p99 < <(wrk_run "http://127.0.0.1:$PORT$PAGE")
  read -r n_rps n_p50 n_p99 < <(wrk_run "http://127.0.0.1:$NGINX_PORT$PAGE")
  read -r l_rps l_p50 l_p99 < <(wrk_run "http://127.0.0.1:$PORT$PAGE" "Cookie: $COOKIE")
  printf 'round %s: tiltak %8.0f req/s p50 %5.2f ms p99 %5.2f ms | nginx %8.0f req/s p50 %5.2f p99 %5.2f | logged in %8.0f req/s p50 %5.2f p99 %5.2f\n' \
    "$round" "$t_rps" "$t_p50" "$t_p99" "$n_rps" "$n_p50" "$n_p99" "$l_rps" "$l_p50" "$l_p99"
  echo "$t_rps $t_p99 $n_rps $l_rps $l_p99" >>"$WORK/results"
done
echo "RSS after load: $(rss_mb $SERVER_PID) MB"
col() { awk -v c="$1" '{print $c}' "$WORK/results" | median; }
T=$(col 1) TP99=$(col 2) N=$(col 3) L=$(col 4) LP99=$(col 5)
echo "medians: tiltak $T req/s (p99 $TP99 ms), nginx $N req/s, logged in $L req/s (p99 $LP99 ms)"
awk -v t="$T" -v n="$N" -v l="$L" -v p="$TP99" -v lp="$LP99" -v rss="$(rss_mb $SERVER_PID)" 'BEGIN {
  printf "ratio tiltak/nginx=%.2f p99_ms=%.2f logged_in/nginx=%.2f logged_in_p99_ms=%.2f rss_mb=%s\n", t / n, p, l / n, lp, rss }'
