#!/usr/bin/env bash
# Runs one of the samples in samples/src/main/java/io/runlake/samples from a fresh clone, e.g.
#   samples/run-sample.sh OnlineLearningSample [store-uri]
#   samples/run-sample.sh SweepDemo [store-uri [work-dir]]
#   samples/run-sample.sh SweepSample [store-uri [sweep-name]]
# (default store: $RUNLAKE_URI, else ./runlake-data). The samples are inside the runlake jar, which the
# ./runlake launcher builds when it is missing or stale.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
if [[ $# -lt 1 ]]; then
  echo "usage: samples/run-sample.sh OnlineLearningSample|SweepDemo|SweepSample [arguments]" >&2
  exit 2
fi
SAMPLE="$1"
shift
RUNLAKE_CDS=off "$ROOT/runlake" --version >/dev/null   # builds cli/target/runlake.jar if needed
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$ROOT/cli/target/runlake.jar" "io.runlake.samples.$SAMPLE" "$@"
