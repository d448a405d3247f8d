#!/usr/bin/env bash
# Overload of one node: GET /products/{id} at FACTOR (default 2) times the rate the node serves.
#  1. serve --processes 1 --event-loops E; the closed-loop rate C (bench http, 16 connections) after a warm-up;
#  2. bench http in its open model at FACTOR x C over CONNS connections (more than http.maxInFlight, so the excess
#     reaches the node rather than queueing in the client), sampling the node JVM's VmRSS every 0.5 s;
#  3. at once after, a closed-loop run again: errors and p99 as before the overload.
# Prints the successful responses' p99, the share and latency of the 503s, RSS first/max/last, and the after-run.
# Usage: src/bench/overload.sh [-d DB_URL] [-e EVENT_LOOPS] [-t SECONDS] [-x FACTOR] [-c CONNS] [-- --set k=v ...]
#   e.g. STOREFRONT_DB_URL=postgresql://postgres@127.0.0.1:5432/storefront src/bench/overload.sh
# The database URL goes to serve in its environment (STOREFRONT_DB_URL), never on a command line.
# Raw JSON of each phase under target/bench/overload/.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${STOREFRONT_DB_URL:-} loops=2 secs=20 factor=2 conns=1200 port=18090
while [ $# -gt 0 ]; do
  case "$1" in
    -d) db=$2; shift 2;; -e) loops=$2; shift 2;; -t) secs=$2; shift 2;; -x) factor=$2; shift 2;;
    -c) conns=$2; shift 2;; --) shift; break;; *) echo "unknown option $1" >&2; exit 2;;
  esac
done
jar=target/storefront.jar out=target/bench/overload
mkdir -p "$out"
url="http://127.0.0.1:$port/products/{id}"
# the JSON only (a log line of the generator, e.g. a blocked-thread warning on a starved machine, would precede it)
bench() { java -Xmx512m -jar "$jar" bench http --url "$url" --no-files --json --max-error-rate 1 "$@" | sed -n '/^{/,$p'; }

STOREFRONT_DB_URL=$db java -jar "$jar" serve --processes 1 --event-loops "$loops" --port $port \
  --set cluster.name=overload-$$ --set cluster.port=17800 --set management.port=0 "$@" > "$out/serve.log" 2>&1 &
sup=$!
trap 'kill -TERM $sup 2>/dev/null; wait $sup 2>/dev/null || true' EXIT
until grep -q '^Storefront ready' "$out/serve.log"; do sleep 0.2; kill -0 $sup 2>/dev/null || { cat "$out/serve.log"; exit 1; }; done
node=$(sed -n 's/.*started node-1 (pid \([0-9]*\)).*/\1/p' "$out/serve.log" | tail -1)
rss() { echo $(( $(awk '/VmRSS/{print $2}' /proc/$node/status) / 1024 )); }
echo "serve ready; node pid $node, RSS $(rss) MB; load average $(cut -d' ' -f1-3 /proc/loadavg)"

bench -c 16 -d 10s --warmup 10s > "$out/closed.json"
cap=$(jq '.requestsPerSec' "$out/closed.json")
rate=$(echo "$cap * $factor" | bc -l | xargs printf '%.0f')
echo "closed loop (16 connections): $cap req/s, p99 $(jq '.latencyMs.p99' "$out/closed.json") ms, errors $(jq '.errorRate' "$out/closed.json")"

: > "$out/rss.txt"
bench -c "$conns" -R "$rate" -d "${secs}s" --warmup 2s --timeout 10s > "$out/open.json" &
gen=$!
while kill -0 $gen 2>/dev/null; do rss >> "$out/rss.txt"; sleep 0.5; done
wait $gen || true
bench -c 16 -d 5s --warmup 0s > "$out/after.json"

jq -r --arg rate "$rate" --arg factor "$factor" '
  "open model at \($rate) req/s (\($factor) x), \(.config.connections) connections: \(.requests) responses, \(.requestsPerSec) req/s",
  "  successful: \(.latencyMsByOutcome.ok.responses // .requests), p50 \(.latencyMsByOutcome.ok.p50 // .latencyMs.p50) ms, p99 \(.latencyMsByOutcome.ok.p99 // .latencyMs.p99) ms, max \(.latencyMsByOutcome.ok.max // .latencyMs.max) ms",
  "  error statuses (503): \(.latencyMsByOutcome.errorStatus.responses // 0), p50 \(.latencyMsByOutcome.errorStatus.p50 // 0) ms, p99 \(.latencyMsByOutcome.errorStatus.p99 // 0) ms",
  "  errors \(.errors), send lag p99 \(.sendLagMs.p99) ms, dropped \(.coordinatedOmission.dropped)"' "$out/open.json"
sort -n "$out/rss.txt" | awk -v first="$(head -1 "$out/rss.txt")" -v last="$(tail -1 "$out/rss.txt")" \
  '{a[NR]=$1} END {printf "  node RSS during the run: first %d MB, median %d MB, max %d MB, last %d MB (%d samples)\n", first, a[int((NR+1)/2)], a[NR], last, NR}'
echo "at once after (closed loop, 16 connections, no warm-up): $(jq '.requestsPerSec' "$out/after.json") req/s," \
  "p99 $(jq '.latencyMs.p99' "$out/after.json") ms, error rate $(jq '.errorRate' "$out/after.json")"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); shed count in the node's log: $(grep -c 'overloaded\|shed' "$out/serve.log" || true) line(s)"
