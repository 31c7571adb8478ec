#!/usr/bin/env bash
# Streams a docker-save archive larger than the platform's whole heap into the image store of an all-in-one, then
# downloads it again: throughput both ways, the digest round trip, and the process's peak memory (VmHWM).
# Usage: scripts/bench-upload.sh [archive MiB, default 1024] [heap, default 384m] [backend file|postgres, default file]
# Needs the Docker engine and busybox image (scripts/bootstrap.sh); everything runs on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mib=${1:-1024}
heap=${2:-384m}
backend=${3:-file}
jar=launcher/target/zunvx.jar
[ -f "$jar" ] || mvn -B -ntp -q -DskipTests install

work=$(mktemp -d /tmp/zunvx-bench-upload.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  docker rmi -f zunvx-bench/upload:latest >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# An image of busybox plus one file of random bytes (random: nothing compresses it away).
cid=$(docker create --network none busybox:latest sh -c "head -c ${mib}m /dev/urandom > /blob")
docker start -a "$cid" >/dev/null
docker commit "$cid" zunvx-bench/upload:latest >/dev/null
docker rm "$cid" >/dev/null
docker save zunvx-bench/upload:latest > "$work/image.tar"
docker rmi zunvx-bench/upload:latest >/dev/null
size=$(stat -c %s "$work/image.tar")
sha=$(sha256sum "$work/image.tar" | cut -d' ' -f1)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ports() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ZUNVX_DATA_DIR="$work/data" ZUNVX_API_HOST=127.0.0.1 ZUNVX_API_PORT=$port ZUNVX_OPS_PORT=$(ports) \
  ZUNVX_WSPROXY_PORT=$(ports) ZUNVX_COMPUTE_INTERNAL_PORT=$(ports) ZUNVX_COMPUTE_NETWORK=none \
  ZUNVX_COMPUTE_HOST=bench-upload ZUNVX_ADMIN_PASSWORD=bench-secret ZUNVX_IMAGE_STORE_BACKEND=$backend \
  java -Xmx"$heap" $JAVA_RUN_FLAGS -jar "$jar" all-in-one >"$work/platform.log" 2>&1 &
pid=$!
api=http://127.0.0.1:$port
for _ in $(seq 1 240); do
  curl -sf -o /dev/null "$api/image" && break
  sleep 0.5
done
token=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' "$api/identity/v3/auth/tokens" -d '{"auth":
  {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"},
  "password": "bench-secret"}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}' \
  | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
id=$(curl -sf -H "X-Auth-Token: $token" -H 'Content-Type: application/json' "$api/image/v2/images" \
  -d '{"name": "bench-upload", "container_format": "docker", "disk_format": "raw"}' | python3 -c \
  'import json,sys; print(json.load(sys.stdin)["id"])')

up=$(curl -sf -o /dev/null -w '%{time_total}' -X PUT -H "X-Auth-Token: $token" \
  -H 'Content-Type: application/octet-stream' -T "$work/image.tar" "$api/image/v2/images/$id/file")
status=$(curl -sf -H "X-Auth-Token: $token" "$api/image/v2/images/$id" | python3 -c \
  'import json,sys; i=json.load(sys.stdin); print(i["status"], i["size"], i["os_hash_value"])')
down=$(curl -sf -o "$work/back.tar" -w '%{time_total}' -H "X-Auth-Token: $token" "$api/image/v2/images/$id/file")
back=$(sha256sum "$work/back.tar" | cut -d' ' -f1)
hwm=$(sed -n "s/^VmHWM:[[:space:]]*//p" "/proc/$pid/status")

python3 - "$size" "$up" "$down" <<EOF
import sys
size, up, down = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"archive        {size / 2**20:.0f} MiB, store backend $backend, heap -Xmx$heap")
print(f"upload         {up:.2f} s  ({size / 2**20 / up:.0f} MiB/s, digest and archive checked)")
print(f"download       {down:.2f} s  ({size / 2**20 / down:.0f} MiB/s)")
EOF
echo "stored         $status"
echo "round trip     $([ "$back" = "$sha" ] && echo "same sha256" || echo "DIFFERENT sha256")"
echo "peak RSS       $hwm (the whole platform process, embedded Kafka included)"
