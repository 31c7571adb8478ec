#!/usr/bin/env bash
# The test command: every unit and integration test against a real Docker engine, embedded PostgreSQL and Kafka.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
. scripts/env.sh
exec mvn -B -ntp verify "$@"
