#!/usr/bin/env bash
# Placement throughput, latency and quality of the pure filter scheduler, sampled and by full scan, over 1,000,
# 10,000 and 100,000 synthetic hosts.
# Usage: scripts/bench-placement.sh [placements-per-round] [rounds] [hosts,...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mvn -B -ntp -q -DskipTests install
mvn -B -ntp -q -pl scheduler-verticle test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
exec java -cp "scheduler-verticle/target/test-classes:scheduler-verticle/target/classes:$(cat scheduler-verticle/target/bench.cp)" \
  io.zunvx.scheduler.placement.PlacementBench "$@"
