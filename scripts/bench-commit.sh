#!/usr/bin/env bash
# What durable commits cost on the embedded PostgreSQL: synchronous_commit off versus on.
# Usage: scripts/bench-commit.sh [commits-per-run]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mvn -B -ntp -q -DskipTests -pl platform -am install
mvn -B -ntp -q -pl platform test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
exec java $JAVA_RUN_FLAGS \
  -cp "platform/target/test-classes:platform/target/classes:$(cat platform/target/bench.cp)" \
  io.zunvx.platform.db.CommitCostBench "${1:-2000}"
