#!/usr/bin/env bash
# Startup time of the short commands through the launcher, as a range over N runs (default 3), after one warm-up
# run that builds the tool if needed and writes the class-data archive. A bare `java -version` of the same JDK is
# measured in the same runs: on a shared machine the load moves every figure, the ratio to it much less.
# Wall time is what a person waits; CPU time (user + system) is what the machine's load cannot stretch as much.
#   bench/startup.sh [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
. "$here/bin/find-jdk"
"$here/orchestrator" --version >/dev/null

TIMEFORMAT='%R %U %S'
measure() {
  # Prints "wall-ms cpu-ms" of one run of the command given.
  local t
  # models probes the configured endpoints; the timing is of startup, so nothing needs to answer.
  t="$( { time "$@" >/dev/null 2>&1; } 2>&1 || true)"
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000 }'
}

range() {
  # "min-max" of the numbers given.
  printf '%s\n' "$@" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%d-%d", lo, hi }'
}

median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

base_median=0
for cmd in "java -version" "--help" "--version" "models"; do
  walls=() cpus=()
  for _ in $(seq "$runs"); do
    if [ "$cmd" = "java -version" ]; then
      read -r wall cpu < <(measure "$JAVA_HOME/bin/java" -version)
    else
      read -r wall cpu < <(measure "$here/orchestrator" $cmd)
    fi
    walls+=("$wall") cpus+=("$cpu")
  done
  m="$(median "${walls[@]}")"
  if [ "$cmd" = "java -version" ]; then
    base_median="$m"
    ratio=""
  else
    ratio="$(awk -v a="$m" -v b="$base_median" 'BEGIN { if (b > 0) printf ", median %.1fx java -version", a / b }')"
  fi
  printf '%-14s wall %s ms, cpu %s ms over %d runs (wall %s)%s\n' "$cmd" "$(range "${walls[@]}")" \
    "$(range "${cpus[@]}")" "$runs" "${walls[*]}" "$ratio"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
