#!/usr/bin/env bash
# Builds (if needed) and runs the all-in-one platform: API on 9517, data under ${ZUNVX_DATA_DIR:-~/.zunvx}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
. scripts/env.sh
jar=launcher/target/zunvx.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./launcher/target -prune -o -newer "$jar" -name '*.java' -print -quit)" ]; then
  mvn -B -ntp -q -DskipTests install
fi
exec java $JAVA_RUN_FLAGS -jar "$jar" "${@:-all-in-one}"
