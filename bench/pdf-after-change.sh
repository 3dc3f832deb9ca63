#!/usr/bin/env bash
# The board PDF as a person gets it right after a change: the secretariat saves one entry through
# the edit form as the server renders it (its action, hidden fields and options, the description
# changed), then downloads the report PDF from the server. Timed from the download request to its
# last byte: at once after the save (the script's own next request), and after a pause of one
# second (a person's click). Against LibreOffice turning the same report's DOCX into a PDF in the
# same run (soffice --headless, median of 5). Ends with one `ratio …` line.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need soffice libreoffice-writer-nogui
build_release

WORK=$(mktemp -d /tmp/tiltak-bench-XXXX)
PORT=18083
RUNS=${RUNS:-10}
trap 'kill ${SERVER_PID:-0} 2>/dev/null || true' EXIT
start_server "$WORK" $PORT
printf 'bench secretariat password\n' | "$TILTAK" --database "sqlite://$WORK/tiltak.db" user add sek@bench.no \
  --org osloregionen --role secretariat --password-stdin >/dev/null
COOKIE=$(login_cookie $PORT sek@bench.no 'bench secretariat password')
BASE="http://127.0.0.1:$PORT/osloregionen/2025"

# LibreOffice: the server's own DOCX of the report, converted as people otherwise would.
curl -sf -H "Cookie: $COOKIE" "$BASE/report/download?format=docx&round=2025-09-02" -o "$WORK/status.docx"
SOFFICE=(soffice "-env:UserInstallation=file://$WORK/lo-profile" --headless --norestore --convert-to pdf --outdir "$WORK/lo" "$WORK/status.docx")
"${SOFFICE[@]}" >/dev/null 2>&1 # the first start makes LibreOffice's profile; not timed
for _ in 1 2 3 4 5; do
  t0=$(date +%s.%N); "${SOFFICE[@]}" >/dev/null 2>&1; t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) * 1000}'
done >"$WORK/lo.ms"
LO=$(median <"$WORK/lo.ms")

# One save through the form as rendered: every field as the page has it, the description changed.
save() { # save N
  python3 - "$BASE" "$COOKIE" "$1" <<'PY'
import html.parser, sys, urllib.parse, urllib.request
base, cookie, n = sys.argv[1], sys.argv[2], sys.argv[3]
class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.action = None; self.done = False; self.fields = {}; self.select = None; self.area = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.done: return
        if tag == "form" and a.get("class") == "edit-form": self.action = a["action"]
        elif self.action is None: return
        elif tag == "input" and a.get("name"): self.fields[a["name"]] = a.get("value", "")
        elif tag == "select": self.select = a["name"]
        elif tag == "option" and self.select and ("selected" in a or self.select not in self.fields):
            self.fields[self.select] = a.get("value", "")
        elif tag == "textarea": self.area = a["name"]; self.fields[self.area] = ""
    def handle_endtag(self, tag):
        if tag == "form" and self.action: self.done = True
        if tag == "select": self.select = None
        if tag == "textarea": self.area = None
    def handle_data(self, data):
        if self.area and not self.done: self.fields[self.area] += data
def get(url):
    return urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie})).read().decode()
form = Form(); form.feed(get(base + "/rounds/2025-09-02/measures/8/edit"))
assert form.action and "csrf" in form.fields, "no edit form"
form.fields["description"] = f"Endret i måling {n}: arbeidet går videre etter planen."
req = urllib.request.Request(urllib.parse.urljoin(base + "/", form.action), method="POST",
    data=urllib.parse.urlencode(form.fields).encode(), headers={"Cookie": cookie})
class Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a): return None
try:
    urllib.request.build_opener(Stay).open(req)
except urllib.error.HTTPError as e:
    assert e.code in (302, 303), f"the save answered {e.code}: {e.read().decode()[-3000:]}"
PY
}
download() { # download FILE: milliseconds from request to last byte
  curl -sf -H "Cookie: $COOKIE" -o "$1" -w '%{time_total}\n' "$BASE/report/download?format=pdf&round=2025-09-02" |
    awk '{printf "%.1f\n", $1 * 1000}'
}
download "$WORK/first.pdf" >/dev/null # the first download; the server then keeps it made
: >"$WORK/now.ms"; : >"$WORK/pause.ms"; : >"$WORK/unchanged.ms"
for i in $(seq 1 "$RUNS"); do
  save "a$i"
  download "$WORK/now.pdf" >>"$WORK/now.ms"
  save "b$i"
  sleep 1
  download "$WORK/pause.pdf" >>"$WORK/pause.ms"
  download "$WORK/same.pdf" >>"$WORK/unchanged.ms"
done
cmp -s "$WORK/pause.pdf" "$WORK/same.pdf" || { echo "an unchanged report gave other bytes" >&2; exit 1; }
cmp -s "$WORK/now.pdf" "$WORK/pause.pdf" && { echo "the PDF did not change with the entry" >&2; exit 1; }
if command -v pdftotext >/dev/null; then
  pdftotext "$WORK/pause.pdf" - | tr -s ' \n' ' ' | grep -q "måling b$RUNS" ||
    { echo "the PDF a second after the save does not have the saved text" >&2; exit 1; }
fi
NOW=$(median <"$WORK/now.ms") PAUSE=$(median <"$WORK/pause.ms") SAME=$(median <"$WORK/unchanged.ms")
echo "libreoffice docx->pdf: median $LO ms ($(tr '\n' ' ' <"$WORK/lo.ms"))"
echo "download right after a save: median $NOW ms ($(tr '\n' ' ' <"$WORK/now.ms"))"
echo "download a second after a save: median $PAUSE ms ($(tr '\n' ' ' <"$WORK/pause.ms"))"
echo "download unchanged: median $SAME ms"
echo "RSS: $(rss_mb $SERVER_PID) MB"
awk -v lo="$LO" -v now="$NOW" -v pause="$PAUSE" -v same="$SAME" 'BEGIN {
  printf "ratio libreoffice/pdf_after_change=%.1f libreoffice/pdf_a_second_after=%.1f after_change_ms=%.1f a_second_after_ms=%.1f unchanged_ms=%.1f libreoffice_ms=%.0f\n",
    lo / now, lo / pause, now, pause, same, lo }'
