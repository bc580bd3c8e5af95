#!/usr/bin/env bash
# Computes SparkCheck's numbers with ./runlake sql (RunLake's own reader) and with Spark (run.sh), and diffs them.
#   scripts/spark-check/compare.sh STORE_DIR [METRIC]     exit 0: the same numbers; 1: they differ (diff shown)
# Run ./runlake compact on the store first: Spark sees committed points only, RunLake also uncommitted shards.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
RUNLAKE="$HERE/../../runlake"
[[ $# -ge 1 ]] || { echo "usage: $0 STORE_DIR [METRIC]" >&2; exit 2; }
STORE="$(readlink -f "$1")"
METRIC="${2:-val/accuracy}"
OUT="$(mktemp -d)"

sql() { "$RUNLAKE" sql --uri "$STORE" --format csv "$1" | tail -n +2; }
FINITE="isfinite(value)"
USER_KEY="not starts_with(key, 'runlake/')"
{
  sql "select experiment, count(*), count(distinct (run_id, worker, key, step)),
         printf('%.11e', sum(value) filter (where $FINITE)), count(*) filter (where $USER_KEY),
         printf('%.11e', sum(value) filter (where $FINITE and $USER_KEY))
       from points group by experiment order by experiment"
  sql "select experiment, count(*) from runs group by experiment order by experiment"
  # RunLake's runs view reports a RUNNING run as CRASHED once it is stale; the Delta table holds it as indexed.
  sql "select experiment, rank, run_id, status, printf('%.11e', last_value) from (
         select s.experiment, s.run_id, r.status, s.last_value,
                row_number() over (partition by s.experiment order by s.last_value desc, s.run_id) as rank
         from metric_summary s join runs r using (experiment, run_id)
         where s.key = '${METRIC//\'/\'\'}' and r.status <> 'FAILED' and not isnan(s.last_value))
       where rank <= 3 order by experiment, rank"
} > "$OUT/runlake.csv"

"$HERE/run.sh" "$STORE" "$METRIC" 2> "$OUT/spark.log" | tee "$OUT/spark.out" | grep '^#' || true
grep -v '^[#=]' "$OUT/spark.out" | grep -v '^spark ' > "$OUT/spark.csv"

if diff "$OUT/runlake.csv" "$OUT/spark.csv"; then
  echo "same numbers from ./runlake sql and Spark ($(wc -l < "$OUT/spark.csv") lines; $OUT)"
else
  echo "DIFFERENT (< ./runlake sql, > Spark; $OUT)" >&2
  exit 1
fi
