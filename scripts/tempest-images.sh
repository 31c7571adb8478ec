#!/usr/bin/env bash
# Builds the two offline stand-ins zun-tempest-plugin runs, from the local busybox:latest image (nothing pulled):
#   cirros:latest  busybox whose default command runs until stopped, as cirros' init does (capsules of the plugin
#                  give it no command)
#   nginx:latest   busybox httpd serving /www/index.html on port 80 in the foreground
set -euo pipefail
DOCKER_HOST_ARG=${DOCKER_HOST:+-H "$DOCKER_HOST"}
d() { docker $DOCKER_HOST_ARG "$@"; }
d image inspect busybox:latest >/dev/null 2>&1 || "$(dirname "$0")/busybox-image.sh" busybox:latest
if ! d image inspect cirros:latest >/dev/null 2>&1; then
  "$(dirname "$0")/busybox-image.sh" cirros:latest '["sleep", "2147483647"]'
  echo "built cirros:latest"
fi
if ! d image inspect nginx:latest >/dev/null 2>&1; then
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  mkdir -p "$ctx/www"
  printf '<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n<h1>Welcome to nginx!</h1>\n<p>busybox httpd standing in for nginx.</p>\n' \
    > "$ctx/www/index.html"
  printf 'FROM busybox:latest\nCOPY www /www\nEXPOSE 80\nCMD ["httpd", "-f", "-p", "80", "-h", "/www"]\n' > "$ctx/Dockerfile"
  d build -q -t nginx:latest "$ctx" >/dev/null 2>&1 || d build -t nginx:latest "$ctx"
  echo "built nginx:latest"
fi
