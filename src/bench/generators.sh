#!/usr/bin/env bash
# One endpoint, three load generators with the same settings, in alternation: wrk (-t1), hey and `storefront bench
# http` (one agent), each a closed loop over C keep-alive connections for S seconds, after a warm-up of the server.
# Each run's throughput, p50/p99, and the generator's own CPU in cores (user + system time of its process over the
# run; for bench http its own figure over the measured seconds, then its whole process's) are printed; the medians
# per generator at the end. On a small machine the generator's CPU comes out of the server's: compare the two.
#
# Usage: src/bench/generators.sh [-u URL] [-c CONNECTIONS] [-t SECONDS] [-n ROUNDS] [-w WARMUP_SECONDS]
#   -u URL  a fixed URL (hey cannot vary the id per request; default http://127.0.0.1:8080/products/100)
#   -c N    connections (default 16); -t each run (default 10); -n rounds of the three (default 3); -w warm-up (20)
# Needs wrk and hey (Debian packages) and target/storefront.jar; the server must already run.
# Output also in target/bench/generators.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
url=http://127.0.0.1:8080/products/100 conns=16 secs=10 rounds=3 warm=20
while getopts "u:c:t:n:w:h" o; do
  case "$o" in
    u) url=$OPTARG;; c) conns=$OPTARG;; t) secs=$OPTARG;; n) rounds=$OPTARG;; w) warm=$OPTARG;;
    *) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 2;;
  esac
done
for tool in wrk hey; do command -v $tool >/dev/null || { echo "generators.sh: $tool is not installed" >&2; exit 2; }; done
[ -f target/storefront.jar ] || { echo "generators.sh: build target/storefront.jar first" >&2; exit 2; }
curl -fsS -o /dev/null "$url" || { echo "generators.sh: $url does not answer 200" >&2; exit 2; }
mkdir -p target/bench
out=target/bench/generators.txt
: > "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# runs "$@" and prints "<cpu cores>" of its process tree over the run (user + system, children included)
timed() {
  local start end
  start=$(date +%s.%N)
  TIMEFORMAT='%U %S'
  { time "$@" > "$tmp/out" 2>&1; } 2> "$tmp/cpu"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" '{printf "%.2f", ($1 + $2) / (e - s)}' "$tmp/cpu"
}

ms() { # a latency as wrk or hey print it (1.2ms, 850us, 1.1s, or hey's seconds) -> ms
  awk -v v="$1" -v unit="${2:-}" 'BEGIN {
    if (unit == "s") { printf "%.2f", v * 1000; exit }
    n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

run() {
  local tool=$1 cpu rps p50 p99
  case "$tool" in
    wrk)
      cpu=$(timed wrk -t1 -c"$conns" -d"${secs}s" --latency "$url")
      rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/out")
      p50=$(ms "$(awk '$1 == "50%" {print $2}' "$tmp/out")"); p99=$(ms "$(awk '$1 == "99%" {print $2}' "$tmp/out")");;
    hey)
      cpu=$(timed hey -z "${secs}s" -c "$conns" "$url")
      rps=$(awk '/Requests\/sec:/ {print $2}' "$tmp/out")
      p50=$(ms "$(awk '/ 50% in / {print $3}' "$tmp/out")" s); p99=$(ms "$(awk '/ 99% in / {print $3}' "$tmp/out")" s);;
    bench)
      cpu=$(timed java -jar target/storefront.jar bench http --url "$url" -c "$conns" -d "${secs}s" --warmup 15s --json --no-files)
      rps=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(round(r["requestsPerSec"]))' "$tmp/out" 2>/dev/null || echo "?")
      p50=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); l=r["latencyMs"]; print(l["p50"])' "$tmp/out" 2>/dev/null || echo "?")
      p99=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); l=r["latencyMs"]; print(l["p99"])' "$tmp/out" 2>/dev/null || echo "?")
      # its own figure for the measured seconds: the JVM's start and warm-up JIT (in the process time) come before them
      cpu="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["clientCpuCores"])' "$tmp/out" 2>/dev/null || echo "?") (process $cpu)";;
  esac
  printf '%-6s %9s req/s  p50 %7s ms  p99 %7s ms  generator %s cores  (load %s)\n' "$tool" "$rps" "$p50" "$p99" "$cpu" \
    "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out"
}

echo "warm-up: ${warm}s of wrk on $url"
wrk -t1 -c"$conns" -d"${warm}s" "$url" > /dev/null
order=(wrk hey bench)
for ((i = 1; i <= rounds; i++)); do
  for tool in "${order[@]}"; do run "$tool"; done
  order=("${order[2]}" "${order[0]}" "${order[1]}") # rotate who goes first
done
echo "medians over $rounds rounds:" | tee -a "$out"
for tool in wrk hey bench; do
  awk -v t="$tool" '$1 == t {r[++n] = $2} END {
    asort(r); m = int((n + 1) / 2); printf "%-6s %9s req/s\n", t, r[m] }' "$out"
done | tee -a "$out.medians"
cat "$out.medians" >> "$out" && rm -f "$out.medians"
