#!/usr/bin/env bash
# Tasks benchmark (issue 5): end-to-end runs of "What is 17.5% of 2,340 and what time is it in Tokyo?" through
# `POST /v1/tasks` with `wait`, on a release build, with an API key (the production path), offline tools
# (calculator + clock) and a zero-latency scripted model (nginx answering a fixed plan and a passing verdict;
# scripts/bench/model-fixture.py), so each run is: LLM planner -> 2 tool calls -> LLM judge.
#
#   - runs/s with the server on one core (taskset -c 0) and on both, SQLite and PostgreSQL (fsync=on), LLM planner;
#     and SQLite with the rule planner (no model call)
#   - lone-run latency (one client, submit with wait -> finished run): p50/p99
#   - resident memory with 1,000 runs in flight (model answering after SLOW_S=10 s; VmRSS sampled, VmHWM): all executing
#     at once with 1,000 model calls open; with a bounded pool (BOUNDED=64 executing, the rest queued); all executing
#     with the deployment's default max_concurrency (64 calls open); the last two sampled for SAMPLE_S=25 s
#   - SIGKILL: the server is killed while runs are in flight; after a restart every accepted run must finish
# Standard error shows, per measured load, context switches and bytes written per run and how much of CPU 0 the host
# stole (hypervisor steal in /proc/stat), to tell a slower build from a busier host.
#
# Usage: scripts/bench/tasks.sh            (env: DURATION=10 CONC=64 PGPORT=55498 INFLIGHT=1000 SKIP_PG=)
#   QUICK=1: only the one-core runs/s + lone-run rows (no two-core rows, in-flight memory, SIGKILL or PostgreSQL),
#   which hold the shared benchmark lock for about a minute. BIN=path measures another build (for before/after).
#   PG_ONLY=1: only the PostgreSQL rows (with QUICK=1, only its one-core row).
#   RULES=0 skips the SQLite rule-planner rows (for quicker before/after pairs of the LLM-planner row).
#   KEEP=1 leaves the work directory (databases, logs) in /tmp instead of removing it.
#   BENCH_PERF_DIR=dir records a perf profile of the server during each measured one-core load (dir/<label>.data);
#   BENCH_PERF_ARGS="-e context-switches -c 1" records where its threads switch instead of CPU samples.
# Needs wrk, nginx (nginx-light), postgresql, sqlite3, python3. The load generator and the model fixture run on
# core 1 (taskset -c 1); in the two-core rows they share the machine with the server.
set -euo pipefail
DURATION=${DURATION:-10}; CONC=${CONC:-64}; PGPORT=${PGPORT:-55498}; INFLIGHT=${INFLIGHT:-1000}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ -z "${BIN:-}" ]; then
  swift build -c release --product concierge >/dev/null
  BIN="$root/.build/release/concierge"
fi
work=$(mktemp -d /tmp/concierge-bench-tasks.XXXXXX); chmod 755 "$work"
PORT=18181; MODEL_PORT=18182; SLOW_PORT=18183
TASK="What is 17.5% of 2,340 and what time is it in Tokyo?"
pids=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
cleanup() {  # TERM first: nginx's master stops its worker only then
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  [ -d "$work/pg" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# --- the scripted models: nginx at once, Python after SLOW_S (10 s, so that 1,000 runs are in flight together) ---
python3 scripts/bench/model-fixture.py "$MODEL_PORT" 0 nginx-conf "$work"
taskset -c 1 nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
taskset -c 1 python3 scripts/bench/model-fixture.py "$SLOW_PORT" "${SLOW_S:-10}" serve & pids+=($!)
config() {  # config FILE MODEL_PORT
  cat >"$1" <<YAML
llm:
  deployments:
    bench: { base_url: "http://127.0.0.1:$2/v1", model: bench, max_concurrency: 2048, timeout_s: 60 }
  aliases:
    default: [bench]
YAML
}
config "$work/fast.yaml" "$MODEL_PORT"; config "$work/slow.yaml" "$SLOW_PORT"
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.body = os.getenv("BENCH_BODY")
LUA

export CONCIERGE_LOG_LEVEL=error CONCIERGE_RATE_LIMIT_RPM=0 CONCIERGE_JOBS_CONCURRENCY=256 CONCIERGE_DB_POOL_SIZE=16
export CONCIERGE_LLM_LOCAL_PORT=9
wait_ready() { for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && return 0; sleep 0.1; done; echo "server did not start" >&2; return 1; }
start_server() {  # start_server CPUS CONFIG [ENV…]: serve on PORT, pinned to CPUS
  local cpus=$1 cfg=$2; shift 2
  env CONCIERGE_PORT=$PORT CONCIERGE_CONFIG="$cfg" "$@" taskset -c "$cpus" "$BIN" serve >>"$work/serve.log" 2>&1 &
  server_pid=$!; pids+=($server_pid)
  wait_ready
}
stop_server() { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
new_key() { "$@" "$BIN" keys create --name "bench-$RANDOM" --role admin | tail -n 1; }
body() { printf '{"task":"%s","wait":30%s}' "$TASK" "${1:+,\"planner\":\"$1\"}"; }
# wrk's "50%  1.23ms" -> milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n / 1000; else if (v ~ /ms$/) print n; else if (v ~ /s$/) print n * 1000; else print n }'; }
load() {  # load CONNECTIONS SECONDS PLANNER -> "runs/s p50_ms p99_ms"
  local out
  out=$(BENCH_KEY=$key BENCH_BODY=$(body "$3") taskset -c 1 wrk -t1 -c"$1" -d"$2s" --latency --timeout 30s -s "$work/post.lua" "http://127.0.0.1:$PORT/v1/tasks")
  if echo "$out" | grep -q "Non-2xx\|Socket errors"; then echo "$out" >&2; echo "errors during the load" >&2; exit 1; fi
  echo "$(echo "$out" | awk '/^Requests\/sec/ { print $2 }') $(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')") $(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")"
}
check_runs() {  # check_runs QUERY_CMD… : every run succeeded, planned by the expected planner, judged by the model
  local bad; bad=$("$@" "SELECT COUNT(*) FROM task_runs WHERE status <> 'succeeded'")
  [ "$bad" = 0 ] || { echo "$bad runs did not succeed" >&2; exit 1; }
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime of the server
# context switches of the server's live threads (voluntary + involuntary): thread hand-offs cost CPU on one core
ctx_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'; }
# bytes the server has written to files (the WAL, checkpoints into the database file) and sockets: /proc/PID/io wchar
written_bytes() { awk '$1 == "wchar:" { print $2 }' "/proc/$1/io"; }
# CPU 0's tick counters (total, steal): how much of the server's core the hypervisor gave to other guests
cpu0_ticks() { awk '$1 == "cpu0" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9 }' /proc/stat; }
rss_mb() { awk -v k="$2" '$1 == k":" { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
rows="$work/rows.md"; : >"$rows"

measure() {  # measure LABEL PLANNER QUERY_CMD… (server env in SERVER_ENV, the store's migrate env in STORE_ENV)
  local label=$1 planner=$2; shift 2
  local cpu_sets="0 0,1"; [ -n "${QUICK:-}" ] && cpu_sets=0
  for cpus in $cpu_sets; do
    start_server "$cpus" "$work/fast.yaml" "${SERVER_ENV[@]}"
    load "$CONC" 2 "$planner" >/dev/null  # warm up
    local cpu0 runs0 cpu1 runs1 ctx0 ctx1 io0 io1 tick0 steal0 tick1 steal1
    read -r tick0 steal0 < <(cpu0_ticks)
    cpu0=$(cpu_ticks "$server_pid"); ctx0=$(ctx_switches "$server_pid"); io0=$(written_bytes "$server_pid"); runs0=$("$@" "SELECT COUNT(*) FROM task_runs")
    if [ -n "${BENCH_PERF_DIR:-}" ] && [ "$cpus" = 0 ]; then
      perf record ${BENCH_PERF_ARGS:--F 999} -g -p "$server_pid" -o "$BENCH_PERF_DIR/$(echo "$label" | tr -c 'a-zA-Z0-9\n' '-').data" -- sleep "$DURATION" >/dev/null 2>&1 &
    fi
    read -r rps _ _ < <(load "$CONC" "$DURATION" "$planner")
    cpu1=$(cpu_ticks "$server_pid"); ctx1=$(ctx_switches "$server_pid"); io1=$(written_bytes "$server_pid"); runs1=$("$@" "SELECT COUNT(*) FROM task_runs")
    read -r tick1 steal1 < <(cpu0_ticks)
    echo "$label, cores $cpus: $(( (ctx1 - ctx0) / (runs1 - runs0) )) context switches per run, $(( (io1 - io0) / (runs1 - runs0) / 1024 )) KiB written per run (files and sockets), CPU 0 stolen by the host $(( 100 * (steal1 - steal0) / (tick1 - tick0 + 1) )) %" >&2
    local per_run; per_run=$(awk -v c=$((cpu1 - cpu0)) -v n=$((runs1 - runs0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", c * 1000 / hz / n }')
    local cores=1; [ "$cpus" = 0,1 ] && cores=2
    if [ $cores = 1 ]; then
      read -r _ p50 p99 < <(load 1 "$DURATION" "$planner")
      echo "| $label | $cores | $rps | $per_run | $p50 / $p99 | $(rss_mb "$server_pid" VmHWM) |" >>"$rows"
    else
      echo "| $label | $cores | $rps | $per_run | | $(rss_mb "$server_pid" VmHWM) |" >>"$rows"
    fi
    stop_server
  done
  check_runs "$@"
  if [ -n "$planner" ]; then return; fi
  local wrong; wrong=$("$@" "SELECT COUNT(*) FROM task_runs WHERE document NOT LIKE '%\"planner\":\"llm\"%' OR document NOT LIKE '%\"method\":\"llm\"%'")
  [ "$wrong" = 0 ] || { echo "$wrong runs were not planned and judged by the scripted model" >&2; exit 1; }
}

inflight_line=""; bounded_line=""; gated_line=""; kill_line=""
if [ -z "${PG_ONLY:-}" ]; then  # (the SQLite sections, to the matching `fi` below)
# --- SQLite ---
sq() { sqlite3 "$work/sqlite/concierge.sqlite" "$1"; }
export CONCIERGE_DATA_DIR="$work/sqlite"
"$BIN" migrate >/dev/null; key=$(new_key env)
SERVER_ENV=(CONCIERGE_DATA_DIR="$work/sqlite")
measure "SQLite, LLM planner + judge (scripted, 0 ms)" "" sq
[ "${RULES:-1}" = 0 ] || measure "SQLite, rule planner, no model call" rules sq
if [ -n "${QUICK:-}" ]; then
  echo "Machine: load average before the run $load_before. Command: \`QUICK=1 DURATION=$DURATION CONC=$CONC scripts/bench/tasks.sh\`"
  echo "| Setup | Server cores | Runs/s ($CONC clients, submit with wait) | Server CPU per run (ms) | Lone run p50 / p99 (ms) | Peak RSS (MB) |"
  cat "$rows"
  exit 0
fi

submit_inflight() {  # submit_inflight KEY: INFLIGHT runs without wait, one connection, each must be accepted (202)
  python3 - "$PORT" "$1" "$INFLIGHT" "$(body "" | sed 's/"wait":30/"wait":0/')" <<'PY'
import http.client, sys
port, key, n, body = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    c.request("POST", "/v1/tasks", body=body, headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    r = c.getresponse(); r.read(); assert r.status == 202, r.status
PY
}

# --- 1,000 runs in flight (SQLite; the model answers after 2 s) ---
start_server 0 "$work/slow.yaml" CONCIERGE_DATA_DIR="$work/sqlite" CONCIERGE_JOBS_CONCURRENCY=$INFLIGHT
idle=$(rss_mb "$server_pid" VmRSS)
before=$(sq "SELECT COUNT(*) FROM task_runs")
submit_inflight "$key"
peak_flight=0; peak_rss=0
for _ in $(seq 600); do
  flight=$(sq "SELECT COUNT(*) FROM task_runs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')")
  rss=$(rss_mb "$server_pid" VmRSS)
  [ "$flight" -gt "$peak_flight" ] && peak_flight=$flight
  [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
  [ "$flight" = 0 ] && break
  sleep 0.1
done
hwm=$(rss_mb "$server_pid" VmHWM)
stop_server
check_runs sq
inflight_line="$INFLIGHT runs submitted without wait against a model answering after ${SLOW_S:-10} s per call (jobs concurrency $INFLIGHT, server on one core): idle RSS $idle MB; at most $peak_flight runs unfinished at a sample; peak sampled VmRSS $peak_rss MB, VmHWM $hwm MB."

# Sampled in-flight memory: INFLIGHT runs submitted to a fresh store, RSS and the runs' states sampled for SAMPLE_S
# seconds, then the server stopped. sample_inflight NAME CONFIG JOBS_CONCURRENCY -> "unfinished executing rss hwm"
sample_inflight() {
  local dir="$work/sqlite-$1" flight executing rss
  CONCIERGE_DATA_DIR="$dir" "$BIN" migrate >/dev/null
  local skey; skey=$(new_key env CONCIERGE_DATA_DIR="$dir")
  start_server 0 "$2" CONCIERGE_DATA_DIR="$dir" CONCIERGE_JOBS_CONCURRENCY="$3"
  submit_inflight "$skey"
  local most=0 most_executing=0 peak=0
  for _ in $(seq $(( ${SAMPLE_S:-25} * 10 ))); do
    flight=$(sqlite3 "$dir/concierge.sqlite" "SELECT COUNT(*) FROM task_runs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')")
    executing=$(sqlite3 "$dir/concierge.sqlite" "SELECT COUNT(*) FROM jobs WHERE queue = 'tasks' AND state = 'active'")
    rss=$(rss_mb "$server_pid" VmRSS)
    [ "$flight" -gt "$most" ] && most=$flight
    [ "$executing" -gt "$most_executing" ] && most_executing=$executing
    [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.1
  done
  local hwm; hwm=$(rss_mb "$server_pid" VmHWM)
  stop_server
  echo "$most $most_executing $peak $hwm"
}

# --- the same 1,000 runs in flight with a bounded worker pool (BOUNDED=64 run at once, the rest wait in the durable
# queue, as a deployment with a provider concurrency limit would run) ---
read -r bounded_flight bounded_executing bounded_rss bounded_hwm < <(sample_inflight bounded "$work/slow.yaml" "${BOUNDED:-64}")
bounded_line="The same $INFLIGHT runs with a bounded pool (jobs concurrency ${BOUNDED:-64}; the others wait in the durable queue), sampled for ${SAMPLE_S:-25} s: at most $bounded_flight runs unfinished and $bounded_executing executing at a sample; peak sampled VmRSS $bounded_rss MB, VmHWM $bounded_hwm MB."

# --- the same 1,000 runs all executing at once, with the model deployment at its default max_concurrency (64 calls
# open; the other runs wait for a slot in the router, as they would behind any provider's concurrency limit) ---
config "$work/gated.yaml" "$SLOW_PORT"; sed -i 's/ max_concurrency: 2048,//' "$work/gated.yaml"
read -r gated_flight gated_executing gated_rss gated_hwm < <(sample_inflight gated "$work/gated.yaml" "$INFLIGHT")
gated_line="The same $INFLIGHT runs all executing at once (jobs concurrency $INFLIGHT) with the deployment's default max_concurrency (64 model calls open, the other runs waiting for a slot), sampled for ${SAMPLE_S:-25} s: at most $gated_flight runs unfinished and $gated_executing executing at a sample; peak sampled VmRSS $gated_rss MB, VmHWM $gated_hwm MB."

# --- SIGKILL while runs are in flight (SQLite) ---
start_server 0 "$work/slow.yaml" CONCIERGE_DATA_DIR="$work/sqlite" CONCIERGE_JOBS_LEASE_S=3 CONCIERGE_JOBS_HEARTBEAT_S=1
python3 - "$PORT" "$key" "$(body "" | sed 's/"wait":30/"wait":0/')" "$work/accepted.txt" <<'PY' &
import http.client, json, sys
port, key, body, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
with open(out, "w") as f:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port)
        while True:
            c.request("POST", "/v1/tasks", body=body, headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
            r = c.getresponse(); run = json.loads(r.read())
            if r.status == 202:
                f.write(run["id"] + "\n"); f.flush()
    except Exception:
        pass  # the server died
PY
client=$!
sleep 3
kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true; wait "$client" || true
accepted=$(wc -l <"$work/accepted.txt")
# The restart answers at once, so that the check measures durability rather than the slow model's pace.
start_server 0 "$work/fast.yaml" CONCIERGE_DATA_DIR="$work/sqlite" CONCIERGE_JOBS_LEASE_S=3 CONCIERGE_JOBS_HEARTBEAT_S=1
ids=$(sed "s/.*/'&'/" "$work/accepted.txt" | paste -sd,)
stored=$(sq "SELECT COUNT(*) FROM task_runs WHERE id IN ($ids)")
for _ in $(seq 600); do
  [ "$(sq "SELECT COUNT(*) FROM task_runs WHERE id IN ($ids) AND status IN ('succeeded', 'failed', 'cancelled')")" = "$accepted" ] && break
  sleep 0.2
done
survived=$(sq "SELECT COUNT(*) FROM task_runs WHERE id IN ($ids) AND status = 'succeeded'")
stop_server
kill_line="SIGKILL: the server was killed 3 s into a stream of submissions (model answering after ${SLOW_S:-10} s, lease 3 s); $accepted runs had been accepted (202), $stored of them were in the store after the kill; after a restart (model at once) $survived of them succeeded."
unset CONCIERGE_DATA_DIR
fi  # PG_ONLY

# --- PostgreSQL (fsync on), pinned to core 1 like the load generator ---
pg_line=""
if [ -z "${SKIP_PG:-}" ]; then
  admin=$(scripts/pg-cluster start "$work/pg" "$PGPORT"); scripts/pg-cluster stop "$work/pg"
  as_pg taskset -c 1 "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $work/pg -c fsync=on -c synchronous_commit=on -c max_connections=300" start >/dev/null
  url="${admin%/concierge*}/bench_tasks?sslmode=disable"
  psql "$admin" -qAt -c "CREATE DATABASE bench_tasks" >/dev/null
  pq() { psql "$url" -qAt -c "$1"; }
  DATABASE_URL=$url "$BIN" migrate >/dev/null; key=$(new_key env DATABASE_URL="$url")
  SERVER_ENV=(DATABASE_URL="$url")
  measure "PostgreSQL (fsync on), LLM planner + judge (scripted, 0 ms)" "" pq
  pg_line="PostgreSQL $(pq 'SHOW server_version') with fsync=on, synchronous_commit=on, on core 1."
fi

echo "Machine: load average before the run $load_before; $(nproc) cores, $(free -h | awk '/Mem:/{print $2}') RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). $pg_line"
echo "Command: \`DURATION=$DURATION CONC=$CONC scripts/bench/tasks.sh\` (release build; wrk with $CONC connections for runs/s, 1 for latency; load generator and model fixture on core 1)."
echo
echo "| Setup | Server cores | Runs/s ($CONC clients, submit with wait) | Server CPU per run (ms) | Lone run p50 / p99 (ms) | Peak RSS (MB) |"
echo "| --- | --- | --- | --- | --- | --- |"
cat "$rows"
echo
echo "$inflight_line"
echo
echo "$bounded_line"
echo
echo "$gated_line"
echo
echo "$kill_line"
