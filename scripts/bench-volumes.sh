#!/usr/bin/env bash
# Create-to-Running with a new sized volume, with an existing volume, and without volumes, in one run.
# Usage: scripts/bench-volumes.sh [N]   (needs the Docker engine and busybox image: scripts/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mvn -B -ntp -q -DskipTests install
mvn -B -ntp -q -pl launcher test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
exec java $JAVA_RUN_FLAGS \
  -cp "launcher/target/test-classes:launcher/target/classes:$(cat launcher/target/bench.cp)" \
  io.zunvx.launcher.bench.VolumeCreateBench "${1:-20}"
