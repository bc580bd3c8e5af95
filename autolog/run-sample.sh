#!/usr/bin/env bash
# Trains the Deeplearning4j auto-logging sample. Usage: autolog/run-sample.sh [store-uri] [epochs]
# (default store: $RUNLAKE_URI, else ./runlake-data; default 30 epochs)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p autolog/target
flock /tmp/runlake-mvn.lock mvn -B -q -pl autolog -am compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/autolog/target/autolog.cp" -Dmdep.includeScope=runtime >/dev/null
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"  # tiny network: OpenMP threads only add overhead
exec java -cp "autolog/target/classes:$(cat autolog/target/autolog.cp)" io.runlake.autolog.samples.Dl4jAutologSample "$@"
