#!/usr/bin/env bash
# Models gateway overhead: the same load against a fixture upstream directly, then through Concierge.
#
#   scripts/bench/gateway.sh [DURATION_S]        (default 10 s per run)
#
# Needs: wrk, nginx and its echo module (apt-get install -y wrk nginx-light libnginx-mod-http-echo), a release build
# (swift build -c release --product concierge).
# Two upstream profiles, both nginx answering a fixed Chat Completions body (plain) or a fixed 12-event SSE stream
# (streamed) from memory:
#   instant  answers at once (~90k req/s on this machine): measures Concierge's own CPU per call.
#   10ms     answers after a fixed 10 ms (echo_sleep): a provider far faster than any real one (hosted models take
#            hundreds of ms to a first token), so "share of direct" is what Concierge takes away from a provider.
# Select with BENCH_PROFILES="instant 10ms", BENCH_CONCURRENCY="1 64" and BENCH_KINDS="plain stream" (default: all).
# Concierge runs the production path: SQLite in a temp dir, authentication on, every call with an API key that has a
# request rate limit, a token rate limit and a daily budget (key lookup, GCRA checks, budget reservation and release,
# one ledger row per call), default settings otherwise, info logs to /dev/null.
# When the release build has bench-relay (swift build -c release --product bench-relay), the same loads also run
# through it: a bare Hummingbird → AsyncHTTPClient relay with nothing else, the floor any gateway on this stack pays.
# BENCH_PERF_DIR=dir records a perf profile of Concierge during each of its runs (dir/plain-instant-c64.data, …);
# BENCH_PERF_ARGS="-e context-switches -c 1" records where its threads switch instead of CPU samples.
# BENCH_COUNT_EVENTS="ev1,ev2" counts perf events in Concierge (and the relay) during each run and prints them per call
# on standard error: on a host without hardware counters, uprobes on allocation and task functions are counts that the
# host's noise moves by a few percent (repeat a count before reading it), e.g. after `perf probe -x /lib/x86_64-linux-gnu/libc.so.6 malloc` and
# `perf probe -x $(dirname $(readlink -f $(which swift)))/../lib/swift/linux/libswiftCore.so swift_retain`:
# BENCH_COUNT_EVENTS=probe_libc:malloc,probe_libswiftCore:swift_retain (they slow the process: read no timings then).
# Standard error also shows each run's context switches per call (all the process's threads).
# BENCH_ROUNDS=N (default 1) runs each load N times, direct, Concierge and relay taking turns, each run DURATION_S
# long: the host's slow spells then fall on all three alike. A row then reads: p50/p99 the median over the rounds,
# added latency the median of each round's difference, req/s the mean, CPU per call over all rounds.
# Prints a Markdown table: p50/p99 direct and through Concierge, added latency, throughput share, Concierge peak RSS.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
duration=${1:-10}
bin=${CONCIERGE_BIN:-$root/.build/release/concierge}
up_port=${BENCH_UPSTREAM_PORT:-18091}
gw_port=${BENCH_GATEWAY_PORT:-18090}
relay_bin=${BENCH_RELAY_BIN:-$root/.build/release/bench-relay}
relay_port=${BENCH_RELAY_PORT:-18092}
work=$(mktemp -d /tmp/concierge-bench.XXXXXX)
[ -x "$bin" ] || { echo "no release binary at $bin (swift build -c release)" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "install wrk and nginx-light" >&2; exit 1; }
echo_module=${BENCH_NGINX_ECHO_MODULE:-/usr/lib/nginx/modules/ngx_http_echo_module.so}
[ -f "$echo_module" ] || { echo "install libnginx-mod-http-echo (no $echo_module)" >&2; exit 1; }
profiles=${BENCH_PROFILES:-instant 10ms}

python3 "$root/scripts/bench/gateway-fixture.py" "$work" "$up_port" "$echo_module"
cat > "$work/config.yaml" <<YAML
llm:
  deployments:
    up-plain: { base_url: "http://127.0.0.1:$up_port/plain/v1", model: bench, max_concurrency: 256, prices: { input: 0.15, output: 0.6 } }
    up-stream: { base_url: "http://127.0.0.1:$up_port/stream/v1", model: bench, max_concurrency: 256, prices: { input: 0.15, output: 0.6 } }
    up-plain-10ms: { base_url: "http://127.0.0.1:$up_port/plain-10ms/v1", model: bench, max_concurrency: 256, prices: { input: 0.15, output: 0.6 } }
    up-stream-10ms: { base_url: "http://127.0.0.1:$up_port/stream-10ms/v1", model: bench, max_concurrency: 256, prices: { input: 0.15, output: 0.6 } }
  aliases:
    plain: [up-plain]
    stream: [up-stream]
    plain-10ms: [up-plain-10ms]
    stream-10ms: [up-stream-10ms]
YAML
cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("BENCH_KEY") ~= "" then wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY") end
wrk.body = os.getenv("BENCH_BODY")
LUA

export CONCIERGE_CONFIG="$work/config.yaml" CONCIERGE_DATA_DIR="$work/data" CONCIERGE_PORT=$gw_port
"$bin" migrate >/dev/null 2>&1
# Limits far above the load, so every check runs and none refuses: 100M requests/min, 10G tokens/min, $1M a day.
# BENCH_KEY_LIMITS overrides them (for finding which check costs what).
key=$("$bin" keys create --name bench --role user ${BENCH_KEY_LIMITS:---rpm 100000000 --tpm 10000000000 --budget-day 1000000} 2>/dev/null | tail -1)
nginx -c "$work/nginx.conf" -p "$work" & nginx_pid=$!
"$bin" serve >/dev/null 2>"$work/concierge.err" & gw_pid=$!
relay_pid=""
if [ -x "$relay_bin" ]; then "$relay_bin" "$relay_port" "http://127.0.0.1:$up_port" >/dev/null 2>&1 & relay_pid=$!; fi
cleanup() { kill "$gw_pid" $relay_pid 2>/dev/null || true; kill "$nginx_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$gw_port/health/ready" >/dev/null && break; sleep 0.1; done

# wrk's "50%  1.23ms" → microseconds
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n }'; }
cpu_ticks() { if [ -n "$1" ]; then awk '{ print $14 + $15 }' "/proc/$1/stat"; else echo 0; fi; }  # user + system
# context switches of the process's live threads (voluntary + involuntary), printed per call on standard error
ctx_switches() { if [ -n "$1" ]; then cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'; else echo 0; fi; }
run() {  # url body connections key pid label → "p50_us p99_us rps requests cpu_ticks_of_pid"
  local out threads=$(( $3 > 1 ? 2 : 1 )) before ctx
  before=$(cpu_ticks "$5"); ctx=$(ctx_switches "$5")
  if [ -n "${BENCH_PERF_DIR:-}" ] && [ -n "$5" ]; then  # profile the process under test during its run
    perf record ${BENCH_PERF_ARGS:--F 999} -g -p "$5" -o "$BENCH_PERF_DIR/$(echo "$6" | tr ' ' '-').data" -- sleep "$duration" >/dev/null 2>&1 &
  fi
  local counts="" counter=""
  if [ -n "${BENCH_COUNT_EVENTS:-}" ] && [ -n "$5" ]; then  # count events in the process under test during its run
    counts="$work/counts-$(echo "$6" | tr ' ' '-').csv"
    perf stat -x, -e "$BENCH_COUNT_EVENTS" -p "$5" -o "$counts" -- sleep "$duration" >/dev/null 2>&1 & counter=$!
  fi
  out=$(BENCH_BODY="$2" BENCH_KEY="$4" wrk -t"$threads" -c"$3" -d"${duration}s" --latency -s "$work/post.lua" "$1")
  if [ -n "$counter" ]; then
    wait "$counter" || true
    awk -F, -v n="$(echo "$out" | awk '/requests in/ { print $1 }')" -v label="$6" \
      '$3 != "" && $1 ~ /^[0-9]/ { printf "%s: %.1f %s per call\n", label, $1 / n, $3 }' "$counts" >&2
  fi
  if echo "$out" | grep -q "Non-2xx"; then
    echo "non-2xx answers from $1; one of them:" >&2
    curl -s -H "Content-Type: application/json" ${4:+-H "Authorization: Bearer $4"} -d "$2" "$1" >&2; echo >&2
    echo "$out" >&2; exit 1
  fi
  if [ -n "$5" ]; then
    echo "$6: $(( ($(ctx_switches "$5") - ctx) / $(echo "$out" | awk '/requests in/ { print $1 }') )) context switches per call" >&2
  fi
  echo "$(to_us "$(echo "$out" | awk '$1 == "50%" { print $2 }')") $(to_us "$(echo "$out" | awk '$1 == "99%" { print $2 }')") $(echo "$out" | awk '/^Requests\/sec/ { print $2 }') $(echo "$out" | awk '/requests in/ { print $1 }') $(( $(cpu_ticks "$5") - before ))"
}
peak_rss_kb() { awk '/VmHWM/ { print $2 }' "/proc/$1/status"; }
row() {  # label c file → one table row from the file's rounds ("d50 d99 drps p50 p99 rps requests ticks" each), against direct
  awk -v m="$1" -v c="$2" -v hz="$hz" '
    function median(a, n,   i, j, t) {  # sorts a[1..n] in place
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { n++; d50[n] = $1; d99[n] = $2; dr += $3; g50[n] = $4; g99[n] = $5; gr += $6; reqs += $7; ticks += $8
      a50[n] = $4 - $1; a99[n] = $5 - $2 }
    END {
      printf "| %s c=%d | %.3f / %.3f | %.3f / %.3f | %+.3f / %+.3f | %.0f | %.0f | %.0f %% | %.0f |\n", m, c,
        median(d50, n) / 1000, median(d99, n) / 1000, median(g50, n) / 1000, median(g99, n) / 1000,
        median(a50, n) / 1000, median(a99, n) / 1000, dr / n, gr / n, 100 * gr / dr, 1000000 * ticks / hz / reqs }' "$3"
}

hz=$(getconf CLK_TCK)
gateway_rows=() relay_rows=()
for profile in $profiles; do
for kind in ${BENCH_KINDS:-plain stream}; do
  mode=$kind; [ "$profile" = instant ] || mode="$kind-$profile"
  body="{\"model\":\"$mode\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"
  [ "$kind" = stream ] && body="{\"model\":\"$mode\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"
  for c in ${BENCH_CONCURRENCY:-1 64}; do
    : > "$work/rounds-gateway"; : > "$work/rounds-relay"
    for _ in $(seq 1 "${BENCH_ROUNDS:-1}"); do
      read -r d50 d99 drps _ _ < <(run "http://127.0.0.1:$up_port/$mode/v1/chat/completions" "$body" "$c" "" "")
      run "http://127.0.0.1:$gw_port/v1/chat/completions" "$body" "$c" "$key" "$gw_pid" "$kind $profile c$c" |
        awk -v d="$d50 $d99 $drps" '{ print d, $0 }' >> "$work/rounds-gateway"
      if [ -n "$relay_pid" ]; then
        run "http://127.0.0.1:$relay_port/$mode/v1/chat/completions" "$body" "$c" "" "$relay_pid" "relay $kind $profile c$c" |
          awk -v d="$d50 $d99 $drps" '{ print d, $0 }' >> "$work/rounds-relay"
      fi
    done
    gateway_rows+=("$(row "$kind $profile" "$c" "$work/rounds-gateway")")
    if [ -n "$relay_pid" ]; then relay_rows+=("$(row "$kind $profile" "$c" "$work/rounds-relay")"); fi
  done
done
done
echo "| load | direct p50 / p99 (ms) | via Concierge p50 / p99 (ms) | added p50 / p99 (ms) | req/s direct | req/s via Concierge | share | Concierge CPU per call (µs) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${gateway_rows[@]}"
if [ -n "$relay_pid" ]; then
  echo
  echo "Bare relay (bench-relay: Hummingbird → AsyncHTTPClient, nothing else), same loads, same direct runs:"
  echo
  echo "| load | direct p50 / p99 (ms) | via relay p50 / p99 (ms) | added p50 / p99 (ms) | req/s direct | req/s via relay | share | relay CPU per call (µs) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${relay_rows[@]}"
fi
echo
echo "Concierge peak RSS (VmHWM) over the whole run: $(( $(peak_rss_kb "$gw_pid") / 1024 )) MiB; ledger rows: $(sqlite3 "$work/data/concierge.sqlite" 'SELECT COUNT(*) FROM llm_ledger' 2>/dev/null || echo '?')"
# The write-behind ledger's writes over the whole run, from /metrics: how many, their mean, and the share within each bucket.
curl -s "http://127.0.0.1:$gw_port/metrics" | awk '
  /^concierge_llm_ledger_write_seconds_count/ { n = $2 } /^concierge_llm_ledger_write_seconds_sum/ { sum = $2 }
  /^concierge_llm_ledger_write_seconds_bucket/ { match($0, /le="[^"]*"/); le[++k] = substr($0, RSTART + 4, RLENGTH - 5); count[k] = $2 }
  END { if (n > 0) { printf "Ledger writes: %d, mean %.2f ms;", n, 1000 * sum / n
        for (i = 1; i <= k && i <= 6; i++) printf " %s%% within %s s", int(100 * count[i] / n + 0.5), le[i]; print "" } }'

