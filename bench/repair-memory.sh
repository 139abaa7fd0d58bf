#!/usr/bin/env bash
# Checks that `orchestrator repair` stays within 4x the input size on large inputs: each input is repaired with the
# Java heap capped at 4x its size (-Xmx), and the peak resident memory of the whole process is reported too; then
# again as the launcher runs it (its JVM options for short commands, read from ./orchestrator, and no heap cap), to
# show what a user's `orchestrator repair FILE` takes.
# Usage: bench/repair-memory.sh [SIZE_MB]   (default 100)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
size_mb="${1:-100}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$here/../orchestrator" --version >/dev/null   # builds the jar when sources changed
. "$here/../bin/find-jdk"
jar="$here/../target/orchestrator.jar"

python3 - "$work" "$size_mb" <<'PY'
import json, random, sys
work, size = sys.argv[1], int(sys.argv[2]) * 1_000_000
rnd = random.Random(7)
words = ["alpha", "Größe", "東京", "погода", "مرحبا", "naïve", "🌞", "data", "value", "x" * 12]
def item(i):
    return {"id": i, "name": " ".join(rnd.choice(words) for _ in range(6)), "score": round(rnd.random() * 100, 3),
            "ok": i % 3 == 0, "tags": [rnd.choice(words) for _ in range(3)], "note": None}
def write(path, broken):
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
        f.write("\n]\n"); 
        if broken: f.write("```\nHope this helps.\n")
write(f"{work}/valid.json", False)
write(f"{work}/broken.txt", True)
with open(f"{work}/noise.txt", "w") as f:
    chunk = "".join(rnd.choice("[]{}[]{}1,") for _ in range(1_000_000))
    for _ in range(size // 1_000_000): f.write(chunk)
PY

read -r -a cli_vm <<<"$(sed -n 's/^vm=(\(.*\))$/\1/p' "$here/../orchestrator")"

run() {   # run INPUT LABEL JVM-OPTION...
  local input="$1" label="$2" bytes code rss_kb
  shift 2
  bytes=$(stat -c %s "$work/$input")
  set +e
  /usr/bin/time -f "%M" -o "$work/rss" "$JAVA_HOME/bin/java" "$@" -jar "$jar" repair "$work/$input" \
    >"$work/out" 2>"$work/err"
  code=$?
  set -e
  rss_kb=$(tail -1 "$work/rss")
  printf '%-11s %6.1f MB input, %-34s exit %d, output %6.1f MB, peak RSS %6.1f MB (%.1fx input)\n' \
    "$input" "$(echo "$bytes/1000000" | bc -l)" "$label:" "$code" "$(echo "$(stat -c %s "$work/out")/1000000" | bc -l)" \
    "$(echo "$rss_kb/1000" | bc -l)" "$(echo "$rss_kb*1000/$bytes" | bc -l)"
  if [ "$code" != 0 ]; then grep -v "^\s*at \(java\|picocli\)" "$work/err" | head -12 | cut -c1-300 | sed "s/^/    /"; fi
}

for input in valid.json broken.txt noise.txt; do
  heap_mb=$(( $(stat -c %s "$work/$input") * 4 / 1000000 ))
  run "$input" "G1, heap cap ${heap_mb} MB (4x)" -Xmx${heap_mb}m -XX:+UseG1GC
  run "$input" "as the launcher runs repair" ${cli_vm[@]+"${cli_vm[@]}"}
done
