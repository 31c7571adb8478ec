#!/usr/bin/env bash
# Head-of-line blocking, measured: the throughput of a mixed workload (several clients creating with run, executing
# and deleting, while one client keeps stopping SIGTERM-ignoring containers with a stop timeout) with the compute
# agent's consumer as it is (up to 1000 commands in flight, per-container order) and holding one command at a time
# (ZUNVX_COMPUTE_MAX_IN_FLIGHT=1), side by side. Each run starts its own all-in-one on 127.0.0.1 with free ports and a
# data directory of its own, removes the containers it made, and is bounded (the window plus at most a few minutes of
# start and clean-up; `timeout` stops a run that exceeds 15 minutes).
# Usage: scripts/bench-hol.sh [seconds=60] [clients=3] [stop-timeout=10]
#   (needs the Docker engine and the busybox image: scripts/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
seconds="${1:-60}"
clients="${2:-3}"
stop_timeout="${3:-10}"
cp_file="$PWD/target/bench-hol.cp"
mkdir -p target
# The reactor supplies the sibling modules (nothing is installed into the local repository).
mvn -B -ntp -q -pl launcher -am test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file"
classpath="launcher/target/test-classes:launcher/target/classes:$(cat "$cp_file")"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for in_flight in 1000 1; do
  timeout 900 java $JAVA_RUN_FLAGS -cp "$classpath" io.zunvx.launcher.bench.HeadOfLineBench \
    "$in_flight" "$seconds" "$clients" "$stop_timeout"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
