#!/usr/bin/env bash
# Peak memory of `orchestrator repair FILE` on large inputs, as a user sees it: the whole process's peak resident
# memory (GNU time's %M), run through the launcher with its JVM options, as a multiple of the input's size.
# Inputs of each size: valid JSON and broken JSON (a fence around it, single quotes, Python literals, trailing
# commas), each in multi-byte text (German, Japanese, Russian, Arabic, emoji) and in ASCII, and bracket noise
# (which must be refused as not JSON); the broken multi-byte one once more on standard input. Every input is
# repaired RUNS times; the range over the runs is printed.
# Usage: bench/repair-memory.sh [SIZE_MB ...]   (default 100; RUNS=3 in the environment by default)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sizes=("$@")
[ "${#sizes[@]}" = 0 ] && sizes=(100)
runs="${RUNS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$here/../orchestrator" --version >/dev/null   # builds the jar when sources changed, outside the measurement
echo "peak resident memory of 'orchestrator repair FILE' (launcher options:" \
  "$(sed -n 's/^vm=(\(.*\))$/\1/p' "$here/../orchestrator") $(sed -n 's/^repair_vm=(\(.*\))$/\1/p' "$here/../orchestrator")), $runs runs per input"

# The fixed part: the JVM, the libraries and the command on a 10-byte input.
printf '{"a": 1}\n' >"$work/tiny.json"
/usr/bin/time -f "%M" -o "$work/time" "$here/../orchestrator" repair "$work/tiny.json" >/dev/null 2>&1
fixed_kb=$(tail -1 "$work/time")
echo "fixed part (a 10-byte input): peak RSS $(( fixed_kb / 1000 )) MB"

for size_mb in "${sizes[@]}"; do
  python3 - "$work" "$size_mb" <<'PY'
import json, random, sys
work, size = sys.argv[1], int(sys.argv[2]) * 1_000_000
def write(path, words, broken):
    rnd = random.Random(7)
    def item(i):
        return {"id": i, "name": " ".join(rnd.choice(words) for _ in range(6)), "score": round(rnd.random() * 100, 3),
                "ok": i % 3 == 0, "tags": [rnd.choice(words) for _ in range(3)], "note": None}
    with open(path, "w", encoding="utf-8") as f:
        n = 0
        if broken: f.write("Here is the data you asked for:\n```json\n")
        f.write("[\n"); n += 2
        i = 0
        while n < size - 200:
            s = json.dumps(item(i), ensure_ascii=False)
            if broken:
                s = s.replace('"ok": true', "'ok': True").replace('"note": null', '"note": None,')
            line = ("" if i == 0 else ",\n") + s
            f.write(line); n += len(line.encode("utf-8")); i += 1
        f.write("\n]\n")
        if broken: f.write("```\nHope this helps.\n")
mixed = ["alpha", "Größe", "東京", "погода", "مرحبا", "naïve", "🌞", "data", "value", "x" * 12]
ascii = ["alpha", "beta", "gamma", "delta", "epsilon", "naive", "sun", "data", "value", "x" * 12]
write(f"{work}/mixed.json", mixed, False)
write(f"{work}/mixed-broken.txt", mixed, True)
write(f"{work}/ascii.json", ascii, False)
write(f"{work}/ascii-broken.txt", ascii, True)
rnd = random.Random(7)
with open(f"{work}/noise.txt", "w") as f:
    chunk = "".join(rnd.choice("[]{}[]{}1,") for _ in range(1_000_000))
    for _ in range(max(1, size // 1_000_000)): f.write(chunk)
PY
  for input in mixed.json mixed-broken.txt ascii.json ascii-broken.txt noise.txt stdin:mixed-broken.txt; do
    file="${input#stdin:}"
    bytes=$(stat -c %s "$work/$file")
    rss=()
    secs=()
    code=0
    for _ in $(seq 1 "$runs"); do
      set +e
      if [ "$file" = "$input" ]; then
        /usr/bin/time -f "%M %e" -o "$work/time" "$here/../orchestrator" repair "$work/$file" >"$work/out" 2>"$work/err"
      else   # the same input on standard input: read in pieces of unknown total length
        /usr/bin/time -f "%M %e" -o "$work/time" "$here/../orchestrator" repair - <"$work/$file" >"$work/out" \
          2>"$work/err"
      fi
      code=$?
      set -e
      read -r kb s < <(tail -1 "$work/time")
      rss+=("$kb")
      secs+=("$s")
    done
    python3 - "$input" "$bytes" "$code" "$(stat -c %s "$work/out")" "${rss[*]}" "${secs[*]}" "$fixed_kb" <<'PY'
import sys
name, size, code, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
rss = [int(x) * 1000 for x in sys.argv[5].split()]
secs = [float(x) for x in sys.argv[6].split()]
fixed = int(sys.argv[7]) * 1000
print(f"{name:17} {size / 1e6:6.1f} MB: exit {code}, output {out / 1e6:6.1f} MB, peak RSS "
      f"{min(rss) / 1e6:6.1f}-{max(rss) / 1e6:6.1f} MB = {min(rss) / size:.2f}-{max(rss) / size:.2f}x the input "
      f"(above the fixed part: {(min(rss) - fixed) / size:.2f}-{(max(rss) - fixed) / size:.2f}x), "
      f"{min(secs):.1f}-{max(secs):.1f} s")
PY
    if [ "$code" != 0 ]; then head -3 "$work/err" | cut -c1-240 | sed "s/^/    /"; fi
  done
done
