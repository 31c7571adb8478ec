#!/usr/bin/env bash
# Authenticated reads through the platform versus Docker Engine's own API on the same engine, side by side:
# GET /v1/containers/{uuid} against GET /containers/{id}/json, and GET /v1/containers?limit=20 against
# GET /containers/json?limit=20 (Docker's API reached over TCP through a loopback socat, as an HTTP client would).
# Each pair runs interleaved, ROUNDS times, wrk -t2 -c8 for SECONDS each.
# Usage: scripts/bench-reads.sh API_URL TOKEN [ROUNDS] [SECONDS]
#   API_URL: a running platform's API, e.g. http://127.0.0.1:9517 (127.0.0.1 only); TOKEN: an admin's token.
# Prints one line per row: "ROW|name|platform req/s|docker req/s|ratio|platform p50 ms|platform p99 ms|n", and a
# REF line of the same form comparing the show with the same process's unauthenticated `GET /`.
# Creates 20 containers (busybox sleep, network of the platform) and deletes them again, whatever happens.
set -euo pipefail
api=${1:?usage: bench-reads.sh API_URL TOKEN [ROUNDS] [SECONDS]}
token=${2:?usage: bench-reads.sh API_URL TOKEN [ROUNDS] [SECONDS]}
rounds=${3:-3}
secs=${4:-10}
case "$api" in http://127.0.0.1:*) ;; *) echo "bench-reads: the API must be on 127.0.0.1, not $api" >&2; exit 2 ;; esac
for tool in wrk socat curl python3; do
  command -v "$tool" >/dev/null || { echo "bench-reads: $tool is missing (apt-get install wrk socat curl)" >&2; exit 2; }
done
hdr=(-H "X-Auth-Token: $token" -H "OpenStack-API-Version: container 1.40")
work=$(mktemp -d)
created=()
socat_pid=
cleanup() {
  [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null || true
  for u in "${created[@]}"; do
    # force needs microversion 1.7 or later: without the header the API answers 400 and deletes nothing.
    curl -s --max-time 30 -o /dev/null -X DELETE "${hdr[@]}" "$api/v1/containers/$u?force=true" || true
  done
  # The platform deletes asynchronously: wait (a minute at most, for all of them), then remove what is left.
  local deadline=$((SECONDS + 60)) u left
  for u in "${created[@]}"; do
    while [ -n "$(docker ps -aq --filter "label=zunvx.uuid=$u")" ] && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.2
    done
    left=$(docker ps -aq --filter "label=zunvx.uuid=$u")
    [ -n "$left" ] && docker rm -f $left >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
for i in $(seq 1 20); do
  body=$(curl -sf --max-time 60 "${hdr[@]}" -H 'Content-Type: application/json' -X POST "$api/v1/containers?run=true" \
    -d "{\"image\":\"busybox\",\"command\":[\"sleep\",\"3600\"],\"cpu\":0.1,\"memory\":32,\"name\":\"bench-reads-$i\"}") \
    || { echo "bench-reads: creating a container failed" >&2; exit 1; }
  created+=("$(python3 -c 'import json,sys;print(json.load(sys.stdin)["uuid"])' <<<"$body")")
done
uuid=${created[0]}
docker_id=
for _ in $(seq 1 600); do
  status=$(curl -sf --max-time 30 "${hdr[@]}" "$api/v1/containers/$uuid" | python3 -c 'import json,sys;print(json.load(sys.stdin)["status"])') \
    || status=""
  [ "$status" = Running ] && docker_id=$(docker ps -q --filter "label=zunvx.uuid=$uuid") && [ -n "$docker_id" ] && break
  sleep 0.2
done
[ -n "$docker_id" ] || { echo "bench-reads: container $uuid did not reach Running" >&2; exit 1; }
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" UNIX-CONNECT:/var/run/docker.sock &
socat_pid=$!
for _ in $(seq 1 50); do curl -sf --max-time 5 "http://127.0.0.1:$port/_ping" >/dev/null && break; sleep 0.1; done
docker=http://127.0.0.1:$port

# wrk's summary as "req/s p50_ms p99_ms requests non2xx"
measure() {
  timeout $((secs + 30)) wrk -t2 -c8 -d"${secs}s" --latency "$@" > "$work/out" 2>&1 || { cat "$work/out" >&2; return 1; }
  python3 - "$work/out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    n, u = re.match(r'([\d.]+)(us|ms|s)', v).groups()
    return float(n) * {'us': 0.001, 'ms': 1, 's': 1000}[u]
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', t).group(1))
p50 = ms(re.search(r'^\s+50%\s+(\S+)', t, re.M).group(1))
p99 = ms(re.search(r'^\s+99%\s+(\S+)', t, re.M).group(1))
n = int(re.search(r'(\d+) requests in', t).group(1))
bad = re.search(r'Non-2xx or 3xx responses: (\d+)', t)
print(rps, p50, p99, n, bad.group(1) if bad else 0)
PY
}

# row KIND NAME OURS THEIRS: KIND is ROW (a target row) or REF (a reference without a target)
row() {
  local kind=$1 name=$2 ours=$3 theirs=$4
  # warm-up of both, then interleaved rounds
  measure "${hdr[@]}" "$ours" >/dev/null; measure "$theirs" >/dev/null
  local all_ours="" all_theirs=""
  for _ in $(seq 1 "$rounds"); do
    all_ours+="$(measure "${hdr[@]}" "$ours");"
    all_theirs+="$(measure "$theirs");"
  done
  python3 - "$kind" "$name" "$all_ours" "$all_theirs" <<'PY'
import sys, statistics
kind, name, ours, theirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
parse = lambda s: [list(map(float, x.split())) for x in s.split(';') if x.strip()]
o, t = parse(ours), parse(theirs)
bad = sum(r[4] for r in o) + sum(r[4] for r in t)
if bad:
    sys.exit(f"bench-reads: {int(bad)} responses were not 2xx in {name}")
ro = statistics.median(r[0] for r in o); rt = statistics.median(r[0] for r in t)
p50 = statistics.median(r[1] for r in o); p99 = statistics.median(r[2] for r in o)
n = int(sum(r[3] for r in o))
print(f"{kind}|{name}|{ro:.0f}|{rt:.0f}|{ro / rt:.2f}|{p50:.2f}|{p99:.2f}|{n}")
PY
}
row ROW "authenticated show vs Docker inspect" "$api/v1/containers/$uuid" "$docker/containers/$docker_id/json"
row ROW "authenticated list of 20 vs Docker list" "$api/v1/containers?limit=20" "$docker/containers/json?limit=20"
# What the same process serves without a token or a query: the ceiling of its HTTP layer on this machine.
row REF "authenticated show vs \`GET /\` of the same process (no token, no query)" "$api/v1/containers/$uuid" "$api/"
