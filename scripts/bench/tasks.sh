#!/usr/bin/env bash
# Tasks benchmark (issue 5), SQLite, offline: the rule planner and the offline tools (calculator + clock), no model
# reachable (its circuit opens after the first failures, so the judge is skipped fast). Measures:
#   - end-to-end runs/s: N tasks submitted by CONC concurrent clients, each `POST /v1/tasks` with `wait`
#   - submit-to-result latency of a lone run (p50/p99 over LONE sequential runs)
#   - resident memory of the server after the load
# Usage: scripts/bench/tasks.sh   (env: N=2000 CONC=64 LONE=200 BUILD=release PORT=18181)
# Not yet measured here: PostgreSQL, a zero-latency scripted model, 1,000 runs in flight.
set -euo pipefail
N=${N:-2000}; CONC=${CONC:-64}; LONE=${LONE:-200}; BUILD=${BUILD:-release}; PORT=${PORT:-18181}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build -c "$BUILD" --product concierge >/dev/null
BIN="$root/.build/$BUILD/concierge"
work=$(mktemp -d /tmp/concierge-bench-tasks.XXXXXX)
CONCIERGE_DATA_DIR="$work/data" CONCIERGE_PORT=$PORT CONCIERGE_LLM_LOCAL_PORT=9 CONCIERGE_LOG_LEVEL=error \
  CONCIERGE_JOBS_CONCURRENCY=$CONC CONCIERGE_JOBS_POLL_MS=50 "$BIN" serve >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
python3 - "$PORT" "$N" "$CONC" "$LONE" "$pid" <<'PY'
import json, statistics, sys, threading, time, urllib.request
port, n, conc, lone, pid = (int(a) for a in sys.argv[1:])
task = "What is 17.5% of 2,340 and what time is it in Tokyo?"
def submit():
    body = json.dumps({"task": task, "planner": "rules", "wait": 60}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/tasks", body, {"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:
        run = json.load(r)
    assert run["status"] == "succeeded", run.get("error")
    return time.perf_counter() - start
for _ in range(20): submit()  # warm up (opens the model circuit)
done = [0]; lock = threading.Lock()
def worker():
    while True:
        with lock:
            if done[0] >= n: return
            done[0] += 1
        submit()
start = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(conc)]
[t.start() for t in threads]; [t.join() for t in threads]
elapsed = time.perf_counter() - start
lat = sorted(submit() * 1000 for _ in range(lone))
rss = next(int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS")) / 1024
print(f"| SQLite, rules planner, offline tools | {n} runs, {conc} clients | {n/elapsed:.0f} runs/s | lone run p50 {statistics.median(lat):.1f} ms, p99 {lat[int(len(lat)*0.99)-1]:.1f} ms | RSS {rss:.0f} MB |")
PY
