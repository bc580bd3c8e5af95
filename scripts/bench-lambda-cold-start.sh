#!/usr/bin/env bash
# Cold start of the shard-event Lambda handler (BENCHMARKS.md, "Delta lake tables (issue 11)"): a fresh JVM per
# run deserializes one real S3 ObjectCreated event, constructs ShardEventHandler over a local file: store that
# holds one small run, and handles the event (compaction + runs index). Several jars are measured in turns,
# so that load from other processes hits them alike. Usage:
#   scripts/bench-lambda-cold-start.sh RUNS FUNCTIONS_LAMBDA_JAR...
# Needs benchmarks/target/runlake-benchmarks.jar (its client writes the run) and the Lambda serializer in ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=$1
shift
SER=$(ls ~/.m2/repository/com/amazonaws/aws-lambda-java-serialization/*/aws-lambda-java-serialization-*.jar | tail -1)
BENCH=benchmarks/target/runlake-benchmarks.jar
W=$(mktemp -d /tmp/runlake-coldstart.XXXXXX)
trap 'rm -rf "$W"' EXIT

JARS=()
for j in "$@"; do
  JARS+=("$(realpath "$j")")
  n=${#JARS[@]}
  javac -nowarn -d "$W/driver$n" -cp "${JARS[-1]}:$SER" benchmarks/coldstart/ColdStart.java
  echo "jar $n: ${JARS[-1]} ($(stat -c %s "${JARS[-1]}") bytes, $(unzip -l "${JARS[-1]}" | tail -1 | awk '{print $1}') bytes unzipped)"
done
javac -nowarn -d "$W/onerun" -cp "$BENCH" benchmarks/coldstart/OneRun.java
java -cp "$W/onerun:$BENCH" OneRun "$W/template" 2>/dev/null
SHARD=$(cd "$W/template" && find runs -name '*.parquet' | head -1)
python3 - "$SHARD" "$W/event.json" <<'PY'
import sys, urllib.parse
key, out = sys.argv[1], sys.argv[2]
record = open("functions/src/test/resources/events/s3-put-record.json").read()
record = record.replace("${bucket}", "local-bucket").replace("${key}", urllib.parse.quote_plus(key, safe="/"))
open(out, "w").write('{"Records": [\n' + record + '\n]}')
PY
echo "event key $SHARD"
for i in $(seq "$RUNS"); do
  for n in $(seq ${#JARS[@]}); do
    rm -rf "$W/store" "$W/work"
    cp -r "$W/template" "$W/store"
    t0=$(date +%s%N)
    out=$(RUNLAKE_URI="file://$W/store" RUNLAKE_WORK_DIR="$W/work" RUNLAKE_DUCKDB_MEMORY=768MB \
      JAVA_TOOL_OPTIONS=--add-opens=java.base/java.nio=ALL-UNNAMED \
      java -cp "$W/driver$n:${JARS[n-1]}:$SER" ColdStart "$W/event.json" 2>"$W/stderr") || { cat "$W/stderr"; exit 1; }
    t1=$(date +%s%N)
    echo "run $i jar $n: process_ms=$(( (t1 - t0) / 1000000 )) $out"
  done
done
