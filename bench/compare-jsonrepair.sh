#!/usr/bin/env bash
# Measures the jsonrepair npm library and `orchestrator bench repair` (default and lenient modes) on the same JSONL
# corpus, side by side, in alternating rounds: each round runs jsonrepair, then the engine in the default and the
# lenient mode in two JVM set-ups, the ones the launcher gives the commands that repair: the one `repair` runs with
# (its JVM options are read from ./orchestrator, so the two cannot drift apart: the serial collector, a small young
# generation and the full JIT), and the one `serve` runs with (the JVM's defaults: G1 here, and the full JIT). The engine's throughput is reported as a multiple of jsonrepair's in the same round. On a shared
# machine the throughput of every process moves with the load, so only figures taken close together are
# comparable: the ratios within a round are the result.
#
# Both sides: the same inputs (the "input" of every line), the same output (a parsed tree: jsonrepair's text goes
# through JSON.parse, the engine builds its JsonNode), warm-up of at least 3 s and 30 passes before measuring, then
# PASSES measured passes on one thread; throughput in MB of input (10^6 bytes of UTF-8) per CPU-second of the whole
# process (user + system, GC and JIT included), and per wall-clock second.
#
# Usage: bench/compare-jsonrepair.sh [CORPUS.jsonl] [PASSES] [ROUNDS]   (defaults: bench/repair-typical.jsonl 300 3)
# Needs node and npm (jsonrepair is installed into a temporary directory, nothing global).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="$(cd "$(dirname "${1:-$here/repair-typical.jsonl}")" && pwd)/$(basename "${1:-$here/repair-typical.jsonl}")"
passes="${2:-300}"
rounds="${3:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm install --silent --no-audit --no-fund jsonrepair@3 >/dev/null)
cat > "$work/bench.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { jsonrepair } from 'jsonrepair';
const [corpus, passes] = [process.argv[2], Number(process.argv[3])];
const inputs = readFileSync(corpus, 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l).input);
const bytes = inputs.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
let sink = 0;
const pass = () => {
  let ok = 0;
  for (const s of inputs) {
    try {
      const value = JSON.parse(jsonrepair(s));
      if (value !== undefined) ok++;
      sink += typeof value;
    } catch { /* not recovered */ }
  }
  return ok;
};
const warmStart = Date.now();
let warm = 0;
while (warm < 30 || Date.now() - warmStart < 3000) { pass(); warm++; }
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let ok = 0;
for (let i = 0; i < passes; i++) ok = pass();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const version = JSON.parse(readFileSync(new URL('./node_modules/jsonrepair/package.json', import.meta.url))).version;
console.log(JSON.stringify({ tool: `jsonrepair ${version} (node ${process.version})`, cases: inputs.length,
  recovered: ok, warmUpPasses: warm, mbPerSecond: bytes * passes / seconds / 1e6,
  mbPerCpuSecond: bytes * passes / cpuSeconds / 1e6, checksum: sink.length }));
JS

"$here/../orchestrator" --version >/dev/null   # builds the jar when sources changed, outside the measurement
. "$here/../bin/find-jdk"
# The JVM options the launcher gives `repair` (its line `repair_vm=(...)`).
read -r -a cli_vm <<<"$(sed -n 's/^repair_vm=(\(.*\))$/\1/p' "$here/../orchestrator")"
if [ "${#cli_vm[@]}" = 0 ]; then
  echo "error: cannot find the JVM options of repair (a line 'repair_vm=(...)') in $here/../orchestrator" >&2
  exit 1
fi
engine() {   # engine cli|serve [--lenient]
  local vm=()
  [ "$1" = cli ] && vm=("${cli_vm[@]}")
  shift
  "$JAVA_HOME/bin/java" ${vm[@]+"${vm[@]}"} -jar "$here/../target/orchestrator.jar" \
    bench repair --jsonl "$corpus" --repeat "$passes" --json "$@"
}
results=()
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds: jsonrepair, then the engine (default, lenient) as 'repair' runs (${cli_vm[*]})" \
    "and as 'serve' runs (JVM defaults); $passes passes each" >&2
  results+=("$(cd "$work" && node bench.mjs "$corpus" "$passes")")
  results+=("$(engine cli)")
  results+=("$(engine cli --lenient)")
  results+=("$(engine serve)")
  results+=("$(engine serve --lenient)")
done

node - "$corpus" "$passes" "${results[@]}" <<'JS'
const [corpus, passes, ...all] = process.argv.slice(2);
const runs = all.map(s => JSON.parse(s));
const rounds = [];
for (let i = 0; i < runs.length; i += 5) rounds.push(runs.slice(i, i + 5));
const [js0, def0, len0] = rounds[0];
const f = x => x.toFixed(1);
console.log(`corpus ${corpus}: ${def0.cases} cases, ${(def0.bytes / 1000).toFixed(1)} KB; ${passes} measured passes per run`);
const serve0 = rounds[0][3];
console.log(`${js0.tool} recovers ${js0.recovered}/${js0.cases}; the engine ${def0.recovered} (default mode), `
  + `${len0.recovered} (lenient); Java ${def0.java}; as 'repair' runs: ${def0.collector} collector, ${def0.jit}; `
  + `as 'serve' runs: ${serve0.collector} collector, ${serve0.jit}`);
console.log('MB per CPU-second (wall clock MB/s in brackets), and the engine\'s figure as a multiple of jsonrepair\'s'
  + ' in the same round:');
console.log('round | jsonrepair | default, as repair | lenient, as repair | default, as serve | lenient, as serve');
const ratios = [[], [], [], []];
rounds.forEach((r, i) => {
  const cells = [`${f(r[0].mbPerCpuSecond)} (${f(r[0].mbPerSecond)})`];
  for (let k = 1; k < 5; k++) {
    const x = r[k].mbPerCpuSecond / r[0].mbPerCpuSecond;
    ratios[k - 1].push(x);
    cells.push(`${f(r[k].mbPerCpuSecond)} (${f(r[k].mbPerSecond)}) ${x.toFixed(2)}x`);
  }
  console.log(`${i + 1} | ${cells.join(' | ')}`);
});
const range = a => `${Math.min(...a).toFixed(2)}–${Math.max(...a).toFixed(2)}x`;
console.log(`engine / jsonrepair per CPU-second: default mode ${range(ratios[0])} (as repair), `
  + `${range(ratios[2])} (as serve); lenient mode ${range(ratios[1])} (as repair), ${range(ratios[3])} (as serve)`);
JS
