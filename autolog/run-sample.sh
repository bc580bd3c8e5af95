#!/usr/bin/env bash
# Trains the Deeplearning4j auto-logging sample. Usage: autolog/run-sample.sh [store-uri] [epochs]
# (default store: $RUNLAKE_URI, else ./runlake-data; default 30 epochs). Works from a fresh clone: the
# modules it needs are packaged in one Maven run (the test-jars the reactor resolves included), nothing is
# installed into ~/.m2.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
mkdir -p autolog/target
mvn=(mvn -B -q -Dstyle.color=never -DskipTests -pl autolog -am package dependency:build-classpath
     -Dmdep.outputFile="$PWD/autolog/target/autolog.cp" -Dmdep.includeScope=runtime)
if command -v flock >/dev/null 2>&1; then
  mvn=(flock "${RUNLAKE_BUILD_LOCK:-/tmp/runlake-mvn.lock}" "${mvn[@]}")
fi
echo "autolog: building (${mvn[*]}) ..." >&2
if ! "${mvn[@]}" >&2; then
  echo "autolog: build failed; the Maven output above says why" >&2
  exit 1
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"  # tiny network: OpenMP threads only add overhead
exec java -cp "autolog/target/classes:$(cat autolog/target/autolog.cp)" io.runlake.autolog.samples.Dl4jAutologSample "$@"
