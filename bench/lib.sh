# Shared by the bench scripts: tools from Debian when missing, the release binary, a server on a
# fresh SQLite database with the sample, and wrk runs reduced to numbers.

need() { # need COMMAND PACKAGE...
  command -v "$1" >/dev/null 2>&1 || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${@:2}" >/dev/null; }
}

build_release() {
  echo "building the release binary (several minutes the first time)" >&2
  cargo build --release -q -p tiltak
  TILTAK="$PWD/target/release/tiltak"
}

# start_server DIR PORT [DATABASE_URL]: serve; the first start loads the sample.
start_server() {
  local dir=$1 port=$2 db=${3:-sqlite://$1/tiltak.db}
  "$TILTAK" --database "$db" serve --listen "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the server did not start:" >&2; cat "$dir/serve.log" >&2; return 1
}

# rss_mb PID: resident memory in MB.
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

# login_cookie PORT EMAIL PASSWORD: a session cookie header value, through the login form.
login_cookie() {
  local port=$1 jar; jar=$(mktemp)
  curl -s -c "$jar" "http://127.0.0.1:$port/login" >/dev/null
  local csrf; csrf=$(awk '$6 == "tiltak_csrf" {print $7}' "$jar")
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "email=$2" \
    --data-urlencode "password=$3" "http://127.0.0.1:$port/login"
  local session; session=$(awk '$6 == "tiltak_session" {print $7}' "$jar")
  rm -f "$jar"
  [ -n "$session" ] || { echo "login failed" >&2; return 1; }
  echo "tiltak_csrf=$csrf; tiltak_session=$session"
}

# wrk_run URL [HEADER]: prints "req_per_s p50_ms p99_ms".
wrk_run() {
  local out
  if [ -n "${2:-}" ]; then
    out=$(wrk -t2 -c32 -d"${WRK_SECONDS:-10}s" --latency -H "$2" "$1")
  else
    out=$(wrk -t2 -c32 -d"${WRK_SECONDS:-10}s" --latency "$1")
  fi
  echo "$out" | grep -q "Non-2xx" && { echo "non-2xx answers from $1" >&2; echo "$out" >&2; return 1; }
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}

to_ms() { # 1.23ms | 456.00us | 1.2s -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
