#!/bin/bash
# CPU time per thread name of one process over a window: which of its
# threads do the work (GStreamer names a pad's streaming thread after the
# pad, e.g. "src:src" for an appsrc such as a live push's).
#   bench/thread_cpu.sh PID SECONDS
# Prints "<ms> ms  <thread name>", the busiest first. Linux /proc only.
set -euo pipefail
pid=$1 seconds=$2
snap() {
  for t in /proc/"$pid"/task/*; do
    local name fields
    name=$(tr ' ' '_' < "$t/comm" 2>/dev/null) || continue
    fields=($(sed 's/.*) //' "$t/stat" 2>/dev/null)) || continue
    echo "$(basename "$t") $name ${fields[11]} ${fields[12]}"  # utime, stime in clock ticks
  done | sort
}
tick_ms=$((1000 / $(getconf CLK_TCK)))
before=$(snap); sleep "$seconds"; after=$(snap)
join <(echo "$before") <(echo "$after") |
  awk -v tick="$tick_ms" '{ d = ($6 + $7) - ($3 + $4); by[$2] += d } END { for (k in by) if (by[k] > 0) printf "%6d ms  %s\n", by[k] * tick, k }' |
  sort -rn
