#!/usr/bin/env bash
# Import speed: the report-text parser alone on the sample (divan, median; target ≤ 5 ms), and a
# spreadsheet of 10,000 measures read and saved into a fresh SQLite database (target ≤ 1 s).
# Ends with one `ratio …` line (figures against their targets: below 1 meets them).
set -euo pipefail
cd "$(dirname "$0")/.."
# divan prints "name fastest │ slowest │ median │ mean │ samples │ iters": the third │-separated
# column is the median with its unit (the script took the slowest before 2026-12-03).
parse=$(cargo bench -q -p tiltak-formats --bench parse 2>/dev/null | tee /dev/stderr | awk -F'│' '/parse_the_sample/ {print $3}')
save=$(cargo bench -q -p tiltak-db --bench import 2>/dev/null | tee /dev/stderr | awk -F'│' '/xlsx_of_10_000/ {print $3}')
to_ms() { awk -v n="$1" -v u="$2" 'BEGIN { f = (u == "s") ? 1000 : (u == "ms") ? 1 : (u == "µs") ? 0.001 : 0.000001; printf "%.3f", n * f }'; }
P=$(to_ms $parse) S=$(to_ms $save)
echo "medians: parse the sample $P ms, read and save 10,000 measures $S ms"
awk -v p="$P" -v s="$S" 'BEGIN { printf "ratio parse_ms=%s parse/target=%.2f xlsx10k_ms=%s xlsx10k/target=%.2f\n", p, p / 5, s, s / 1000 }'
