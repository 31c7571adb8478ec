#!/usr/bin/env bash
# Create-to-Running through the platform versus Docker's create+start on the same engine.
# Usage: scripts/bench-create.sh [N] [network] [samples-file]   (network: none by default; needs the Docker engine and busybox image: scripts/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mvn -B -ntp -q -DskipTests install
mvn -B -ntp -q -pl launcher test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
exec java $JAVA_RUN_FLAGS \
  -cp "launcher/target/test-classes:launcher/target/classes:$(cat launcher/target/bench.cp)" \
  io.zunvx.launcher.bench.CreateToRunningBench "${1:-40}" "${@:2}"
