#!/usr/bin/env bash
# HTTP benchmark of the Foundation layer: requests/s and latency of GET /health and of a 404 error path, with wrk
# against a release build on 127.0.0.1, plus idle and under-load resident memory of the server.
#
#   scripts/bench/http.sh [DURATION_S] [CONNECTIONS] [THREADS]     defaults: 15 64 1
#
# Installs wrk from Debian's packages if missing. Logs go to /dev/null (the access log line is still formatted).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15}; connections=${2:-64}; threads=${3:-1}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product concierge >/dev/null
bin=.build/release/concierge
data=$(mktemp -d)
port=$(( 18000 + RANDOM % 1000 ))
CONCIERGE_PORT=$port CONCIERGE_DATA_DIR=$data "$bin" serve >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
sleep 3  # the server releases start-up's code pages 1 s after it starts serving (CONCIERGE_TRIM_STARTUP_PAGES)
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
split() { awk '/RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "anon %.1f MiB, file %.1f MiB", a/1024, f/1024}' /proc/$pid/status; }
idle=$(rss)

echo "machine: $(nproc) cores, $(free -h | awk '/Mem:/ {print $2}') RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: scripts/bench/http.sh $duration $connections $threads   (wrk -t$threads -c$connections -d${duration}s --latency)"
echo "idle RSS: $((idle / 1024)) MiB ($(split))"
peak=0
sample() { while kill -0 $pid 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo $peak > "$data/peak"; sleep 0.2; done; }
sample & sampler=$!
for path in /health /no/such/route; do
  echo
  echo "== GET $path"
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
done
kill $sampler 2>/dev/null || true
echo
echo "under-load peak RSS: $(( $(cat "$data/peak" 2>/dev/null || echo 0) / 1024 )) MiB; RSS after load: $(( $(rss) / 1024 )) MiB ($(split))"
