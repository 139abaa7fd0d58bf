#!/usr/bin/env bash
# Measures the jsonrepair npm library and `orchestrator bench repair` (default and lenient modes) on the same JSONL
# corpus, side by side, in alternating rounds: each round runs jsonrepair, then the engine in the default mode, then
# in the lenient mode, and reports the engine's throughput as a multiple of jsonrepair's in that round. On a shared
# machine the throughput of every process moves with the load, so only figures taken minutes apart are comparable;
# the ratios within a round are the result.
#
# Both sides: the same inputs (the "input" of every line), the same output (a parsed tree: jsonrepair's text goes
# through JSON.parse, the engine builds its JsonNode), warm-up of at least 3 s and 30 passes before measuring, then
# PASSES measured passes on one thread; throughput in MB of input (10^6 bytes of UTF-8) per CPU-second of the whole
# process (user + system, GC and JIT included), and per wall-clock second.
#
# Usage: bench/compare-jsonrepair.sh [CORPUS.jsonl] [PASSES] [ROUNDS]   (defaults: bench/repair-typical.jsonl 100 3)
# Needs node and npm (jsonrepair is installed into a temporary directory, nothing global).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="$(cd "$(dirname "${1:-$here/repair-typical.jsonl}")" && pwd)/$(basename "${1:-$here/repair-typical.jsonl}")"
passes="${2:-100}"
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
node_results=()
default_results=()
lenient_results=()
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds: jsonrepair, engine (default), engine (lenient); $passes passes each" >&2
  node_results+=("$(cd "$work" && node bench.mjs "$corpus" "$passes")")
  default_results+=("$("$here/../orchestrator" bench repair --jsonl "$corpus" --repeat "$passes" --json)")
  lenient_results+=("$("$here/../orchestrator" bench repair --jsonl "$corpus" --repeat "$passes" --json --lenient)")
done

node - "$corpus" "$passes" "${node_results[@]}" "${default_results[@]}" "${lenient_results[@]}" <<'JS'
const [corpus, passes, ...all] = process.argv.slice(2);
const n = all.length / 3;
const parse = s => JSON.parse(s);
const js = all.slice(0, n).map(parse), def = all.slice(n, 2 * n).map(parse), len = all.slice(2 * n).map(parse);
const f = x => x.toFixed(1);
console.log(`corpus ${corpus}: ${def[0].cases} cases, ${(def[0].bytes / 1000).toFixed(1)} KB; ${passes} measured passes`);
console.log(`${js[0].tool} recovers ${js[0].recovered}/${js[0].cases}; the engine ${def[0].recovered} (default), `
  + `${len[0].recovered} (lenient); Java ${def[0].java}`);
console.log('round | jsonrepair MB/CPU-s (wall) | default MB/CPU-s (wall) | lenient MB/CPU-s (wall) | default/jsonrepair | lenient/jsonrepair');
const rd = [], rl = [];
for (let i = 0; i < n; i++) {
  rd.push(def[i].mbPerCpuSecond / js[i].mbPerCpuSecond);
  rl.push(len[i].mbPerCpuSecond / js[i].mbPerCpuSecond);
  console.log(`${i + 1} | ${f(js[i].mbPerCpuSecond)} (${f(js[i].mbPerSecond)}) | ${f(def[i].mbPerCpuSecond)} `
    + `(${f(def[i].mbPerSecond)}) | ${f(len[i].mbPerCpuSecond)} (${f(len[i].mbPerSecond)}) | `
    + `${rd[i].toFixed(2)}x | ${rl[i].toFixed(2)}x`);
}
const range = a => `${Math.min(...a).toFixed(2)}–${Math.max(...a).toFixed(2)}x`;
console.log(`per CPU-second, the engine is ${range(rd)} jsonrepair's throughput in the default mode and ${range(rl)} `
  + 'in the lenient mode');
JS
