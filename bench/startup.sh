#!/usr/bin/env bash
# Startup time of the short commands through the launcher, as a range over N runs (default 3), after one warm-up
# run that builds the tool if needed and writes the class-data archive.
#   bench/startup.sh [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
"$here/orchestrator" --version >/dev/null
for cmd in "--help" "--version" "models"; do
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    # models probes the configured endpoints; the timing is of startup, so nothing needs to answer.
    "$here/orchestrator" $cmd >/dev/null 2>&1 || true
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  printf '%-10s %5d-%d ms over %d runs (%s)\n' "$cmd" "${sorted[0]}" "${sorted[-1]}" "$runs" "${times[*]}"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
