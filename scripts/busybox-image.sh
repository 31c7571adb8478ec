#!/usr/bin/env bash
# Builds the busybox:latest image from Debian's busybox-static, with no registry: a root file system holding the
# static binary, one symlink per applet, /etc/passwd and /etc/group, imported with `docker import`.
# Usage: busybox-image.sh [TAG [CMD-JSON]]; the capsule sandbox image is this one with CMD ["sleep", "2147483647"].
set -euo pipefail
DOCKER_HOST_ARG=${DOCKER_HOST:+-H "$DOCKER_HOST"}
tag=${1:-busybox:latest}
cmd=${2:-'["sh"]'}
bin=/bin/busybox
[ -x "$bin" ] || { echo "busybox-static is not installed ($bin missing)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/proc" "$root/sys" "$root/dev"
chmod 1777 "$root/tmp"
cp "$bin" "$root/bin/busybox"
for applet in $("$bin" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
tar -C "$root" -c . | docker $DOCKER_HOST_ARG import -c 'ENV PATH=/bin' -c "CMD $cmd" - "$tag" >/dev/null
echo "built $tag"
