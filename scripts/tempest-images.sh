#!/usr/bin/env bash
# Builds the offline stand-ins zun-tempest-plugin runs, from the local busybox:latest image (nothing pulled). None of
# them is the real image; each runs the commands the plugin gives it:
#   cirros:latest  busybox whose default command runs until stopped, as cirros' init does (capsules of the plugin
#                  give it no command), with /bin/curl: a script running busybox `wget -q -O -` (the plugin fetches a
#                  page with `curl <address>`; plain GETs only)
#   nginx:latest   busybox httpd serving /usr/share/nginx/html (nginx's document root, where the plugin mounts a
#                  volume) on port 80 in the foreground; its index.html carries nginx's welcome sentence, which the
#                  plugin looks for
#   ubuntu:latest  busybox with /bin/bash: a script running busybox `sh` (the plugin runs `/bin/bash` with stdin
#                  open); no apt, no GNU tools
# An image is rebuilt when its zunvx.standin label is not this script's STANDIN_VERSION.
set -euo pipefail
STANDIN_VERSION=3
DOCKER_HOST_ARG=${DOCKER_HOST:+-H "$DOCKER_HOST"}
d() { docker $DOCKER_HOST_ARG "$@"; }
current() { [ "$(d image inspect -f '{{index .Config.Labels "zunvx.standin"}}' "$1" 2>/dev/null)" = "$STANDIN_VERSION" ]; }
d image inspect busybox:latest >/dev/null 2>&1 || "$(dirname "$0")/busybox-image.sh" busybox:latest
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
# build TAG: builds $ctx/TAG (a folder holding a Dockerfile) with the version label.
build() {
  printf 'LABEL zunvx.standin="%s"\n' "$STANDIN_VERSION" >> "$ctx/$1/Dockerfile"
  d build -q -t "$1:latest" "$ctx/$1" >/dev/null 2>&1 || d build -t "$1:latest" "$ctx/$1"
  echo "built $1:latest"
}
if ! current cirros:latest; then
  mkdir -p "$ctx/cirros"
  printf '#!/bin/sh\nexec wget -q -O - "$@"\n' > "$ctx/cirros/curl"
  chmod 755 "$ctx/cirros/curl"
  printf 'FROM busybox:latest\nCOPY curl /bin/curl\nCMD ["sleep", "2147483647"]\n' > "$ctx/cirros/Dockerfile"
  build cirros
fi
if ! current nginx:latest; then
  mkdir -p "$ctx/nginx/html"
  printf '<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and working.</p>\n<p>(busybox httpd standing in for nginx.)</p>\n' \
    > "$ctx/nginx/html/index.html"
  printf 'FROM busybox:latest\nCOPY html /usr/share/nginx/html\nEXPOSE 80\nCMD ["httpd", "-f", "-p", "80", "-h", "/usr/share/nginx/html"]\n' \
    > "$ctx/nginx/Dockerfile"
  build nginx
fi
if ! current ubuntu:latest; then
  mkdir -p "$ctx/ubuntu"
  printf '#!/bin/sh\nexec sh "$@"\n' > "$ctx/ubuntu/bash"
  chmod 755 "$ctx/ubuntu/bash"
  printf 'FROM busybox:latest\nCOPY bash /bin/bash\nCMD ["/bin/bash"]\n' > "$ctx/ubuntu/Dockerfile"
  build ubuntu
fi
