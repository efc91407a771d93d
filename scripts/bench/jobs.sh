#!/usr/bin/env bash
# Durable jobs benchmark (issue 4). Builds release, starts its own PostgreSQL cluster with durable commits
# (fsync=on, synchronous_commit=on) and measures, with the no-op `diagnostics` handler:
#   - throughput draining a backlog: SQLite (serve, one process) and PostgreSQL (1 and 3 `concierge worker`)
#   - pickup latency (enqueue commit -> claim, p50/p99) at a steady HTTP enqueue rate, same setups
#   - recovery: a worker holding jobs is SIGKILLed; time until they run on another worker
#   - PostgreSQL transactions and WAL bytes per job while draining
# Usage: scripts/bench/jobs.sh            (env: N=50000 LAT_N=2000 RATE=500 CONC=256 PGPORT=55499)
# Prints a Markdown block for docs/benchmarks.md. Needs postgresql (initdb/pg_ctl/psql), sqlite3 and python3.
set -euo pipefail
N=${N:-50000}; LAT_N=${LAT_N:-2000}; RATE=${RATE:-500}; CONC=${CONC:-256}; PGPORT=${PGPORT:-55499}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build -c release --product concierge >/dev/null
BIN="$root/.build/release/concierge"
work=$(mktemp -d /tmp/concierge-bench-jobs.XXXXXX); chmod 755 "$work"
pids=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL with durable commits: let pg-cluster initialise it, then restart it with fsync on.
admin=$(scripts/pg-cluster start "$work/pg" "$PGPORT"); scripts/pg-cluster stop "$work/pg"
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $work/pg -c fsync=on -c synchronous_commit=on -c max_connections=300" start >/dev/null
psqlc() { psql "$1" -v ON_ERROR_STOP=1 -qAt -c "$2"; }
fresh_db() { psqlc "$admin" "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; psqlc "$admin" "CREATE DATABASE $1"; echo "${admin%/concierge*}/$1?sslmode=disable"; }

export CONCIERGE_LOG_LEVEL=warning CONCIERGE_JOBS_CONCURRENCY=$CONC CONCIERGE_JOBS_HEARTBEAT_S=2 CONCIERGE_DB_POOL_SIZE=8
TOKEN=bench-admin-token-0123456789

wait_for() {  # wait_for TIMEOUT_S CMD...: until CMD prints "1"
  local deadline=$((SECONDS + $1)); shift
  until [ "$("$@")" = 1 ]; do [ $SECONDS -lt $deadline ] || { echo "timed out: $*" >&2; return 1; }; sleep 0.1; done
}
sqlite_q() { sqlite3 "$1/concierge.sqlite" "$2"; }
percentiles() { python3 -c '
import sys
v = sorted(float(x) for x in sys.stdin.read().split())
p = lambda q: v[min(len(v) - 1, int(q * len(v)))]
print("%d jobs: p50 %.2f ms, p99 %.2f ms, max %.2f ms" % (len(v), p(0.50), p(0.99), v[-1]))'; }
load() {  # load PORT COUNT RATE: POST COUNT no-op jobs at RATE per second over one keep-alive connection
  python3 - "$@" <<'PY'
import http.client, sys, time
port, count, rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
h = {"Authorization": "Bearer bench-admin-token-0123456789", "Content-Type": "application/json"}
start = time.monotonic()
for i in range(count):
    delay = start + i / rate - time.monotonic()
    if delay > 0: time.sleep(delay)
    c.request("POST", "/admin/jobs", body='{"queue":"diagnostics","payload":{}}', headers=h)
    r = c.getresponse(); r.read()
    assert r.status == 201, r.status
PY
}
start_serve() {  # start_serve PORT [ENV…]: serve in the background, wait until it answers
  local port=$1; shift
  env CONCIERGE_PORT="$port" CONCIERGE_AUTH=off CONCIERGE_RATE_LIMIT_RPM=0 "$@" "$BIN" serve >"$work/serve-$port.log" 2>&1 &
  pids+=($!); serve_pid=$!
  wait_for 60 sh -c "curl -sf -o /dev/null http://127.0.0.1:$port/health && echo 1 || echo 0"
}
out="$work/result.md"
{
  echo "Machine: $(nproc) cores, $(free -h | awk '/Mem:/{print $2}') RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);"
  echo "PostgreSQL $(psqlc "$admin" 'SHOW server_version') with fsync=on, synchronous_commit=on; SQLite WAL, synchronous=NORMAL."
  echo "Command: \`N=$N LAT_N=$LAT_N RATE=$RATE CONC=$CONC scripts/bench/jobs.sh\` (release build, no-op diagnostics jobs, concurrency $CONC per process)."
  echo
} >"$out"

# --- SQLite: throughput and latency, workers in `serve` ---
dir="$work/sqlite"; export CONCIERGE_DATA_DIR=$dir
"$BIN" migrate >/dev/null; "$BIN" jobs enqueue --queue diagnostics --count "$N" >/dev/null
start_serve 18431
wait_for 600 sqlite_q "$dir" "SELECT COUNT(*) = $N FROM jobs WHERE state = 'completed'"
kill -TERM "$serve_pid"; wait "$serve_pid" || true
sqlite_tp=$(sqlite_q "$dir" "SELECT printf('%.0f', COUNT(*) / ((MAX(finished_at) - MIN(claimed_at)) / 1e6)) FROM jobs")
rm -rf "$dir"; "$BIN" migrate >/dev/null
start_serve 18432
load 18432 "$LAT_N" "$RATE"
wait_for 60 sqlite_q "$dir" "SELECT COUNT(*) = $LAT_N FROM jobs WHERE state = 'completed'"
sqlite_lat=$(sqlite_q "$dir" "SELECT (claimed_at - created_at) / 1000.0 FROM jobs" | percentiles)
kill -TERM "$serve_pid"; wait "$serve_pid" || true
unset CONCIERGE_DATA_DIR
echo "| SQLite, serve (1 process) | $sqlite_tp | $sqlite_lat | |" >"$work/rows.md"

# --- PostgreSQL: 1 and 3 worker processes ---
for workers in 1 3; do
  url=$(fresh_db bench_tp_$workers)
  DATABASE_URL=$url "$BIN" migrate >/dev/null
  DATABASE_URL=$url "$BIN" jobs enqueue --queue diagnostics --count "$N" >/dev/null
  before=$(psqlc "$url" "SELECT xact_commit || ' ' || pg_current_wal_lsn() FROM pg_stat_database WHERE datname = current_database()")
  wpids=()
  for _ in $(seq "$workers"); do DATABASE_URL=$url "$BIN" worker >>"$work/worker.log" 2>&1 & pids+=($!); wpids+=($!); done
  wait_for 600 psqlc "$url" "SELECT (count(*) = $N)::int FROM jobs WHERE state = 'completed'"
  after=$(psqlc "$url" "SELECT xact_commit || ' ' || pg_current_wal_lsn() FROM pg_stat_database WHERE datname = current_database()")
  kill -TERM "${wpids[@]}"; wait "${wpids[@]}" || true
  tp=$(psqlc "$url" "SELECT round(count(*) / extract(epoch FROM max(finished_at) - min(claimed_at))) FROM jobs")
  read -r x0 l0 <<<"$before"; read -r x1 l1 <<<"$after"
  per=$(psqlc "$url" "SELECT round(($x1 - $x0)::numeric / $N, 3) || ' tx, ' || round(pg_wal_lsn_diff('$l1', '$l0') / $N) || ' WAL bytes'")
  # latency: an HTTP-only serve enqueues, the workers pick up through LISTEN/NOTIFY
  url=$(fresh_db bench_lat_$workers)
  DATABASE_URL=$url "$BIN" migrate >/dev/null
  wpids=()
  for _ in $(seq "$workers"); do DATABASE_URL=$url "$BIN" worker >>"$work/worker.log" 2>&1 & pids+=($!); wpids+=($!); done
  start_serve 18433 DATABASE_URL="$url" CONCIERGE_JOBS_WORKERS=false
  sleep 1
  load 18433 "$LAT_N" "$RATE"
  wait_for 60 psqlc "$url" "SELECT (count(*) = $LAT_N)::int FROM jobs WHERE state = 'completed'"
  lat=$(psqlc "$url" "SELECT extract(epoch FROM claimed_at - created_at) * 1000 FROM jobs" | percentiles)
  kill -TERM "$serve_pid" "${wpids[@]}"; wait "$serve_pid" "${wpids[@]}" || true
  echo "| PostgreSQL, $workers \`concierge worker\` | $tp | $lat | $per |" >>"$work/rows.md"
done

# --- Recovery: SIGKILL a worker holding jobs; when do they run elsewhere? ---
LEASE=${LEASE:-5}
url=$(fresh_db bench_recovery)
DATABASE_URL=$url "$BIN" migrate >/dev/null
DATABASE_URL=$url CONCIERGE_JOBS_LEASE_S=$LEASE CONCIERGE_JOBS_HEARTBEAT_S=1 CONCIERGE_JOBS_CONCURRENCY=8 "$BIN" worker >>"$work/worker.log" 2>&1 &
victim=$!; pids+=($victim)
DATABASE_URL=$url "$BIN" jobs enqueue --queue diagnostics --payload '{"sleep_ms":30000}' --count 8 >/dev/null
wait_for 30 psqlc "$url" "SELECT (count(*) = 8)::int FROM jobs WHERE state = 'active'"
DATABASE_URL=$url CONCIERGE_JOBS_LEASE_S=$LEASE CONCIERGE_JOBS_HEARTBEAT_S=1 CONCIERGE_JOBS_CONCURRENCY=8 "$BIN" worker >>"$work/worker.log" 2>&1 &
pids+=($!)
sleep 2
killed=$(date +%s.%N); kill -9 "$victim"; wait "$victim" 2>/dev/null || true
wait_for 60 psqlc "$url" "SELECT (count(*) = 8)::int FROM jobs WHERE state = 'active' AND attempts = 2"
recovery=$(psqlc "$url" "SELECT round(extract(epoch FROM max(claimed_at)) - $killed, 2) FROM jobs")
{
  echo "| Setup | Throughput (jobs/s, draining $N) | Pickup latency (enqueue -> claim, $LAT_N jobs at $RATE/s) | PostgreSQL per job while draining |"
  echo "| --- | --- | --- | --- |"
  cat "$work/rows.md"
  echo
  echo "Recovery: a worker holding 8 running jobs was SIGKILLed; all 8 were running on the other worker $recovery s later (lease $LEASE s; target: lease + 1 s)."
} >>"$out"
cat "$out"
