#!/usr/bin/env bash
# Issue 3's measurement: GET /products/{id} through wrk for several process x event-loop layouts of `serve`,
# with RSS per node (idle and under load) and the time from `serve` to its ready line.
# Usage: src/bench/serve-configs.sh [-d DB_URL] [-t SECONDS] [-r RUNS] [--fixed-id] "P,E" ...
#   e.g. src/bench/serve-configs.sh -d postgresql://postgres@127.0.0.1:5432/storefront "1,2" "2,1" "2,2"
# Output: one line per run, then medians per layout; raw lines under target/bench/serve-configs.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${STOREFRONT_DB_URL:-} secs=15 runs=3 fixed=0 port=18080
while [ $# -gt 0 ]; do
  case "$1" in
    -d) db=$2; shift 2;; -t) secs=$2; shift 2;; -r) runs=$2; shift 2;; --fixed-id) fixed=1; shift;;
    *) break;;
  esac
done
[ $# -gt 0 ] || set -- "1,2" "2,1" "2,2"
mkdir -p target/bench
lua=target/bench/random-product.lua
if [ "$fixed" = 1 ]; then path_expr='"/products/100"'; else path_expr='"/products/" .. math.random(1, 1000)'; fi
cat > "$lua" <<LUA
math.randomseed(42)
request = function() return wrk.format("GET", $path_expr) end
LUA
rss_of_nodes() { # prints the RSS in MB of each node process of the running serve
  for pid in $(pgrep -f 'dev.storefront.Main node'); do echo -n "$(( $(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024 )) "; done
}
out=target/bench/serve-configs.txt
: > "$out"
for layout in "$@"; do
  p=${layout%,*} e=${layout#*,}
  for run in $(seq "$runs"); do
    log=target/bench/serve-$p-$e.log
    start=$(date +%s.%N)
    java -jar target/storefront.jar serve --processes "$p" --event-loops "$e" --port $port ${db:+--db-url "$db"} \
      --set cluster.name=bench-$$ --set cluster.port=17700 > "$log" 2>&1 &
    sup=$!
    until grep -q '^Storefront ready' "$log"; do sleep 0.1; kill -0 $sup 2>/dev/null || { cat "$log"; exit 1; }; done
    ready=$(echo "$(date +%s.%N) - $start" | bc)
    sleep 2; idle=$(rss_of_nodes)
    wrk -t1 -c16 -d10s -s "$lua" http://127.0.0.1:$port > /dev/null   # warm-up (JIT needs ~10 s on 2 cores), not reported
    wrk -t1 -c16 -d"${secs}s" --latency -s "$lua" http://127.0.0.1:$port > target/bench/wrk.txt &
    wrkpid=$!; sleep $(( secs / 2 )); load=$(rss_of_nodes); wait $wrkpid
    rps=$(awk '/Requests\/sec/{print $2}' target/bench/wrk.txt)
    p50=$(awk '$1=="50%"{print $2}' target/bench/wrk.txt); p99=$(awk '$1=="99%"{print $2}' target/bench/wrk.txt)
    errs=$(grep -E 'Non-2xx|Socket errors' target/bench/wrk.txt | tr -s ' ' | tr '\n' ' ' || true)
    line="P=$p E=$e run=$run rps=$rps p50=$p50 p99=$p99 ready_s=$ready rss_idle_mb=[$idle] rss_load_mb=[$load] $errs"
    echo "$line" | tee -a "$out"
    kill -TERM $sup; wait $sup || true
  done
done
echo "medians:"
for layout in "$@"; do
  p=${layout%,*} e=${layout#*,}
  med=$(grep "^P=$p E=$e " "$out" | sed 's/.*rps=\([0-9.]*\).*/\1/' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "P=$p E=$e median rps=$med"
done
