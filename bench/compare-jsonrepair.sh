#!/usr/bin/env bash
# Measures the jsonrepair npm library and `orchestrator bench repair` (default and lenient modes) on the same JSONL
# corpus, side by side.
# Usage: bench/compare-jsonrepair.sh [CORPUS.jsonl] [PASSES]
# Needs node and npm (jsonrepair is installed into a temporary directory, nothing global).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="$(cd "$(dirname "${1:-$here/repair-typical.jsonl}")" && pwd)/$(basename "${1:-$here/repair-typical.jsonl}")"
passes="${2:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm install --silent --no-audit --no-fund jsonrepair@3 >/dev/null)
cat > "$work/bench.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { jsonrepair } from 'jsonrepair';
const [corpus, passes] = [process.argv[2], Number(process.argv[3])];
const inputs = readFileSync(corpus, 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l).input);
const bytes = inputs.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
const pass = () => {
  let ok = 0;
  for (const s of inputs) { try { JSON.parse(jsonrepair(s)); ok++; } catch { /* not recovered */ } }
  return ok;
};
const warmStart = Date.now();
let warm = 0;
while (warm < 3 || Date.now() - warmStart < 3000) { pass(); warm++; }
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let ok = 0;
for (let i = 0; i < passes; i++) ok = pass();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`jsonrepair ${JSON.parse(readFileSync(new URL('./node_modules/jsonrepair/package.json', import.meta.url))).version}`
  + ` (node ${process.version}): ${inputs.length} cases, recovered ${ok}/${inputs.length}`);
console.log(`  ${(inputs.length * passes / seconds).toFixed(0)} cases/s, ${(bytes * passes / seconds / 1e6).toFixed(1)} MB/s wall clock`);
console.log(`  ${(bytes * passes / cpuSeconds / 1e6).toFixed(1)} MB per CPU-second (process, includes GC)`);
JS

echo "== jsonrepair (npm), $passes passes after warm-up"
(cd "$work" && node bench.mjs "$corpus" "$passes")
echo "== orchestrator bench repair --jsonl $corpus --repeat $passes (default mode)"
"$here/../orchestrator" bench repair --jsonl "$corpus" --repeat "$passes" --quiet
echo "== orchestrator bench repair --jsonl $corpus --repeat $passes --lenient"
"$here/../orchestrator" bench repair --jsonl "$corpus" --repeat "$passes" --quiet --lenient
