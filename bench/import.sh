#!/usr/bin/env bash
# Import speed: the report-text parser alone on the sample (divan, median; target ≤ 5 ms), a
# spreadsheet of 10,000 measures read and saved into a fresh SQLite database (target ≤ 1 s), and
# the same into a fresh PostgreSQL database (a throwaway cluster from .ci/postgres.sh; target ≤ 2×
# SQLite's time). Ends with one `ratio …` line (figures against their targets: below 1 meets them).
set -euo pipefail
cd "$(dirname "$0")/.."
# divan prints "name fastest │ slowest │ median │ mean │ samples │ iters": the third │-separated
# column is the median with its unit (the script took the slowest before 2026-12-03).
parse=$(cargo bench -q -p tiltak-formats --bench parse 2>/dev/null | tee /dev/stderr | awk -F'│' '/parse_the_sample/ {print $3}')
eval "$(.ci/postgres.sh)"
out=$(cargo bench -q -p tiltak-db --bench import 2>/dev/null | tee /dev/stderr)
save=$(echo "$out" | awk -F'│' '/xlsx_of_10_000_measures_read_and_saved/ {print $3}')
pg=$(echo "$out" | awk -F'│' '/xlsx_of_10_000_measures_into_postgres/ {print $3}')
to_ms() { awk -v n="$1" -v u="$2" 'BEGIN { f = (u == "s") ? 1000 : (u == "ms") ? 1 : (u == "µs") ? 0.001 : 0.000001; printf "%.3f", n * f }'; }
P=$(to_ms $parse) S=$(to_ms $save) G=$(to_ms $pg)
echo "medians: parse the sample $P ms, read and save 10,000 measures $S ms (SQLite), $G ms (PostgreSQL)"
awk -v p="$P" -v s="$S" -v g="$G" 'BEGIN { printf "ratio parse_ms=%s parse/target=%.2f xlsx10k_ms=%s xlsx10k/target=%.2f pg_ms=%s pg/sqlite=%.2f pg/target=%.2f\n", p, p / 5, s, s / 1000, g, g / s, g / s / 2 }'
