#!/usr/bin/env bash
# Reads a RunLake store's Delta tables (STORE_DIR/lake/metrics, STORE_DIR/lake/runs) with Apache Spark 4.0.1 and
# delta-spark 4.0.0 at their default settings and prints per-experiment numbers to compare with ./runlake sql.
#   scripts/spark-check/run.sh STORE_DIR [METRIC]        (METRIC: the leaderboard metric, default val/accuracy)
# The first build downloads Spark from Maven Central (~400 MB); set SPARK_CHECK_OFFLINE=1 to build with -o.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
[[ $# -ge 1 ]] || { echo "usage: $0 STORE_DIR [METRIC]" >&2; exit 2; }
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

mvn=(mvn -B -q -Dstyle.color=never ${SPARK_CHECK_OFFLINE:+-o} -f "$HERE/pom.xml" compile)
if command -v flock >/dev/null 2>&1; then
  mvn=(flock "${RUNLAKE_BUILD_LOCK:-/tmp/runlake-mvn.lock}" "${mvn[@]}")
fi
# Builds only when something changed (the lock may be held by another build for a while).
if [[ ! -f "$HERE/target/classpath.txt" ]] \
    || [[ -n "$(find "$HERE/pom.xml" "$HERE/src" -newer "$HERE/target/classpath.txt" -type f -print -quit)" ]]; then
  "${mvn[@]}" >&2
  touch "$HERE/target/classpath.txt"
fi

# The module openings Spark needs on Java 17 (as Spark's own launcher passes them, JavaModuleOptions).
OPENS=()
for pkg in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  OPENS+=("--add-opens=java.base/$pkg=ALL-UNNAMED")
done

exec "$JAVA" -XX:+IgnoreUnrecognizedVMOptions "${OPENS[@]}" \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -cp "$HERE/target/classes:$(cat "$HERE/target/classpath.txt")" \
  io.runlake.sparkcheck.SparkCheck "$@"
