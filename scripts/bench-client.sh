#!/usr/bin/env bash
# Client benchmarks (BENCHMARKS.md), run from the benchmarks module's shaded jar. Usage:
#   scripts/bench-client.sh jmh [JMH args...]        # Run.log hot path, ns/call (JMH LogBenchmark)
#   scripts/bench-client.sh throughput [points] [uri] # points/s from log to durable shards (ThroughputBenchmark)
#   scripts/bench-client.sh runs [runs] [file,s3] [rounds] # short runs one after the other (RunCreationBenchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl benchmarks -am package -DskipTests
JAR=benchmarks/target/runlake-benchmarks.jar
what="${1:-jmh}"; shift || true
case "$what" in
  jmh) exec java -cp "$JAR" org.openjdk.jmh.Main io.runlake.client.bench.LogBenchmark "$@" ;;
  throughput) exec java -Xmx1g -cp "$JAR" io.runlake.client.bench.ThroughputBenchmark "$@" ;;
  runs) exec java -Xmx2g -cp "$JAR" io.runlake.client.bench.RunCreationBenchmark "$@" ;;
  *) echo "usage: $0 jmh|throughput|runs" >&2; exit 2 ;;
esac
