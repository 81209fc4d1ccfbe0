#!/usr/bin/env bash
# Builds the .deb with CPack from the build folder and checks it: the files an
# installed node needs, the example config as a conffile, maintainer scripts
# that parse and do not start the service, and lintian with no error.
#   check_deb.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/villagecam_*.deb)
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"
fail=0
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/villagecam-node ./lib/systemd/system/villagecam-node.service \
         ./etc/villagecam/villagecam.example.yaml ./usr/share/villagecam/pipelines/software.pipeline \
         ./usr/lib/sysusers.d/villagecam.conf ./usr/share/doc/villagecam/copyright \
         ./usr/share/doc/villagecam/install.md ./usr/share/doc/villagecam/schema/alert.json; do
  grep -qx "$f" <<<"$contents" || { echo "missing from the package: $f"; fail=1; }
done
if grep -q '^./usr/bin/villagecam-test-cameras\|gtest\|/include/' <<<"$contents"; then
  echo "test or development files in the package:"; grep 'test-cameras\|gtest\|/include/' <<<"$contents"; fail=1
fi
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = "/etc/villagecam/villagecam.example.yaml" ] || {
  echo "conffiles: $(cat "$work/control/conffiles")"; fail=1; }
for s in postinst prerm postrm; do
  sh -n "$work/control/$s" || { echo "$s does not parse"; fail=1; }
  if grep -v '^ *echo ' "$work/control/$s" |
     grep -Eq 'systemctl .*(start|enable)|deb-systemd-invoke +start|deb-systemd-helper +enable'; then
    echo "$s starts or enables the service before it is configured"; fail=1
  fi
done
grep -q 'ConditionPathExists=/etc/villagecam/villagecam.yaml' "$(dirname "$0")/../../systemd/villagecam-node.service" || {
  echo "the unit does not wait for a config"; fail=1; }
depends=$(dpkg-deb -f "$deb" Depends)
for d in gstreamer1.0-libav libopencv-core406 libpaho-mqttpp3-1; do
  grep -q "$d" <<<"$depends" || { echo "Depends lacks $d: $depends"; fail=1; }
done
lintian_out=$(lintian --fail-on error "$deb" 2>&1) || { echo "lintian found errors:"; echo "$lintian_out"; fail=1; }
echo "lintian: $(grep -c '^E:' <<<"$lintian_out" || true) error(s), $(grep -c '^W:' <<<"$lintian_out" || true) warning(s)"
grep '^[EW]:' <<<"$lintian_out" || true
exit $fail
