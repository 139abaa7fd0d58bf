#!/usr/bin/env bash
# The scale test (docs/gateway.md, "Several replicas on one database"): on this machine, a throwaway PostgreSQL,
# the simulator, three 'orchestrator serve' replicas requiring keys and two 'orchestrator worker' processes on that
# one database; 100 concurrent clients for a bounded time, round-robin over the replicas; mid-run one key is revoked
# with 'orchestrator keys revoke'; a few builds are submitted with 'run --submit' for the workers. Then it checks:
#   - no request failed (5xx) or was refused by a replica where no check expects it (requests without an answer,
#     a client that gave up or could not connect, are counted and named);
#   - no lost ledger row: every 200 has its ledger row (by request id); rows without a 200 are at most the requests
#     whose client gave up;
#   - the budgeted key (a paid simulated model) settled at most its budget, nothing left held, and it was refused
#     with budget_exhausted (so the bound was exercised); its spend equals the cost of its ledger rows;
#   - revocation everywhere: every request sent after 'keys revoke' returned got 401 on every replica;
#   - every submitted build finished, verified, by one of the workers, and 'orchestrator builds' names the worker.
# It prints the throughput of the replicas (answers per second, total and per replica) and PASS/FAIL per check, and
# exits 1 when a check fails (2 for bad arguments or a missing PostgreSQL). Every process it starts is stopped and
# the cluster deleted on exit, Ctrl-C included.
#
#   bench/scale-test.sh [--duration S] [--warmup S] [--clients N] [--replicas N] [--workers N] [--builds N]
#                       [--budget USD] [--build-timeout S] [--keep DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
orch="$root/orchestrator"

duration=60
warmup=10
clients=100
replicas=3
workers=2
builds=2
budget=0.0002
keep=""
build_timeout=900

usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  echo
  echo "Options: --duration S of measured load (default $duration; longer when revoking took long, so that a third"
  echo "of it follows the revocation), --warmup S before it ($warmup), --clients N ($clients), --replicas N ($replicas),"
  echo "--workers N ($workers), --builds N ($builds), --budget USD (the budgeted key's limit, $budget),"
  echo "--build-timeout S ($build_timeout), --keep DIR (copy the logs and records there before cleaning up)."
}

die_usage() { echo "error: $*" >&2; exit 2; }

is_int() { [[ "$1" =~ ^[0-9]+$ ]]; }

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) is_int "${2:-}" && [ "$2" -gt 0 ] || die_usage "--duration needs seconds > 0"; duration=$2; shift 2 ;;
    --warmup) is_int "${2:-}" || die_usage "--warmup needs seconds"; warmup=$2; shift 2 ;;
    --clients) is_int "${2:-}" && [ "$2" -ge 10 ] || die_usage "--clients needs a number >= 10"; clients=$2; shift 2 ;;
    --replicas) is_int "${2:-}" && [ "$2" -ge 1 ] || die_usage "--replicas needs a number >= 1"; replicas=$2; shift 2 ;;
    --workers) is_int "${2:-}" || die_usage "--workers needs a number"; workers=$2; shift 2 ;;
    --builds) is_int "${2:-}" || die_usage "--builds needs a number"; builds=$2; shift 2 ;;
    --budget) [[ "${2:-}" =~ ^[0-9]*\.?[0-9]+$ ]] || die_usage "--budget needs US dollars, e.g. 0.002"; budget=$2; shift 2 ;;
    --build-timeout) is_int "${2:-}" || die_usage "--build-timeout needs seconds"; build_timeout=$2; shift 2 ;;
    --keep) [ -n "${2:-}" ] || die_usage "--keep needs a directory"; keep=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1' (see --help)" ;;
  esac
done

# --- PostgreSQL server binaries: the Debian package's newest version, else initdb on the PATH ---------------------
pgbin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n); do
  [ -x "$d/initdb" ] && pgbin="$d"
done
if [ -z "$pgbin" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
  pgbin="$(dirname "$(command -v initdb)")"
fi
if [ -z "$pgbin" ] || [ ! -x "$pgbin/psql" ]; then
  echo "error: no PostgreSQL server binaries (initdb, pg_ctl, psql): install the Debian package 'postgresql'" \
    "(apt-get install -y --no-install-recommends postgresql) and run again" >&2
  exit 2
fi

say() { printf '[scale %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- Everything this script starts, stopped on any exit ----------------------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/orchestrator-scale.XXXXXX")"
chmod 755 "$tmp"
pids=()
pg_started=0
pg_user=""
as_pg=()

stop_all() {
  local code=$?
  trap - EXIT INT TERM
  # SIGTERM first (replicas drain and commit their ledger rows), then whatever is left after 20 s is killed.
  local p alive
  for p in ${pids[@]+"${pids[@]}"}; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    alive=0
    for p in ${pids[@]+"${pids[@]}"}; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for p in ${pids[@]+"${pids[@]}"}; do kill -KILL "$p" 2>/dev/null || true; done
  if [ "$pg_started" = 1 ]; then
    ${as_pg[@]+"${as_pg[@]}"} "$pgbin/pg_ctl" -D "$tmp/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$keep" ]; then
    mkdir -p "$keep" && cp -r "$tmp"/logs "$tmp"/records.csv "$tmp"/load.txt "$keep"/ 2>/dev/null || true
    echo "logs and records kept in $keep" >&2
  fi
  rm -rf "$tmp"
  exit "$code"
}
trap stop_all EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

mkdir -p "$tmp/logs" "$tmp/work" "$tmp/config" "$tmp/data" "$tmp/builds"

# --- The tool, built once before anything is timed ----------------------------------------------------------------
say "building the tool if its sources changed"
"$orch" --version >/dev/null

# --- A throwaway PostgreSQL cluster: initdb in the temporary directory, a free port, loopback only ---------------
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    (: </dev/tcp/127.0.0.1/"$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "error: no free port found" >&2
  return 1
}

mkdir -p "$tmp/pg"
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the package's 'postgres' user, else 'nobody'.
  pg_user=postgres
  id postgres >/dev/null 2>&1 || pg_user=nobody
  chown "$pg_user" "$tmp/pg"
  as_pg=(runuser -u "$pg_user" --)
fi
pg_port="$(free_port)"
say "starting PostgreSQL ($pgbin) on 127.0.0.1:$pg_port"
${as_pg[@]+"${as_pg[@]}"} "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U orchestrator -E UTF8 --no-sync \
  >"$tmp/logs/initdb.log" 2>&1 || { cat "$tmp/logs/initdb.log" >&2; exit 1; }
${as_pg[@]+"${as_pg[@]}"} "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $tmp/pg -c listen_addresses=127.0.0.1 -F -c max_connections=300" start >/dev/null \
  || { cat "$tmp/pg/server.log" >&2; exit 1; }
pg_started=1
psql=("$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U orchestrator -X -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c "CREATE DATABASE scale" >/dev/null

# --- One environment for every process: this database, nothing from the user's configuration --------------------
for v in $(compgen -e | grep '^ORCHESTRATOR_' || true); do unset "$v"; done
export ORCHESTRATOR_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/scale?user=orchestrator"
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data"
cd "$tmp/work"

# The simulator plays the local model (free) and GPT-4o-mini (paid, catalog prices), so the key budget is real money.
"$orch" sim --port 0 --profile perfect --json >"$tmp/logs/sim.out" 2>"$tmp/logs/sim.err" &
pids+=($!)
wait_for() {   # FILE PATTERN SECONDS WHAT
  for _ in $(seq 1 $(($3 * 2))); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "error: $4 did not start within $3 s; its log:" >&2
  cat "$1" >&2 2>/dev/null || true
  exit 1
}
wait_for "$tmp/logs/sim.out" '"port"|base_url|http://' 120 "the simulator"
sim_url="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$tmp/logs/sim.out" | head -n 1)"
# A local model's max-concurrent (2 built in, to protect an Ollama) holds per process; the simulator takes any number.
cat >orchestrator.yaml <<EOF
llm:
  url: $sim_url/v1/chat/completions
  model: qwen2.5-coder-32b
models:
  qwen2.5-coder-32b:
    max-concurrent: 512
  gpt-4o-mini:
    endpoint: $sim_url/v1
    max-concurrent: 512
EOF
say "simulator on $sim_url"

# --- Keys: one for most clients, one with a small budget on the paid model, one revoked mid-run -----------------
json_field() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"; }
umask 077
: >"$tmp/keys"
declare -A key_id
for spec in "team" "budgeted --budget $budget" "revoked"; do
  name="${spec%% *}"
  # shellcheck disable=SC2086
  created="$("$orch" keys create --name $spec --json)"
  key_id[$name]="$(printf '%s' "$created" | json_field id)"
  printf '%s=%s\n' "$name" "$(printf '%s' "$created" | json_field key)" >>"$tmp/keys"
done
umask 022
say "keys created: team ${key_id[team]}, budgeted ${key_id[budgeted]} (\$$budget), revoked ${key_id[revoked]}"

# --- The replicas ------------------------------------------------------------------------------------------------
targets=()
replica_urls=()
serve_pids=()
for i in $(seq 1 "$replicas"); do
  "$orch" serve --port 0 --require-keys --no-ui --quiet >"$tmp/logs/serve-$i.out" 2>"$tmp/logs/serve-$i.err" &
  pids+=($!)
  serve_pids+=($!)
done
for i in $(seq 1 "$replicas"); do
  wait_for "$tmp/logs/serve-$i.err" 'Gateway listening on' 180 "replica $i"
  url="$(grep -oE 'listening on http://[^ ]+/v1' "$tmp/logs/serve-$i.err" | head -n 1 \
    | sed 's/^listening on //; s#/v1$##')"
  targets+=(--target "$url")
  replica_urls+=("$url")
done
say "replicas: ${replica_urls[*]}"

# --- Workers and builds (skipped, with the reason, when this version has no workers) ----------------------------
worker_names=()
build_ids=()
workers_note=""
if [ "$workers" -gt 0 ] && [ "$builds" -gt 0 ]; then
  if ! "$orch" worker --help >/dev/null 2>&1; then
    workers_note="workers not available: this version has no 'orchestrator worker' command"
  elif ! command -v bwrap >/dev/null 2>&1; then
    workers_note="workers not available: builds need the bubblewrap sandbox (apt-get install bubblewrap)"
  fi
fi
if [ -z "$workers_note" ] && [ "$workers" -gt 0 ] && [ "$builds" -gt 0 ]; then
  for i in $(seq 1 "$workers"); do
    worker_names+=("scale-worker-$i")
    "$orch" worker --id "scale-worker-$i" --concurrency 1 >"$tmp/logs/worker-$i.out" 2>"$tmp/logs/worker-$i.err" &
    pids+=($!)
  done
  for i in $(seq 1 "$builds"); do
    submitted="$("$orch" run --submit @"$root/examples/library-loans.txt" --out "$tmp/builds/b$i" --json)"
    id="$(printf '%s' "$submitted" | json_field build_id)"
    [ -n "$id" ] || { echo "error: 'run --submit' gave no build id: $submitted" >&2; exit 1; }
    build_ids+=("$id")
  done
  say "workers ${worker_names[*]}; builds submitted: ${build_ids[*]}"
elif [ -n "$workers_note" ]; then
  say "$workers_note; the worker checks are skipped"
fi

# --- The load, with the revocation a third of the way into the measured part ------------------------------------
# The load goes on for at least a third of the duration after 'keys revoke' returned, however long it took to run.
paid=$(( clients / 20 > 0 ? clients / 20 : 1 ))
revokedc=$paid
team=$(( clients - paid - revokedc ))
after=$(( duration / 3 > 5 ? duration / 3 : 5 ))
say "load: $clients clients ($team team on local-first, $paid budgeted on gpt-4o-mini, $revokedc on the key" \
  "revoked $((duration / 3)) s in), at least $warmup s of warm-up, then $duration s measured"
# The clients run at a lower priority: on a team's network they would be other machines, and on a shared 2-core
# machine they would otherwise take the CPU from the replicas they measure and from 'keys revoke'.
nice -n 10 "$orch" bench load "${targets[@]}" --keys "$tmp/keys" --warmup "$warmup" --duration "$duration" \
  --measuring-file "$tmp/measuring" --after-file "$tmp/revoked" --after-seconds "$after" \
  --records "$tmp/records.csv" \
  --group "team:local-first:$team" --group "budgeted:gpt-4o-mini:$paid" --group "revoked:local-first:$revokedc" \
  >"$tmp/load.txt" 2>"$tmp/logs/load.err" &
load_pid=$!
pids+=($load_pid)
# The warm-up lasts at least --warmup and until every client has had its first answer (cold processes are slow).
while [ ! -f "$tmp/measuring" ] && kill -0 "$load_pid" 2>/dev/null; do sleep 1; done
say "warm-up over; measuring"
sleep $((duration / 3))
# On a machine this loaded that the key has not been served a few times on every replica yet, wait until it has
# (as the ledger shows), so that "refused from then on" follows "accepted".
wait_until=$((SECONDS + 10 * duration))
while [ "$("${psql[@]}" -d scale -tAc "SELECT COUNT(*) FROM calls WHERE key_id = '${key_id[revoked]}'
    AND outcome = 'ok'")" -lt $((3 * replicas)) ] && [ $SECONDS -lt $wait_until ] && kill -0 "$load_pid" 2>/dev/null; do
  sleep 1
done
revoke_started=$(date +%s%3N)
"$orch" keys revoke "${key_id[revoked]}" >/dev/null
revoked_at=$(date +%s%3N)
echo "$revoked_at" >"$tmp/revoked"
say "key ${key_id[revoked]} revoked (the command took $((revoked_at - revoke_started)) ms)"
load_status=0
wait "$load_pid" || load_status=$?
cat "$tmp/logs/load.err" >&2
if [ "$load_status" != 0 ] || [ ! -s "$tmp/records.csv" ]; then
  echo "error: the load generator failed (exit $load_status)" >&2
  exit 1
fi

# Replicas drain on SIGTERM and commit every queued ledger row before they exit; the rows are checked after.
for p in "${serve_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${serve_pids[@]}"; do wait "$p" 2>/dev/null || true; done

# --- Builds: wait until every submitted one has finished -----------------------------------------------------------
if [ ${#build_ids[@]} -gt 0 ]; then
  ids_sql="$(printf "'%s'," "${build_ids[@]}")"
  ids_sql="${ids_sql%,}"
  deadline=$((SECONDS + build_timeout))
  while :; do
    open="$("${psql[@]}" -d scale -tAc "SELECT COUNT(*) FROM builds WHERE id IN ($ids_sql) AND finished_at IS NOT NULL")"
    [ "$open" -ge "${#build_ids[@]}" ] && break
    if [ $SECONDS -ge $deadline ]; then say "builds not finished after $build_timeout s"; break; fi
    sleep 5
  done
fi

# --- Checks --------------------------------------------------------------------------------------------------------
failed=0
check() {   # NAME PASS(0/1) DETAIL
  if [ "$2" = 1 ]; then printf 'PASS  %s: %s\n' "$1" "$3"; else printf 'FAIL  %s: %s\n' "$1" "$3"; failed=1; fi
}
q() { "${psql[@]}" -d scale -tA -F ' ' -c "$1"; }

"${psql[@]}" -d scale -c "CREATE SCHEMA scale_test; CREATE TABLE scale_test.requests (replica INT, key_name TEXT,
  sent_ms BIGINT, done_ms BIGINT, status INT, code TEXT, request_id TEXT, warmup INT)" >/dev/null
"${psql[@]}" -d scale -c "\\copy scale_test.requests FROM '$tmp/records.csv' WITH (FORMAT csv, HEADER true)" >/dev/null

echo
cat "$tmp/load.txt"
echo

# Refused or failed by a replica: a 5xx, or a refusal no check expects. Requests without an answer (the client's
# connection failed or it gave up after 120 s: on a machine this loaded, mostly while the processes are cold) are
# not the replicas' answers; they are counted and named, and their rows are accounted for in the ledger check.
read -r total ok no_answer warm_no_answer server_errors < <(q "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 200),
  COUNT(*) FILTER (WHERE status = 0 AND warmup = 0), COUNT(*) FILTER (WHERE status = 0 AND warmup = 1),
  COUNT(*) FILTER (WHERE status >= 500) FROM scale_test.requests")
read -r unexpected < <(q "SELECT COUNT(*) FROM scale_test.requests WHERE status <> 200 AND status <> 0
  AND status < 500 AND NOT (key_name = 'revoked' AND status = 401 AND sent_ms >= $revoke_started)
  AND NOT (key_name = 'budgeted' AND status = 429 AND code = 'budget_exhausted')")
no_answer_kinds="$(q "SELECT STRING_AGG(code || ' ' || n, ', ') FROM (SELECT code, COUNT(*) AS n
  FROM scale_test.requests WHERE status = 0 GROUP BY code ORDER BY code) k")"
check "no request failed or wrongly refused by a replica" \
  "$([ "$server_errors" = 0 ] && [ "$unexpected" = 0 ] && echo 1 || echo 0)" \
  "$total requests, $ok answered 200; $server_errors with 5xx; $unexpected refused other than expected"
echo "NOTE  requests without an answer: $no_answer after the warm-up, $warm_no_answer in it${no_answer_kinds:+ ($no_answer_kinds)}"

# A request whose client gave up may still have been served and recorded: such rows are not lost, and are counted.
read -r missing extra rows < <(q "SELECT
  (SELECT COUNT(*) FROM scale_test.requests r WHERE r.status = 200 AND NOT EXISTS
     (SELECT 1 FROM calls c WHERE c.request_id = r.request_id AND c.outcome = 'ok')),
  (SELECT COUNT(*) FROM calls c WHERE c.outcome = 'ok' AND c.key_id IN
     ('${key_id[team]}', '${key_id[budgeted]}', '${key_id[revoked]}') AND NOT EXISTS
     (SELECT 1 FROM scale_test.requests r WHERE r.request_id = c.request_id AND r.status = 200)),
  (SELECT COUNT(*) FROM calls c WHERE c.key_id IN ('${key_id[team]}', '${key_id[budgeted]}', '${key_id[revoked]}'))")
gave_up=$((no_answer + warm_no_answer))
check "no lost ledger row" "$([ "$missing" = 0 ] && [ "$extra" -le "$gave_up" ] && echo 1 || echo 0)" \
  "$ok answers 200, $rows ledger rows for the run's keys; $missing answers without their row; $extra ok rows without a 200 (at most the $gave_up requests whose client gave up)"

read -r budget_n spent_n held_n ledger_n refused_budget < <(q "SELECT k.budget_nanos, k.spent_nanos, k.held_nanos,
  (SELECT COALESCE(ROUND(SUM(CAST(c.cost_usd AS NUMERIC)) * 1000000000), 0) FROM calls c WHERE c.key_id = k.id),
  (SELECT COUNT(*) FROM scale_test.requests WHERE key_name = 'budgeted' AND code = 'budget_exhausted')
  FROM gateway_keys k WHERE k.id = '${key_id[budgeted]}'")
usd() { awk -v n="$1" 'BEGIN { printf "$%.6f", n / 1e9 }'; }
check "spend within the budget" \
  "$([ "$spent_n" -le "$budget_n" ] && [ "$held_n" = 0 ] && [ "$refused_budget" -gt 0 ] && echo 1 || echo 0)" \
  "settled $(usd "$spent_n") of $(usd "$budget_n") (bound: the budget, docs/gateway.md 'Per-key budgets'), held $(usd "$held_n") at the end, $refused_budget requests refused with budget_exhausted"
check "key spend equals its ledger rows" "$([ "$spent_n" = "$ledger_n" ] && echo 1 || echo 0)" \
  "key $(usd "$spent_n"), ledger $(usd "$ledger_n")"

revocation_ok=1
revocation_detail=""
for i in $(seq 0 $((replicas - 1))); do
  read -r before_ok after after_401 < <(q "SELECT
    COUNT(*) FILTER (WHERE sent_ms < $revoke_started AND status = 200),
    COUNT(*) FILTER (WHERE sent_ms >= $revoked_at),
    COUNT(*) FILTER (WHERE sent_ms >= $revoked_at AND status = 401)
    FROM scale_test.requests WHERE key_name = 'revoked' AND replica = $i")
  [ "$before_ok" -gt 0 ] && [ "$after" -gt 0 ] && [ "$after" = "$after_401" ] || revocation_ok=0
  revocation_detail+="replica $((i + 1)): $before_ok ok before, $after_401 of $after refused after; "
done
check "revocation effective on every replica" "$revocation_ok" "${revocation_detail%; }"

if [ ${#build_ids[@]} -gt 0 ]; then
  listed="$("$orch" builds --json)"
  builds_ok=1
  builds_detail=""
  for id in "${build_ids[@]}"; do
    # The build's own fields come before its nested objects in 'builds --json'; no JSON tool is assumed here.
    entry="$(printf '%s' "$listed" | tr -d '\n ' | grep -oE "\{\"id\":\"$id\"[^{}]*" | head -n 1 || true)"
    outcome="$(printf '%s' "$entry" | json_field outcome)"
    worker="$(printf '%s' "$entry" | json_field worker)"
    known=0
    for w in "${worker_names[@]}"; do [ "$worker" = "$w" ] && known=1; done
    [ "$outcome" = verified ] && [ "$known" = 1 ] || builds_ok=0
    builds_detail+="$id ${outcome:-not finished} by ${worker:-no worker}; "
  done
  check "builds done by the workers" "$builds_ok" "${builds_detail%; }"
elif [ -n "$workers_note" ]; then
  echo "SKIP  builds done by the workers: $workers_note"
fi

echo
# Answers (200) per second in the measured part, from the records: in total and per replica.
awk -F, -v n="$replicas" -v c="$clients" 'NR > 1 && $8 == 0 {
    if (first == "" || $3 < first) first = $3
    if ($4 > last) last = $4
    if ($5 == 200) { ok[$1]++; all++ }
  }
  END {
    s = (last - first) / 1000
    printf "throughput of %d replicas: %.1f answers/s in total (", n, all / s
    for (i = 0; i < n; i++) printf "%s%.1f", (i ? ", " : ""), ok[i] / s
    printf " per replica), %d clients, %.0f s measured\n", c, s
  }' "$tmp/records.csv"

if [ "$failed" != 0 ]; then
  echo "scale test: FAILED"
  exit 1
fi
echo "scale test: PASSED"
