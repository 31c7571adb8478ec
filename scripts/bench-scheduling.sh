#!/usr/bin/env bash
# The scheduling path (snapshot placement + claim transaction in PostgreSQL) with 1,000 and 10,000 simulated hosts.
# Usage: scripts/bench-scheduling.sh [requests] [in-flight]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mvn -B -ntp -q -DskipTests install
mvn -B -ntp -q -pl scheduler-verticle test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
exec java $JAVA_RUN_FLAGS \
  -cp "scheduler-verticle/target/test-classes:scheduler-verticle/target/classes:$(cat scheduler-verticle/target/bench.cp)" \
  io.zunvx.scheduler.claim.SchedulingPathBench "$@"
