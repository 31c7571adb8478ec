#!/usr/bin/env bash
# Runs zun-tempest-plugin's API tests against a running Zun-VX all-in-one, with Debian's python3-tempest.
#
#   ZUNVX_ADMIN_PASSWORD=secret scripts/run.sh &              # the all-in-one, admin password chosen
#   ZUNVX_ADMIN_PASSWORD=secret scripts/tempest.sh /path/to/zun-tempest-plugin
#
# The plugin is not part of this repository and is not downloaded here: pass a checkout of
# https://opendev.org/openstack/zun-tempest-plugin as the first argument or as ZUN_TEMPEST_PLUGIN. It is copied into
# the work folder, where the upstream skips of the capsule tests are removed; the checkout itself is left alone.
#
# Two runs, each with dynamic credentials (a project and user made per test class through the identity service):
#   1.40  TestContainer, TestService, TestCapsule (capsule skips removed)
#   1.12  TestContainerLegacy
# Neutron, Cinder and Glance are enabled and reached through the catalog (/network/v2.0, /volume/v3, /image/v2).
# The images the plugin runs are local stand-ins (scripts/tempest-images.sh): cirros = busybox with a wget-based curl,
# nginx = busybox httpd, ubuntu = busybox with /bin/bash running sh.
#
# Environment: ZUNVX_URL (default http://127.0.0.1:9517), ZUNVX_ADMIN_PASSWORD (required), ZUNVX_ADMIN_USER (admin),
# ZUNVX_ADMIN_PROJECT (admin), TEMPEST_WORKDIR (default /tmp/zunvx-tempest, recreated), TEMPEST_FILTER (an extra
# regex narrowing both runs), TEMPEST_RUNS ("140 112", the runs to do). Results: $TEMPEST_WORKDIR/results.txt
# (test id, result, one per line) and the full logs beside it. Exits non-zero when a test failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plugin=${1:-${ZUN_TEMPEST_PLUGIN:-}}
if [ -z "$plugin" ] || [ ! -d "$plugin/zun_tempest_plugin" ]; then
  echo "usage: scripts/tempest.sh <zun-tempest-plugin checkout>   (or ZUN_TEMPEST_PLUGIN=<checkout>)" >&2
  echo "The plugin is not fetched by this script; check it out beside the project first." >&2
  exit 2
fi
plugin=$(cd "$plugin" && pwd)
url=${ZUNVX_URL:-http://127.0.0.1:9517}
: "${ZUNVX_ADMIN_PASSWORD:?set ZUNVX_ADMIN_PASSWORD to the all-in-one admin password}"
work=${TEMPEST_WORKDIR:-/tmp/zunvx-tempest}
py=/usr/bin/python3

# Debian's tempest and what the plugin imports, from Debian only
if ! $py -c 'import tempest, stestr, docker, netaddr' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-tempest python3-stestr python3-docker python3-netaddr >/dev/null
fi
"$here/tempest-images.sh"
curl -fsS -o /dev/null "$url/identity/v3" || { echo "no identity service answers at $url/identity/v3" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/site"
cp -r "$plugin/zun_tempest_plugin" "$work/site/"
# the capsule tests carry an upstream skip; run them
sed -i "/@testtools.skip('bug 1941982')/d" "$work/site/zun_tempest_plugin/tests/tempest/api/test_capsules.py"
# tempest finds plugins by entry point: describe the copied plugin as an installed distribution
mkdir -p "$work/site/zun_tempest_plugin-0.0.0.dist-info"
printf 'Metadata-Version: 2.1\nName: zun-tempest-plugin\nVersion: 0.0.0\n' \
  > "$work/site/zun_tempest_plugin-0.0.0.dist-info/METADATA"
printf '[tempest.test_plugins]\nzun_tests = zun_tempest_plugin.tests.tempest.plugin:ZunTempestPlugin\n' \
  > "$work/site/zun_tempest_plugin-0.0.0.dist-info/entry_points.txt"
export PYTHONPATH="$work/site${PYTHONPATH:+:$PYTHONPATH}"

conf() { # $1 run folder, $2 microversion
  mkdir -p "$1/etc" "$1/logs"
  cat > "$1/etc/tempest.conf" <<CONF
[DEFAULT]
log_dir = $1/logs
log_file = tempest.log
debug = true

[auth]
use_dynamic_credentials = true
create_isolated_networks = false
admin_username = ${ZUNVX_ADMIN_USER:-admin}
admin_password = $ZUNVX_ADMIN_PASSWORD
admin_project_name = ${ZUNVX_ADMIN_PROJECT:-admin}
admin_domain_name = Default
default_credentials_domain_name = Default

[identity]
auth_version = v3
uri_v3 = $url/identity/v3
region = RegionOne
v3_endpoint_type = public

[identity-feature-enabled]
api_v2 = false
api_v3 = true

[service_available]
zun = true
neutron = true
cinder = true
glance = true
nova = false
swift = false
horizon = false

[container_service]
min_microversion = $2
max_microversion = $2
wait_timeout = 120

[network]
endpoint_type = public

[volume]
catalog_type = volumev3
endpoint_type = public

[image]
endpoint_type = public
CONF
  printf '[DEFAULT]\ntest_path=%s\ntop_dir=%s\n' "$work/site/zun_tempest_plugin/tests/tempest/api" "$work/site" \
    > "$1/.stestr.conf"
}

run() { # $1 name, $2 microversion, $3 regex
  local dir="$work/run-$1"
  conf "$dir" "$2"
  echo "== microversion $2: $3"
  (cd "$dir" && TEMPEST_CONFIG_DIR="$dir/etc" $py -m stestr init >/dev/null \
    && TEMPEST_CONFIG_DIR="$dir/etc" $py -m stestr run --serial "$3" > "$dir/stestr.out" 2>&1) || true
  # "{0} <test id>[<attrs>] [<time>] ... ok | FAILED | SKIPPED: <reason>" -> "<test id> <result>"
  sed -n 's/^{[0-9]*} \(.*\) \.\.\. \(ok\|FAILED\|SKIPPED\)\(: .*\)\{0,1\}$/\1 \2/p' "$dir/stestr.out" \
    | sed -e 's/ \[[0-9.]*s\]//' -e 's/\[[^] ]*\]//' -e 's/ ok$/ success/' -e 's/ FAILED$/ failure/' \
      -e 's/ SKIPPED$/ skip/' >> "$work/results.txt"
  tail -n 8 "$dir/stestr.out"
}

: > "$work/results.txt"
filter=${TEMPEST_FILTER:-}
for r in ${TEMPEST_RUNS:-140 112}; do
  case $r in
    140) run 140 1.40 "${filter:+(?=.*$filter)}zun_tempest_plugin\.tests\.tempest\.api\.(test_containers\.TestContainer\.|test_services\.|test_capsules\.)" ;;
    112) run 112 1.12 "${filter:+(?=.*$filter)}zun_tempest_plugin\.tests\.tempest\.api\.test_containers\.TestContainerLegacy\." ;;
  esac
done
echo "== results ($work/results.txt)"
for s in success failure skip; do printf '%s %s\n' "$s" "$(grep -c " $s\$" "$work/results.txt" || true)"; done
! grep -q -E ' failure$' "$work/results.txt"
