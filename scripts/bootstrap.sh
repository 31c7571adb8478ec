#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root) for building, testing and running Zun-VX: packages, a Docker engine, the
# locally built busybox image. Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
packages=(docker.io busybox-static maven python3-zunclient python3-openstackclient python3-glanceclient docker-registry
  apache2-utils kcat tmux curl chromium)
# Node.js and npm may come with the machine (another packaging of them would conflict): Debian's only where missing.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The console's browser test (launcher ConsoleBrowserIT): playwright-core from the npm registry, pinned by the lock file.
[ -d "$here/../console-test/node_modules/playwright-core" ] || (cd "$here/../console-test" && npm ci --no-audit --no-fund >/dev/null)
"$here/start-docker.sh"
docker image inspect busybox:latest >/dev/null 2>&1 || "$here/busybox-image.sh" busybox:latest
# The default capsule sandbox (ZUNVX_CAPSULE_SANDBOX_IMAGE): busybox that sleeps, holding the namespaces.
docker image inspect zunvx-sandbox:latest >/dev/null 2>&1 || "$here/busybox-image.sh" zunvx-sandbox:latest '["sleep", "2147483647"]'
# Offline stand-ins for the images zun-tempest-plugin runs (cirros, nginx, ubuntu).
"$here/tempest-images.sh"
