#!/usr/bin/env bash
# What the lenient mode recovers next to a peer: runs the npm jsonrepair library and `orchestrator repair --jsonl
# --lenient` on every case of the structured-output corpus (or the JSONL files given), and lists each case that
# jsonrepair turns into a value and the lenient mode refuses, with the lenient mode's reason. Cases whose expected
# outcome is a refusal in both modes (hard limits, bracket noise: "lenientRefuse" in the corpus) are counted apart:
# a value there is what the issue calls silently wrong, whoever produces it.
#
# Usage: bench/peer-recovery.sh [CORPUS.jsonl ...]   (default: src/test/resources/structured/corpus/*.jsonl)
# Needs node and npm (jsonrepair is installed into a temporary directory, nothing global). Exit 0 when no case is
# left (jsonrepair recovers it and the lenient mode does not), 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "$#" = 0 ]; then set -- "$here"/../src/test/resources/structured/corpus/*.jsonl; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat "$@" >"$work/cases.jsonl"
(cd "$work" && npm install --silent --no-audit --no-fund jsonrepair@3 >/dev/null)
cat >"$work/peer.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { jsonrepair } from 'jsonrepair';
for (const line of readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  let value = null, ok = false;
  try { value = JSON.parse(jsonrepair(c.input)); ok = true; } catch { /* not recovered */ }
  console.log(JSON.stringify({ id: c.id, ok, value }));
}
JS
(cd "$work" && node peer.mjs "$work/cases.jsonl") >"$work/peer.jsonl"
# jsonrepair knows no schema: its values are checked against each case's schema by the engine (a value printed as
# strict JSON passes the default mode unchanged, so only the schema can refuse it).
node - "$work/cases.jsonl" "$work/peer.jsonl" >"$work/peer-values.jsonl" <<'JS'
const { readFileSync } = await import('node:fs');
const read = f => readFileSync(f, 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
const [cases, peer] = process.argv.slice(2).map(read);
const p = new Map(peer.map(r => [r.id, r]));
for (const c of cases) {
  const r = p.get(c.id);
  if (r.ok && c.schema) console.log(JSON.stringify({ id: c.id, input: JSON.stringify(r.value), schema: c.schema }));
}
JS
"$here/../orchestrator" repair --jsonl "$work/peer-values.jsonl" >"$work/peer-checked.jsonl"
"$here/../orchestrator" repair --jsonl "$work/cases.jsonl" --lenient >"$work/lenient.jsonl"

node - "$work/cases.jsonl" "$work/peer.jsonl" "$work/peer-checked.jsonl" "$work/lenient.jsonl" <<'JS'
const { readFileSync } = await import('node:fs');
const read = f => readFileSync(f, 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
const [cases, peer, checked, lenient] = process.argv.slice(2).map(read);
const byId = rows => new Map(rows.map(r => [r.id, r]));
const p = byId(peer), k = byId(checked), l = byId(lenient);
let peerOk = 0, lenientOk = 0, nonConforming = 0, prose = 0;
const proseIds = [];
const deliberate = [], missing = [];
for (const c of cases) {
  const pr = p.get(c.id), lr = l.get(c.id);
  if (lr.ok) lenientOk++;
  if (!pr.ok) continue;
  if (k.has(c.id) && !k.get(c.id).ok) { nonConforming++; continue; }
  // A text that is not JSON-like at all (prose, a refusal, a reasoning block, NUL bytes, an empty fence) comes back
  // from jsonrepair as one string, or as an array of its words when it has no bracket at all: that is not a value
  // recovered from broken JSON, and the engine never reads prose as a value.
  const t = c.input.trim().replace(/^```[a-z]*\n?/, '').replace(/```$/, '').trim();
  const strings = v => typeof v === 'string' || Array.isArray(v) && v.every(x => typeof x === 'string');
  const quoted = /^["'`\u201c\u2018]/.test(t);
  if (t === '' || !quoted && (typeof pr.value === 'string' || !/[{[]/.test(t) && strings(pr.value))) {
    prose++;
    proseIds.push(c.id);
    continue;
  }
  peerOk++;
  if (lr.ok) continue;
  if (c.lenientRefuse || /nesting deeper|longer than 1000 digits|duplicate key/.test(lr.error)) {
    deliberate.push(`${c.id}: ${lr.error}`);
  } else {
    missing.push(`${c.id}: ${lr.error}`);
  }
}
console.log(`${cases.length} cases. jsonrepair returns a value for ${peerOk + nonConforming + prose}: ${nonConforming} `
  + `of them violate the case's schema and ${prose} are prose returned as strings, which leaves ${peerOk} `
  + `recoveries; the lenient mode recovers ${lenientOk} cases`);
console.log(`prose returned as strings: ${proseIds.join(', ')}`);
console.log(`recovered by jsonrepair, refused by the lenient mode on purpose (a hard limit, a duplicate key, a case `
  + `marked lenientRefuse): ${deliberate.length}`);
for (const m of deliberate) console.log(`  ${m}`);
console.log(`recovered by jsonrepair, refused by the lenient mode otherwise: ${missing.length}`);
for (const m of missing) console.log(`  ${m}`);
process.exit(missing.length === 0 ? 0 : 1);
JS
