#!/usr/bin/env bash
# Client benchmarks. Usage:
#   scripts/bench-client.sh jmh [JMH args...]        # Run.log hot path, ns/call (JMH)
#   scripts/bench-client.sh throughput [points] [uri] # points/s from log to durable shards
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl client -am test-compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/client-test.cp -Dmdep.includeScope=test >/dev/null
CP="client/target/test-classes:client/target/classes:$(cat target/client-test.cp)"
what="${1:-jmh}"; shift || true
case "$what" in
  jmh) exec java -cp "$CP" org.openjdk.jmh.Main LogBenchmark "$@" ;;
  throughput) exec java -Xmx1g -cp "$CP" io.runlake.client.ThroughputBenchmark "$@" ;;
  *) echo "usage: $0 jmh|throughput" >&2; exit 2 ;;
esac
