#!/usr/bin/env bash
# Keystroke round trip (one byte to cat in a tty container, until its echo) through the WebSocket proxy versus a direct docker-java attach.
# Usage: scripts/bench-keystroke.sh [N]   (needs the Docker engine and busybox image: scripts/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mvn -B -ntp -q -DskipTests install
mvn -B -ntp -q -pl launcher test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
exec java $JAVA_RUN_FLAGS \
  -cp "launcher/target/test-classes:launcher/target/classes:$(cat launcher/target/bench.cp)" \
  io.zunvx.launcher.bench.KeystrokeBench "${1:-500}"
