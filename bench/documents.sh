#!/usr/bin/env bash
# The board documents against what people would otherwise use: `tiltak export --format pdf` of the
# sample against LibreOffice turning Tiltak's own DOCX into a PDF (soffice --headless), median of 5
# runs each in the same run (hyperfine); DOCX and XLSX export times too, and each one's peak memory.
# Ends with one `ratio …` line.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need hyperfine hyperfine
need soffice libreoffice-writer-nogui
need /usr/bin/time time
build_release

WORK=$(mktemp -d /tmp/tiltak-bench-XXXX)
DB="sqlite://$WORK/tiltak.db"
"$TILTAK" --database "$DB" import samples/osloregionen-status-2025-pr-2-sept.txt --org osloregionen >/dev/null
export_cmd() { echo "$TILTAK --database $DB export --org osloregionen --year 2025 --format $1 -o $WORK/status.$1"; }
eval "$(export_cmd docx)"
PROFILE="file://$WORK/lo-profile"
SOFFICE="soffice -env:UserInstallation=$PROFILE --headless --norestore --convert-to pdf --outdir $WORK/lo $WORK/status.docx"
$SOFFICE >/dev/null 2>&1 # the first start makes LibreOffice's profile; not timed

hyperfine --runs 5 --warmup 1 --export-json "$WORK/times.json" -N \
  -n "tiltak pdf" "$(export_cmd pdf)" \
  -n "libreoffice docx->pdf" "$SOFFICE" \
  -n "tiltak docx" "$(export_cmd docx)" \
  -n "tiltak xlsx" "$(export_cmd xlsx)"

median_of() { python3 -c "import json,sys; r=[x for x in json.load(open('$WORK/times.json'))['results'] if x['command']==sys.argv[1]][0]; print(r['median'])" "$1"; }
peak_kb() { /usr/bin/time -f %M sh -c "$1 >/dev/null 2>&1" 2>&1 | tail -1; }
PDF=$(median_of "tiltak pdf") LO=$(median_of "libreoffice docx->pdf")
DOCX=$(median_of "tiltak docx") XLSX=$(median_of "tiltak xlsx")
echo "peak memory: tiltak pdf $(peak_kb "$(export_cmd pdf)") KB, libreoffice $(peak_kb "$SOFFICE") KB," \
  "tiltak docx $(peak_kb "$(export_cmd docx)") KB, tiltak xlsx $(peak_kb "$(export_cmd xlsx)") KB"
python3 -c "
pdf, lo, docx, xlsx = $PDF, $LO, $DOCX, $XLSX
print(f'medians: tiltak pdf {pdf*1000:.0f} ms, libreoffice {lo*1000:.0f} ms, tiltak docx {docx*1000:.0f} ms, tiltak xlsx {xlsx*1000:.0f} ms')
print(f'ratio libreoffice/tiltak_pdf={lo/pdf:.1f} pdf_ms={pdf*1000:.0f} docx_ms={docx*1000:.0f} xlsx_ms={xlsx*1000:.0f}')"
