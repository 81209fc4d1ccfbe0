#!/usr/bin/env bash
# Checks systemd/villagecam-node.service: `systemd-analyze verify` finds no
# problem, and `systemd-analyze security --offline=true` rates its exposure at
# or under the target (1.5; Debian 12's own timesyncd unit scores 2.3), and
# that it does not wait for time synchronisation.
#   check_unit.sh UNIT_FILE NODE_BINARY
set -euo pipefail
unit=$1
node=$2
target=1.5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify wants the programs to exist: point the unit at the built binary.
sed "s|/usr/bin/villagecam-node|$node|g" "$unit" >"$work/villagecam-node.service"
if ! out=$(systemd-analyze verify --man=no "$work/villagecam-node.service" 2>&1); then
  echo "systemd-analyze verify failed:"; echo "$out"; exit 1
fi
if [ -n "$out" ]; then
  echo "systemd-analyze verify complained:"; echo "$out"; exit 1
fi
echo "systemd-analyze verify: clean"
# The node starts offline with a wrong clock (issue 13): nothing may make it
# wait for time synchronisation.
if grep -Eq '^(After|Requires|Wants|BindsTo)=.*time-(sync|set)\.target|time-wait-sync' "$unit"; then
  echo "the unit waits for time synchronisation; a village box booting offline would never watch its cameras"; exit 1
fi
echo "no wait for time synchronisation"
report=$(systemd-analyze security --offline=true --no-pager "$work/villagecam-node.service" 2>&1)
exposure=$(sed -n 's/.*Overall exposure level for villagecam-node.service: \([0-9.]*\).*/\1/p' <<<"$report")
if [ -z "$exposure" ]; then
  echo "no exposure figure in:"; echo "$report"; exit 1
fi
echo "systemd-analyze security: exposure $exposure (target <= $target)"
awk -v e="$exposure" -v t="$target" 'BEGIN { exit !(e <= t) }' || {
  echo "exposure $exposure is over $target; what counts:"; grep '✗' <<<"$report"; exit 1
}
