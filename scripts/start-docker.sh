#!/usr/bin/env bash
# Starts a Docker engine suited to these machines (no default bridge, no iptables, vfs storage) unless one answers.
set -euo pipefail
if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "Docker engine already running"
  exit 0
fi
mkdir -p /var/lib/docker /var/log
nohup dockerd --storage-driver=vfs --bridge=none --iptables=false >/var/log/zunvx-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    echo "Docker engine $(docker version --format '{{.Server.Version}}') started"
    exit 0
  fi
  sleep 0.5
done
echo "Docker engine did not start; see /var/log/zunvx-dockerd.log" >&2
tail -20 /var/log/zunvx-dockerd.log >&2 || true
exit 1
