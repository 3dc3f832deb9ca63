#!/usr/bin/env bash
# Abuse, measured: (1) the server's peak memory while it refuses zip bombs uploaded to the import
# page (a DOCX whose document.xml inflates to 256 MB, and one whose headers claim 2 GB); target
# under 200 MB. (2) an unrelated page's p99 while 200 connections send failed logins (each from its
# own forwarded address, to unknown accounts, so that every one costs a password hash); target under
# 50 ms, against the same page's p99 without the attack in the same run. Ends with `ratio …` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need wrk wrk
build_release

WORK=$(mktemp -d /tmp/tiltak-abuse-XXXX)
PORT=18090
trap 'kill $SERVER_PID 2>/dev/null || true; kill $ATTACK_PID 2>/dev/null || true' EXIT
export TILTAK_TRUSTED_PROXY=127.0.0.1
start_server "$WORK" $PORT
printf 'bench secretariat password\n' | "$TILTAK" --database "sqlite://$WORK/tiltak.db" user add sek@bench.no \
  --org osloregionen --role secretariat --password-stdin >/dev/null
COOKIE=$(login_cookie $PORT sek@bench.no 'bench secretariat password')
# A logged-in person's CSRF token is their session's: read it from the import form as rendered.
CSRF=$(curl -sf -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/osloregionen/import" \
  | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="\([0-9a-f]*\)"/\1/')
[ -n "$CSRF" ] || { echo "no CSRF token on the import page" >&2; exit 1; }

python3 - "$WORK" <<'PY'
import sys, zipfile, struct
work = sys.argv[1]
def bomb(path, size):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=False) as f:
            chunk = b"a" * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)
        z.writestr("[Content_Types].xml", "<Types/>")
bomb(f"{work}/bomb-256mb.docx", 256 << 20)
# The same kind of archive whose headers claim a 2 GB member.
data = bytearray(open(f"{work}/bomb-256mb.docx", "rb").read())
for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
    at = data.find(sig)
    data[at + off:at + off + 4] = struct.pack("<I", 2 << 30)
open(f"{work}/bomb-2gb.docx", "wb").write(data)
PY
echo "idle RSS: $(rss_mb $SERVER_PID) MB"
for bomb in bomb-256mb bomb-2gb; do
  code=$(curl -s -o "$WORK/$bomb.html" -w '%{http_code}' -H "Cookie: $COOKIE" \
    -F "csrf=$CSRF" -F "file=@$WORK/$bomb.docx" "http://127.0.0.1:$PORT/osloregionen/import")
  grep -q "50 MB" "$WORK/$bomb.html" || { echo "$bomb was not refused ($code)" >&2; exit 1; }
  echo "$bomb ($(wc -c <"$WORK/$bomb.docx") bytes): refused with $code"
done
PEAK=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$SERVER_PID/status")
echo "peak RSS after the bombs: $PEAK MB"

PAGE="http://127.0.0.1:$PORT/osloregionen/2025"
p99() { wrk -t1 -c4 -d"${WRK_SECONDS:-10}s" --latency "$1" | awk '$1 == "99%" {print $2}'; }
IDLE=$(to_ms "$(p99 "$PAGE")")
cat >"$WORK/login.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  local body = "csrf=abusecsrf0000&email=nobody" .. counter .. "%40bench.no&password=not+the+password+at+all"
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "tiltak_csrf=abusecsrf0000",
    ["X-Forwarded-For"] = "10." .. (counter % 200) .. "." .. (math.floor(counter / 200) % 250) .. ".1",
  }
  return wrk.format("POST", "/login", headers, body)
end
LUA
wrk -t1 -c200 -d"$(( ${WRK_SECONDS:-10} + 4 ))s" -s "$WORK/login.lua" "http://127.0.0.1:$PORT" >"$WORK/attack.txt" 2>&1 &
ATTACK_PID=$!
sleep 2
UNDER=$(to_ms "$(p99 "$PAGE")")
wait $ATTACK_PID || true
LOGINS=$(awk '/requests in/ {print $1}' "$WORK/attack.txt")
echo "overview p99: $IDLE ms alone, $UNDER ms during $LOGINS failed logins from 200 connections"
echo "RSS after the attack: $(rss_mb $SERVER_PID) MB (peak $(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$SERVER_PID/status") MB)"
awk -v peak="$PEAK" -v idle="$IDLE" -v under="$UNDER" 'BEGIN {
  printf "ratio bomb peak RSS / 200 MB target: %.2f (%s)\n", peak / 200, (peak < 200 ? "met" : "missed")
  printf "ratio p99 under login attack / alone: %.2f; %.2f ms against the 50 ms target (%s)\n", under / idle, under, (under < 50 ? "met" : "missed")
}'
