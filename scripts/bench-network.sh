#!/usr/bin/env bash
# Create→Running on a project network versus `docker run` on an equivalent Docker bridge network, side by side in one
# run, and the first container of a new project (its network made on the way) separately.
# Usage: scripts/bench-network.sh [containers per series, default 20] [new projects, default 5]
# Needs the Docker engine and busybox image (scripts/bootstrap.sh); everything runs on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
n=${1:-20}
projects=${2:-5}
jar=${BENCH_JAR:-launcher/target/zunvx.jar}
[ -f "$jar" ] || mvn -B -ntp -q -DskipTests install

work=$(mktemp -d /tmp/zunvx-bench-network.XXXXXX)
pid=
net=zunvx-bench-$$
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  docker ps -aq --filter label=zunvx.bench=$$ | xargs -r docker rm -f >/dev/null 2>&1 || true
  ours=$(docker ps -aq --filter label=zunvx.host=bench-network)
  nets=$(for c in $ours; do docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$c"; done \
    | tr ' ' '\n' | grep '^zunvx-net-' | sort -u || true)
  [ -n "$ours" ] && docker rm -f $ours >/dev/null 2>&1 || true
  for x in $nets "$net"; do docker network rm "$x" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ports() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(ports)
ZUNVX_DATA_DIR="$work/data" ZUNVX_API_HOST=127.0.0.1 ZUNVX_API_PORT=$port ZUNVX_OPS_PORT=$(ports) \
  ZUNVX_WSPROXY_PORT=$(ports) ZUNVX_COMPUTE_INTERNAL_PORT=$(ports) ZUNVX_COMPUTE_HOST=bench-network \
  ZUNVX_ADMIN_PASSWORD=bench-secret java $JAVA_RUN_FLAGS -jar "$jar" all-in-one >"$work/platform.log" 2>&1 &
pid=$!
for _ in $(seq 1 900); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.5
done
# The equivalent Docker network: a user-defined bridge with its own /24, as the agent makes them.
docker network create --subnet 10.239.$((RANDOM % 200 + 20)).0/24 -o com.docker.network.bridge.name=zvbench$$ \
  "$net" >/dev/null

python3 - "$port" "$n" "$projects" "$net" "$$" <<'PY'
import json, statistics, subprocess, sys, time, urllib.request, uuid
port, n, projects, net, bench = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
api = f"http://127.0.0.1:{port}"

def call(method, path, token=None, body=None, version="1.40"):
    req = urllib.request.Request(api + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    req.add_header("OpenStack-API-Version", "container " + version)
    if token:
        req.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.headers, (json.loads(r.read() or b"null"))

def login(user, password, project):
    h, _ = call("POST", "/identity/v3/auth/tokens", body={"auth": {"identity": {"methods": ["password"],
        "password": {"user": {"name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": "default"}}}}})
    return h["X-Subject-Token"]

def run_one(token):
    start = time.monotonic()
    _, c = call("POST", "/v1/containers?run=true", token, {"image": "busybox", "command": ["sleep", "300"],
        "cpu": 0.1, "memory": "32"})
    while True:
        _, s = call("GET", "/v1/containers/" + c["uuid"], token)
        if s["status"] == "Running" and s["task_state"] is None:
            return time.monotonic() - start
        if s["status"] == "Error":
            raise SystemExit("container failed: " + str(s.get("status_reason")))
        time.sleep(0.005)

def docker_one():
    start = time.monotonic()
    subprocess.run(["docker", "run", "-d", "--network", net, "--label", "zunvx.bench=" + bench,
        "--cpus", "0.1", "--memory", "32m", "busybox", "sleep", "300"], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start

def line(name, xs):
    xs = sorted(x * 1000 for x in xs)
    q = lambda p: xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
    print(f"| {name} | {len(xs)} | {q(0.5):.1f} ms | {q(0.9):.1f} ms | {max(xs):.1f} ms | {statistics.mean(xs):.1f} ms |")

admin = login("admin", "bench-secret", "admin")
for _ in range(3):  # warm-up: the project network exists after the first
    run_one(admin); docker_one()
platform, docker = [], []
for _ in range(n):  # interleaved, so both series see the same machine
    platform.append(run_one(admin))
    docker.append(docker_one())
firsts = []
for i in range(projects):
    name = "bench-" + uuid.uuid4().hex[:8]
    _, p = call("POST", "/identity/v3/projects", admin, {"project": {"name": name}})
    _, u = call("POST", "/identity/v3/users", admin, {"user": {"name": name, "password": "pw-" + name,
        "default_project_id": p["project"]["id"]}})
    call("PUT", f"/identity/v3/projects/{p['project']['id']}/users/{u['user']['id']}/roles/member", admin)
    firsts.append(run_one(login(name, "pw-" + name, name)))
print("| series | n | p50 | p90 | max | mean |")
print("|---|---|---|---|---|---|")
line("docker run -d --network <bridge network>", docker)
line("zunvx POST run=true → Running, project network", platform)
line("zunvx first container of a new project (network made)", firsts)
PY
